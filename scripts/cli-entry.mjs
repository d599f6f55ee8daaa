#!/usr/bin/env node
// dist/cli.js, the CLI's entry (scripts/bundle.mjs copies this file there):
// runs the bundled CLI (dist/cli.cjs) from V8's code cache of it
// (dist/cli.cjs.cache, written at build time by a trial start, so it holds
// every function compiled during a start and the first requests). From the
// cache, V8 neither parses the 3 MB bundle nor compiles those functions
// again: about a third of a cold start (README "Performance").
//
// V8 takes the cache only from the same Node.js, with the same V8 flags
// (any --flag, or NODE_OPTIONS, makes it another); otherwise it compiles
// the bundle as if there were no cache, and nothing else changes. The bundle
// runs as a CommonJS module would, its import.meta.url this file's, so every
// path it resolves (fixtures, package.json, the seed worker) is the one it
// resolves as dist/cli.js. It must not import() (a script run from a code
// cache has no way back to Node's loader): scripts/bundle.mjs refuses one.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { Script } from 'node:vm'

// The emulator's heap, unless the user chose one with V8 flags of their
// own (README "Performance": peak RSS).
// - The young generation: V8 doubles it (up to 16 MiB a semi-space) each
//   time as much as it holds has outlived a collection since the last
//   doubling, so a long run under load ends at the largest, 32 MiB in all,
//   though what outlives a collection is only the requests in flight (the
//   journal and the answer cache keep no object of a request's). The CLI
//   lets it grow (--semi-space-growth-factor, V8's 2) only while a
//   semi-space is under 2 MiB, and holds it there (1): at V8's first size,
//   1 MiB, the page queries lost 7 % and the 422s 20 % of their answers per
//   CPU-second, at 4 MiB they gained 1-2 % for 4 MiB more. It is checked
//   every 250 ms, so it also grows back after V8's memory reducer has shrunk
//   it in an idle spell.
// - The old generation: V8 collects it once it has grown to as much as four
//   times what the last collection left; the emulator keeps about 20 MiB
//   live, and what outlives a few requests (answers kept a while) is soon
//   garbage, so under load that room only holds garbage. 1.2 times what was
//   live (--heap-growing-percent=20; V8 adds at least 8 MiB).
// Both are first set before the bundle is compiled, and its code cache is
// written under them: V8 takes a cache only under the flags it was made
// with. Node's own modules that the bundle loads (http, net, stream, ...)
// then compile from source instead of from Node's cache, made under V8's
// defaults: about 10 ms of a cold start.
const HEAP_FLAGS = /--(max-old-space-size|max-semi-space-size|min-semi-space-size|semi-space-growth-factor|heap-growing-percent)\b/
const HEAP_SETTINGS = { 'heap-growing-percent': 20, 'semi-space-growth-factor': 1 }
// V8 takes `_` for `-` in a flag's name.
const namesHeap = (flags) => HEAP_FLAGS.test(flags.replaceAll('_', '-'))
const heapSet = !(process.execArgv.some(namesHeap) || namesHeap(process.env.NODE_OPTIONS ?? ''))
if (heapSet) {
  for (const [flag, value] of Object.entries(HEAP_SETTINGS)) setFlagsFromString(`--${flag}=${value}`)
}

const bundle = fileURLToPath(new URL('./cli.cjs', import.meta.url))
const cacheFile = `${bundle}.cache`

const readCache = () => {
  try {
    return readFileSync(cacheFile)
  } catch {
    return undefined
  }
}

// The bundle is ASCII (scripts/bundle.mjs), so it is read as latin1 and V8
// keeps its source (which stays in memory) in one byte a character: 3 MiB.
// Read as UTF-8, one non-ASCII character, even in a comment, would make it
// two bytes a character throughout: 6 MiB.
const script = new Script(
  `(function (exports, require, module, __filename, __dirname, __bundleUrl) {${readFileSync(bundle, 'latin1')}\n})`,
  { filename: bundle, cachedData: readCache() }
)
const module = { exports: {} }
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), import.meta.url)

// The young generation's steering (above). V8 reads the factor each time it
// would grow the young generation. (Node warns that a V8 flag set after start
// may do anything or nothing; this one acts as if given on the command line.)
const YOUNG_SEMI_SPACE = 2 * 1024 * 1024
const V8_GROWTH_FACTOR = 2 // V8's default: twice the size each time
let youngGrows = false
const steerYoungTo = (grows) => {
  youngGrows = grows
  setFlagsFromString(`--semi-space-growth-factor=${grows ? V8_GROWTH_FACTOR : HEAP_SETTINGS['semi-space-growth-factor']}`)
}
const steerYoung = () => {
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
  // What a semi-space holds: its pages' size less their headers.
  const grows = young.space_used_size + young.space_available_size < 0.9 * YOUNG_SEMI_SPACE
  if (grows !== youngGrows) steerYoungTo(grows)
}
if (heapSet) {
  steerYoung()
  setInterval(steerYoung, 250).unref()
}

// The build's trial start (scripts/bundle.mjs) runs this file with an IPC
// channel and asks for the cache once its requests are answered; a test
// asks whether V8 took it. The listener does not keep the process alive
// (unref), as none did before.
if (process.send !== undefined) {
  process.on('message', (message) => {
    if (message?.meibelMockCodeCache === 'write') {
      // Under the flags the bundle was compiled with.
      const grew = youngGrows
      if (grew) steerYoungTo(false)
      writeFileSync(cacheFile, script.createCachedData())
      if (grew) steerYoungTo(true)
      process.send({ meibelMockCodeCache: 'written' })
    } else if (message?.meibelMockCodeCache === 'status') {
      process.send({ meibelMockCodeCache: script.cachedDataRejected === false ? 'used' : 'not used' })
    } else if (message?.meibelMockHeap === 'status') {
      process.send({ meibelMockHeap: heapSet ? { ...HEAP_SETTINGS, youngSemiSpace: YOUNG_SEMI_SPACE } : null })
    }
  })
  process.channel?.unref()
}
