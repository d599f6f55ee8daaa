// The second half of `npm run build` (after tsc): the CLI as one file, run
// from V8's code cache, and the default data prepared for it. Node 20
// spends most of a cold start resolving, reading and compiling the few
// hundred modules of Fastify, TypeBox, AJV and faker one by one; from one
// file it compiles them in one go, and from the cache it hardly compiles
// (README "Performance": cold start).
//
// - dist/cli.cjs: src/cli.ts and everything it imports, bundled by esbuild
//   (tsc's dist/cli.js is replaced by the entry below; every other dist/
//   file, the .d.ts files and the programmatic entry dist/index.js stay as
//   tsc wrote them). Left out and loaded from node_modules as before:
//   better-sqlite3 (native) and pino-pretty (loaded only for pretty logs).
//   @fastify/swagger and @fastify/swagger-ui are in: from their own files
//   they cost a fifth of the start (about 80 files of theirs and of yaml,
//   @fastify/static, glob resolved, read and compiled one by one). The
//   files they read beside their code (package.json, the docs page's
//   assets) are still read from where they are installed (ownDirname below).
// - dist/cli.js: scripts/cli-entry.mjs, which runs dist/cli.cjs from
//   dist/cli.cjs.cache, written last by a trial start (trainCodeCache).
// - dist/seed-worker.js: src/seed/seed-worker.ts bundled the same way (as
//   ESM), for the bundled CLI's large seeds (tsc's dist/seed/seed-worker.js
//   serves dist/index.js).
// - dist/default-data.json: the sessions the default start seeds (the shipped
//   fixtures, the default seed, the fixtures' sessions per agent), made by
//   tsc's dist/ modules from the same sources, with the key of those inputs
//   (src/seed/default-data.ts); the bundle carries the generator's identity.
import { fork } from 'node:child_process'
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { contentHash, filesUnder, root } from './content-hash.mjs'
import { freePort, httpRequest, LOOPBACK, sleep } from './loopback.mjs'

const dist = join(root, 'dist')
const CLI_BUNDLE = join(dist, 'cli.cjs')
const CODE_CACHE = `${CLI_BUNDLE}.cache`

// The generator's identity: every source file (any change makes new data,
// which costs nothing at build time) and the faker version (its streams).
const generatorId = () => contentHash(['@faker-js/faker'], filesUnder(join(root, 'src')))

const generator = generatorId()

// A CommonJS module's __dirname, which an ESM bundle does not have, for the
// bundled packages that read files beside their code: the folder the module
// is installed in, resolved at run time from the bundle as an import of the
// package would be (its package.json, then the module's folder inside it).
const OWN_DIRNAME_PACKAGES = ['@fastify/swagger', '@fastify/swagger-ui']
const NODE_MODULES = `${sep}node_modules${sep}`
const ownDirname = {
  name: 'own-dirname',
  setup (b) {
    b.onLoad({ filter: /\.js$/ }, async ({ path }) => {
      const modules = path.lastIndexOf(NODE_MODULES)
      if (modules === -1) return undefined
      const at = modules + NODE_MODULES.length
      const inside = path.slice(at).split(sep).join('/')
      const name = OWN_DIRNAME_PACKAGES.find((p) => inside.startsWith(`${p}/`))
      if (name === undefined) return undefined
      const source = await readFile(path, 'utf8')
      if (!source.includes('__dirname')) return undefined
      const folder = relative(path.slice(0, at + name.length), dirname(path)).split(sep).join('/')
      const resolved = `require('node:path').join(require('node:path').dirname(require.resolve(${JSON.stringify(`${name}/package.json`)})), ${JSON.stringify(folder)})`
      return { contents: `var __dirname = ${resolved};\n${source}`, loader: 'js', resolveDir: dirname(path) }
    })
  }
}

// faker's English definitions (src/seed/english-faker.ts), which the tsc
// build loads with the module, are loaded by the bundles at their first use:
// esbuild evaluates a bundled module that is require()d, not imported, only
// when the require() runs. A start seeds from the prepared default data
// (below) and makes no faker instance, so it never loads them: 2.7 MB less
// heap (README "Performance": peak RSS).
// The entry point required is the one the module imports.
const ENGLISH_FAKER = join(root, 'src', 'seed', 'english-faker.ts')
const FAKER_IMPORT = /^import \{ faker \} from '([^']+)'$/m
const lazyEnglishFaker = {
  name: 'lazy-english-faker',
  setup (b) {
    b.onLoad({ filter: /english-faker\.ts$/ }, async ({ path }) => {
      if (path !== ENGLISH_FAKER) return undefined
      const entry = FAKER_IMPORT.exec(await readFile(path, 'utf8'))?.[1]
      if (entry === undefined) return { errors: [{ text: `bundle: ${path} no longer has the line \`import { faker } from '...'\` that lazyEnglishFaker makes lazy` }] }
      return { contents: `export const englishTemplate = () => require(${JSON.stringify(entry)}).faker\n`, loader: 'js', resolveDir: dirname(path) }
    })
  }
}

