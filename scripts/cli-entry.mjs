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
import { setFlagsFromString } from 'node:v8'
import { Script } from 'node:vm'

// The emulator's heap, unless the user chose one with V8 flags of their
// own (README "Performance": peak RSS). V8 collects the old generation once
// it has grown to as much as four times what the last collection left; the
// emulator keeps about 20 MiB live, and what outlives a few requests (the
// journal's entries, answers kept a while) is soon garbage, so under load
// that room only holds garbage. Twice what was live: under `npm run bench`
// the peak fell from 169 to 132-137 MiB, and a million sessions' seed from
// about 500 to 400 MiB, with the same throughput per CPU-second in every
// scenario and the same seed time. 1.3 times peaked at 124 MiB but cost up
// to 7 % of the page queries' throughput; a young generation held under
// V8's 16 MiB a semi-space (8 MiB: up to 9 %, 4 MiB: up to 20 %) cost more.
// It is set once the bundle's top level has run. Any V8 flag changed at run
// time makes the flags another set, for V8's code caches: set before the
// bundle is compiled, it made every Node.js module the bundle then loads
// (http, net, stream, ...) compile from source instead of from Node's own
// cache, 10 ms more of a cold start. The bundle's cache is written with the
// flag at V8's default again, as it was when the cache was read. (Node warns
// that a V8 flag set after start may do anything or nothing; V8 reads this
// one only when it sets the old generation's next limit, after a full
// collection, so from the first one on it acts as if it had been given on
// the command line.)
const HEAP_FLAGS = /--(max-old-space-size|max-semi-space-size|min-semi-space-size|semi-space-growth-factor|heap-growing-percent)\b/
const HEAP_GROWING_PERCENT = 100
// V8 takes `_` for `-` in a flag's name.
const namesHeap = (flags) => HEAP_FLAGS.test(flags.replaceAll('_', '-'))
const growingPercent = process.execArgv.some(namesHeap) || namesHeap(process.env.NODE_OPTIONS ?? '')
  ? null
  : HEAP_GROWING_PERCENT
const V8_GROWING_PERCENT = 0 // V8's default: its own factor
// Nothing when the user chose the heap.
const setGrowingPercent = (percent) => {
  if (growingPercent !== null) setFlagsFromString(`--heap-growing-percent=${percent}`)
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
setGrowingPercent(growingPercent)

// The build's trial start (scripts/bundle.mjs) runs this file with an IPC
// channel and asks for the cache once its requests are answered; a test
// asks whether V8 took it. The listener does not keep the process alive
// (unref), as none did before.
if (process.send !== undefined) {
  process.on('message', (message) => {
    if (message?.meibelMockCodeCache === 'write') {
      setGrowingPercent(V8_GROWING_PERCENT)
      const cache = script.createCachedData()
      setGrowingPercent(growingPercent)
      writeFileSync(cacheFile, cache)
      process.send({ meibelMockCodeCache: 'written' })
    } else if (message?.meibelMockCodeCache === 'status') {
      process.send({ meibelMockCodeCache: script.cachedDataRejected === false ? 'used' : 'not used' })
    } else if (message?.meibelMockHeap === 'status') {
      process.send({ meibelMockHeap: { growingPercent } })
    }
  })
  process.channel?.unref()
}
