import t from 'tap'
import fc from 'fast-check'
import { answerKey, makeAnswerCache } from '../../src/routes/answer-cache.js'
import type { ListQuery } from '../../src/store/sessions-store.js'

const text = (n: number, fill = 'x'): string => fill.repeat(n)

t.test('an answer is kept for its token only: a new token drops every entry', async (t) => {
  const cache = makeAnswerCache({ maxEntries: 10, maxBytes: 1600 })
  const kept = cache.keep('a', '1', text(10))
  t.same(kept, Buffer.from(text(10)), 'the bytes of the text')
  t.ok(cache.holds(kept), 'a view of the cache\'s block')
  t.equal(cache.get('a', '1'), kept, 'kept')
  t.equal(cache.get('b', '1'), undefined, 'another key: nothing')
  t.equal(cache.get('a', '2'), undefined, 'a new token: gone')
  t.equal(cache.size, 0, 'and nothing else is kept')
  cache.keep('a', '2', text(3, 'y'))
  t.same(cache.keep('a', '2', text(4, 'z')), Buffer.from('yyy'), 'the first answer of a token stays (equal tokens, equal answers)')
  t.same(cache.get('a', '2'), Buffer.from('yyy'))
  t.same(cache.keep('u', '2', 'é日本語'), Buffer.from('é日本語'), 'UTF-8')
  t.equal(cache.bytes, 3 + 11, 'bytes are UTF-8 bytes')
})

t.test('bounded by entries and by its block: the oldest goes first; large answers are not kept', async (t) => {
  const byCount = makeAnswerCache({ maxEntries: 2, maxBytes: 1600 })
  byCount.keep('a', 'v', text(1))
  byCount.keep('b', 'v', text(1))
  byCount.get('a', 'v')
  byCount.keep('c', 'v', text(1))
  t.same(['a', 'b', 'c'].map((k) => byCount.get(k, 'v') !== undefined), [false, true, true], 'a, the oldest, went (being asked for does not keep it)')
  const byBytes = makeAnswerCache({ maxEntries: 100, maxBytes: 1600 })
  byBytes.keep('a', 'v', text(100))
  byBytes.keep('b', 'v', text(100))
  const big = byBytes.keep('big', 'v', text(101))
  t.same(big, Buffer.from(text(101)), 'over a sixteenth of the block: its bytes, sent')
  t.notOk(byBytes.holds(big), 'in a Buffer of their own')
  t.equal(byBytes.get('big', 'v'), undefined, 'and not kept')
  for (let i = 0; i < 16; i++) byBytes.keep(`k${i}`, 'v', text(100, String(i % 10)))
  t.equal(byBytes.bytes, 1600, 'never over the block')
  t.equal(byBytes.size, 16)
  t.equal(byBytes.get('a', 'v'), undefined, 'the oldest went')
  t.same(byBytes.get('k0', 'v'), Buffer.from(text(100, '0')), 'the newest are whole')
  const defaults = makeAnswerCache()
  defaults.keep('k', 'v', text(64 * 1024))
  t.equal(defaults.size, 1, 'the default block keeps a 64 KiB answer')
  defaults.keep('l', 'v', text(64 * 1024 + 1))
  t.equal(defaults.size, 1, 'but not a larger one')
})

t.test('the block starts at 64 KiB and doubles when full, up to the bound; what the smaller one held goes', async (t) => {
  const cache = makeAnswerCache({ maxEntries: 1000, maxBytes: 256 * 1024 })
  const first = cache.keep('a', 'v', text(1000, 'a'))
  t.equal(first.buffer.byteLength, 64 * 1024, 'the first block')
  for (let i = 0; i < 65; i++) cache.keep(`k${i}`, 'v', text(1000, 'b'))
  const grown = cache.get('k64', 'v')!
  t.equal(grown.buffer.byteLength, 128 * 1024, 'full: one twice as large')
  t.equal(cache.size, 1, 'holding only what came after')
  t.same(first, Buffer.from(text(1000, 'a')), 'the old block left as it was')
  for (let i = 0; i < 400; i++) cache.keep(`m${i}`, 'v', text(1000, String(i % 10)))
  t.equal(cache.get('m399', 'v')!.buffer.byteLength, 256 * 1024, 'never past the bound: from then on a ring')
  t.same(cache.get('m399', 'v'), Buffer.from(text(1000, '9')))
  t.ok(cache.bytes <= 256 * 1024)
  const large = makeAnswerCache({ maxEntries: 10, maxBytes: 4 * 1024 * 1024 })
  t.equal(large.keep('big', 'v', text(200 * 1024)).buffer.byteLength, 256 * 1024, 'a first answer over 64 KiB: a first block that holds it')
})

