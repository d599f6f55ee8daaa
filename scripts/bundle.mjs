// The second half of `npm run build` (after tsc): the CLI as one ESM file,
// and the default data prepared for it. Node 20 spends most of a cold start
// resolving, reading and compiling the few hundred modules of Fastify,
// TypeBox, AJV and faker one by one; from one file it compiles them in one go
// (README "Performance": cold start).
//
// - dist/cli.js: src/cli.ts and everything it imports, bundled by esbuild
//   (tsc's dist/cli.js is replaced; every other dist/ file, the .d.ts files and
//   the programmatic entry dist/index.js stay as tsc wrote them). Left out and
//   loaded from node_modules as before: better-sqlite3 (native), pino-pretty
//   (loaded only for pretty logs), @fastify/swagger and @fastify/swagger-ui
//   (they read their own files beside their code: package.json, the docs
//   page's static assets).
// - dist/seed-worker.js: src/seed/seed-worker.ts bundled the same way, for
//   the bundled CLI's large seeds (tsc's dist/seed/seed-worker.js serves
//   dist/index.js).
// - dist/default-data.json: the sessions the default start seeds (the shipped
//   fixtures, the default seed, the fixtures' sessions per agent), made by
//   tsc's dist/ modules from the same sources, with the key of those inputs
//   (src/seed/default-data.ts); the bundle carries the generator's identity.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { contentHash, filesUnder, root } from './content-hash.mjs'

const dist = join(root, 'dist')

// The generator's identity: every source file (any change makes new data,
// which costs nothing at build time) and the faker version (its streams).
const generatorId = () => contentHash(['@faker-js/faker'], filesUnder(join(root, 'src')))

const generator = generatorId()

const common = {
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The CommonJS packages inside call require() for Node's own modules.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  external: ['better-sqlite3', 'pino-pretty', '@fastify/swagger', '@fastify/swagger-ui'],
  logLevel: 'warning'
}
await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli.ts')],
  outfile: join(dist, 'cli.js'),
  define: { MEIBEL_MOCK_GENERATOR: JSON.stringify(generator) }
})
// The seed worker (src/seed/build-seeded-database.ts starts it from the file
// beside its own module: in the bundle, beside dist/cli.js), bundled too, so
// a worker also starts from one file.
await build({
  ...common,
  entryPoints: [join(root, 'src', 'seed', 'seed-worker.ts')],
  outfile: join(dist, 'seed-worker.js')
})

// The default start's sessions, by the modules tsc just wrote.
const load = (path) => import(pathToFileURL(join(dist, path)).href)
const [{ DEFAULT_FIXTURES_DIR, DEFAULT_SEED }, { loadFixtures }, { seededSessions }, { defaultDataKey, writeDefaultData }] =
  await Promise.all([load('config.js'), load('seed/fixtures.js'), load('seed/seed-store.js'), load('seed/default-data.js')])
const fixtures = loadFixtures(DEFAULT_FIXTURES_DIR)
const seeding = { seed: DEFAULT_SEED, sessionsPerAgent: null }
writeDefaultData(join(dist, 'default-data.json'), defaultDataKey(generator, fixtures, seeding), seededSessions(fixtures, DEFAULT_SEED, null))
