// `npm start`'s prestart: compiles src/ into dist/ (what `npm run build`
// does) only when its inputs changed since the last build from here, so a
// second start with nothing changed is not a full TypeScript build (seconds,
// more on a loaded machine), then the bundle step (scripts/bundle.mjs). The
// inputs are every file under src/ and fixtures/ (the default data is made
// from them), both tsconfig files, the bundle script and the TypeScript,
// esbuild and faker versions, by content (a checkout that
// only touches mtimes builds nothing); their hash is kept in dist/, so
// deleting dist/ or a fresh clone builds. The build itself is incremental
// (tsconfig.build.json), so after a change only what it affects is checked.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const stamp = join(root, 'dist', '.build-inputs')
const require = createRequire(import.meta.url)

const filesUnder = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
  const path = join(dir, entry.name)
  return entry.isDirectory() ? filesUnder(path) : [path]
})

const inputsHash = () => {
  const hash = createHash('sha256')
  for (const name of ['typescript', 'esbuild', '@faker-js/faker']) hash.update(`${name} ${require(`${name}/package.json`).version}\n`)
  const files = [join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json'), join(root, 'scripts', 'bundle.mjs'),
    ...filesUnder(join(root, 'src')).sort(), ...filesUnder(join(root, 'fixtures')).sort()]
  for (const file of files) {
    const content = readFileSync(file)
    hash.update(`${relative(root, file)} ${content.length}\n`).update(content)
  }
  return hash.digest('hex')
}

// Hashed before the build: a file saved while it runs is built next time.
const inputs = inputsHash()
const built = existsSync(join(root, 'dist', 'cli.js')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs
if (!built) {
  // tsc prints its own errors; its exit code fails `npm start`.
  const { status } = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
  if (status !== 0) process.exit(status ?? 1)
  const bundled = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' })
  if (bundled.status !== 0) process.exit(bundled.status ?? 1)
  writeFileSync(stamp, inputs)
}