t.test('retired: every entry dropped, and the next answers in a new block, the old one left as it was', async (t) => {
  const cache = makeAnswerCache({ maxEntries: 10, maxBytes: 160 })
  const before = cache.keep('a', 'v', text(10, 'a'))
  cache.retire()
  t.equal(cache.size, 0)
  t.equal(cache.get('a', 'v'), undefined)
  t.notOk(cache.holds(before), 'the old block is no longer the cache\'s')
  for (let i = 0; i < 40; i++) cache.keep(`k${i}`, 'v', text(10, 'b'))
  t.same(before, Buffer.from(text(10, 'a')), 'nothing written over it')
  t.ok(cache.holds(cache.get('k39', 'v')!))
})

t.test('property: every answer got is the one kept for it, and the kept ones are the newest', async (t) => {
  // Few keys, sizes up to the largest kept (24 × 3 bytes, a sixteenth of the
  // block), and a small block, so the ring wraps and drops often.
  const op = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('keep' as const), key: fc.integer({ min: 0, max: 30 }), size: fc.integer({ min: 0, max: 24 }), fill: fc.constantFrom('a', 'é', '日', 'z') }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 30 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'retire' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'token' as const }) }
  )
  let runs = 0
  fc.assert(fc.property(fc.array(op, { minLength: 10, maxLength: 80 }), fc.integer({ min: 1, max: 12 }), (ops, maxEntries) => {
    runs++
    const maxBytes = 16 * 24 * 3
    const cache = makeAnswerCache({ maxEntries, maxBytes })
    let token = 0
    // The model: what each key was kept as under this token, newest last.
    let kept: Array<{ key: number, body: string }> = []
    for (const o of ops) {
      if (o.kind === 'retire') { cache.retire(); kept = []; continue }
      if (o.kind === 'token') { token++; kept = []; continue }
      const got = cache.get(String(o.key), String(token))
      const model = kept.find((e) => e.key === o.key)
      if (got !== undefined && got.toString() !== model?.body) return false
      if (o.kind === 'keep' && got === undefined) {
        const body = o.fill.repeat(o.size)
        const bytes = cache.keep(String(o.key), String(token), body)
        if (bytes.toString() !== body || cache.get(String(o.key), String(token)) !== bytes) return false
        kept = [...kept.filter((e) => e.key !== o.key), { key: o.key, body }]
      }
      // What is kept is a newest part of the model, at most maxEntries and maxBytes.
      const present = kept.filter((e) => cache.get(String(e.key), String(token)) !== undefined)
      const newest = kept.slice(kept.length - present.length)
      if (present.some((e, i) => e !== newest[i]) || cache.size !== present.length || cache.size > maxEntries || cache.bytes > maxBytes) return false
    }
    return true
  }), { seed: 20261204, numRuns: 300 })
  t.equal(runs, 300, 'every run agreed with the model')
})

t.test('keys: one per normalised query, unambiguous whatever an agent_id or status holds', async (t) => {
  const q: ListQuery = { agentId: 'a', status: null, sortBy: 'start_time', sortOrder: 'desc', offset: 0, limit: 20 }
  const keys = [
    q,
    { ...q, status: 'COMPLETED' },
    { ...q, status: '' },
    { ...q, agentId: 'a|1:b', status: null },
    { ...q, agentId: 'a', status: 'b|1:b' },
    { ...q, sortBy: 'status' as const },
    { ...q, sortOrder: 'asc' as const },
    { ...q, offset: 20 },
    { ...q, limit: null }
  ].map(answerKey)
  t.equal(new Set(keys).size, keys.length, 'every query its own key')
  t.equal(answerKey({ ...q }), answerKey(q), 'equal queries, equal keys')
})