const common = {
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The two package.json are not bundled but looked up (ownDirname).
  external: ['better-sqlite3', 'pino-pretty', ...OWN_DIRNAME_PACKAGES.map((name) => `${name}/package.json`)],
  plugins: [ownDirname, lazyEnglishFaker],
  logLevel: 'warning',
  minifyWhitespace: true,
  minifySyntax: true
}
// CommonJS, so that dist/cli.js can run it from V8's code cache (a module
// in ESM cannot be given one on Node 20); import.meta.url is dist/cli.js's.
// Its hashbang goes: dist/cli.js runs it inside a function.
// No import() in it: run from a code cache, it would fail (scripts/cli-entry.mjs).
// The old cache goes first: V8 matches a cache to its source by length only,
// so a cache must never outlive the bundle it was made from.
rmSync(CODE_CACHE, { force: true })
const { metafile } = await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli.ts')],
  outfile: CLI_BUNDLE,
  format: 'cjs',
  define: { MEIBEL_MOCK_GENERATOR: JSON.stringify(generator), 'import.meta.url': '__bundleUrl' },
  metafile: true
})
const dynamicImports = Object.entries(metafile.inputs).flatMap(([file, { imports }]) =>
  imports.filter((i) => i.kind === 'dynamic-import').map((i) => `${file}: import(${JSON.stringify(i.path)})`))
if (dynamicImports.length > 0) {
  process.stderr.write(`bundle: the CLI bundle must not import() (scripts/cli-entry.mjs); found ${dynamicImports.join(', ')}\n`)
  process.exit(1)
}
// ASCII, so that dist/cli.js can read it as latin1 (one byte a character in
// V8). esbuild already escapes every non-ASCII character of a string,
// template, regular expression or name (its default charset), so what is
// left is in comments, where an escape is only text; anywhere else, \uXXXX
// (a UTF-16 unit: an astral character becomes its two) means the same.
const asciiOnly = (source) => source.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
writeFileSync(CLI_BUNDLE, asciiOnly(readFileSync(CLI_BUNDLE, 'utf8').replace(/^#!.*\n/, '')))
copyFileSync(join(root, 'scripts', 'cli-entry.mjs'), join(dist, 'cli.js'))
// The seed worker (src/seed/build-seeded-database.ts starts it from the file
// beside its own module: in the bundle, beside dist/cli.js), bundled too, so
// a worker also starts from one file. ESM (its top-level await), so the
// CommonJS packages inside get a require() for Node's own modules.
await build({
  ...common,
  entryPoints: [join(root, 'src', 'seed', 'seed-worker.ts')],
  outfile: join(dist, 'seed-worker.js'),
  format: 'esm',
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" }
})

// The default start's sessions, by the modules tsc just wrote.
const load = (path) => import(pathToFileURL(join(dist, path)).href)
const [{ DEFAULT_FIXTURES_DIR, DEFAULT_SEED }, { loadFixtures }, { seededSessions }, { defaultDataKey, writeDefaultData }] =
  await Promise.all([load('config.js'), load('seed/fixtures.js'), load('seed/seed-store.js'), load('seed/default-data.js')])
const fixtures = loadFixtures(DEFAULT_FIXTURES_DIR)
const seeding = { seed: DEFAULT_SEED, sessionsPerAgent: null }
writeDefaultData(join(dist, 'default-data.json'), defaultDataKey(generator, fixtures, seeding), seededSessions(fixtures, DEFAULT_SEED, null))

// The trial start: dist/cli.js on a free loopback port, with no V8 flags
// and no NODE_OPTIONS (V8 takes a cache only under the flags it was made
// with: those of a plain `node dist/cli.js`, the bin and the container's
// entry), asked what a client asks first; then the entry writes the cache.
// None of the emulator's variables reach it: a MEIBEL_MOCK_DB of the shell
// that builds must not have the trial open (or seed) that file.
// A failure leaves no cache, which costs start-up time and nothing else: it
// is reported, and the build goes on.
const TRIAL_REQUESTS = [
  ['/health', {}],
  ['/v2/agents/demo-agent/sessions?limit=20&status=COMPLETED', { 'Meibel-API-Key': 'build' }],
  ['/v2/agents/demo-agent/sessions?limit=1', { 'Meibel-API-Key': 'build' }],
  ['/v2/agents/demo-agent/sessions?limit=none', { 'Meibel-API-Key': 'build' }],
  ['/v2/agents/demo-agent/sessions', {}],
  ['/v2/nowhere', {}]
]
const TRIAL_TIMEOUT_MS = 30_000

// The status of a GET, or 0 when nothing answers (yet).
const statusOf = (port, path, headers) => httpRequest(port, path, { headers }).then((r) => r.status, () => 0)

const trainCodeCache = async () => {
  const port = await freePort()
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(NODE_OPTIONS|PORT|HOST|MEIBEL_MOCK_.*)$/.test(name)))
  const child = fork(join(dist, 'cli.js'), ['--port', String(port), '--host', LOOPBACK, '--log-level', 'silent'],
    { cwd: root, env, execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const deadline = Date.now() + TRIAL_TIMEOUT_MS
  try {
    while (await statusOf(port, '/health', {}) !== 200) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('the trial start did not answer')
      await sleep(20)
    }
    for (const [path, headers] of TRIAL_REQUESTS) await statusOf(port, path, headers)
    const written = new Promise((resolve) => child.on('message', (m) => { if (m?.meibelMockCodeCache === 'written') resolve() }))
    child.send({ meibelMockCodeCache: 'write' })
    // The same deadline: a trial start that never writes must not hold the build.
    let timer
    const late = new Promise((resolve, reject) => { timer = setTimeout(() => { reject(new Error('the trial start wrote no cache in time')) }, Math.max(0, deadline - Date.now())) })
    try {
      await Promise.race([written, late, exited.then(() => { throw new Error('the trial start exited') })])
    } finally {
      clearTimeout(timer)
    }
  } catch (err) {
    rmSync(CODE_CACHE, { force: true })
    process.stderr.write(`bundle: no code cache (${err.message}); the CLI starts without it\n`)
  } finally {
    if (child.exitCode === null) process.kill(child.pid, 'SIGTERM')
    await exited
  }
}
await trainCodeCache()
