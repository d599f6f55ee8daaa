// The content hash both build scripts take of their inputs: the versions of
// packages whose output the build depends on, then files by path, length and
// content (so a checkout that only touches mtimes changes nothing).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)

// Every file below a folder, sorted.
export const filesUnder = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
  const path = join(dir, entry.name)
  return entry.isDirectory() ? filesUnder(path) : [path]
}).sort()

export const contentHash = (packages, files) => {
  const hash = createHash('sha256')
  for (const name of packages) hash.update(`${name} ${require(`${name}/package.json`).version}\n`)
  for (const file of files) {
    const content = readFileSync(file)
    hash.update(`${relative(root, file)} ${content.length}\n`).update(content)
  }
  return hash.digest('hex')
}
