// `npm start`'s prestart: compiles src/ into dist/ (what `npm run build`
// does) only when its inputs changed since the last build from here, so a
// second start with nothing changed is not a full TypeScript build (seconds,
// more on a loaded machine), then the bundle step (scripts/bundle.mjs). The
// inputs are every file under src/ and fixtures/ (the default data is made
// from them), both tsconfig files, the bundle script with the CLI entry it
// copies and the loopback helpers of its trial start, and the TypeScript,
// esbuild and faker versions, by content (a checkout that
// only touches mtimes builds nothing); their hash is kept in dist/, so
// deleting dist/ or a fresh clone builds. The build itself is incremental
// (tsconfig.build.json), so after a change only what it affects is checked.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { contentHash, filesUnder, root } from './content-hash.mjs'

const stamp = join(root, 'dist', '.build-inputs')
const require = createRequire(import.meta.url)

const inputsHash = () => contentHash(['typescript', 'esbuild', '@faker-js/faker'], [
  join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json'), join(root, 'scripts', 'bundle.mjs'), join(root, 'scripts', 'content-hash.mjs'), join(root, 'scripts', 'cli-entry.mjs'), join(root, 'scripts', 'loopback.mjs'),
  ...filesUnder(join(root, 'src')), ...filesUnder(join(root, 'fixtures'))
])

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
