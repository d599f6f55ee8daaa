import t from 'tap'
import fc from 'fast-check'
import { answerKey, makeAnswerCache } from '../../src/routes/answer-cache.js'
import type { ListQuery } from '../../src/store/sessions-store.js'

const bytes = (n: number, fill = 'x'): Buffer => Buffer.alloc(n, fill)

t.test('an answer is kept for its token only: a new token drops every entry', async (t) => {
  const cache = makeAnswerCache({ maxEntries: 10, maxBytes: 1600 })
  cache.set('a', '1', bytes(10))
  t.same(cache.get('a', '1'), bytes(10), 'kept')
  t.equal(cache.get('b', '1'), undefined, 'another key: nothing')
  t.equal(cache.get('a', '2'), undefined, 'a new token: gone')
  t.equal(cache.size, 0, 'and nothing else is kept')
  cache.set('a', '2', bytes(3, 'y'))
  cache.set('a', '2', bytes(4, 'z'))
  t.same(cache.get('a', '2'), bytes(3, 'y'), 'the first answer of a token stays (equal tokens, equal answers)')
})

t.test('bounded by entries and bytes: the least recently used goes first; large answers are not kept', async (t) => {
  const byCount = makeAnswerCache({ maxEntries: 2, maxBytes: 1600 })
  byCount.set('a', 'v', bytes(1))
  byCount.set('b', 'v', bytes(1))
  byCount.get('a', 'v')
  byCount.set('c', 'v', bytes(1))
  t.same([byCount.get('a', 'v') !== undefined, byCount.get('b', 'v') !== undefined, byCount.get('c', 'v') !== undefined], [true, false, true], 'b, the least recently used, went')
  // a used, then b kept after it, then a used again: a is the most recent.
  const again = makeAnswerCache({ maxEntries: 2, maxBytes: 1600 })
  again.set('a', 'v', bytes(1))
  again.get('a', 'v')
  again.set('b', 'v', bytes(1))
  again.get('a', 'v')
  again.set('c', 'v', bytes(1))
  t.same([again.get('a', 'v') !== undefined, again.get('b', 'v') !== undefined], [true, false], 'a, used after b was kept, stays')
  const byBytes = makeAnswerCache({ maxEntries: 100, maxBytes: 1600 })
  byBytes.set('a', 'v', bytes(100))
  byBytes.set('b', 'v', bytes(100))
  byBytes.set('big', 'v', bytes(101))
  t.equal(byBytes.get('big', 'v'), undefined, 'over a sixteenth of the budget: not kept')
  for (let i = 0; i < 16; i++) byBytes.set(`k${i}`, 'v', bytes(100))
  t.equal(byBytes.bytes, 1600, 'never over the budget')
  t.equal(byBytes.size, 16)
  t.equal(byBytes.get('a', 'v'), undefined, 'the oldest went')
  const defaults = makeAnswerCache()
  defaults.set('k', 'v', bytes(512 * 1024))
  t.equal(defaults.size, 1, 'the default budget keeps a 512 KiB answer')
  defaults.set('l', 'v', bytes(512 * 1024 + 1))
  t.equal(defaults.size, 1, 'but not a larger one')
})

t.test('property: under one token, the entries kept are those of a least-recently-used list of the same bound', async (t) => {
  // Few keys and a small bound, so that sequences evict often.
  const op = fc.record({ kind: fc.constantFrom('get' as const, 'set' as const), key: fc.constantFrom('a', 'b', 'c') })
  let runs = 0
  fc.assert(fc.property(fc.array(op, { minLength: 10, maxLength: 40 }), fc.integer({ min: 1, max: 3 }), (ops, maxEntries) => {
    runs++
    const cache = makeAnswerCache({ maxEntries, maxBytes: 1 << 20 })
    // The model: keys from least to most recently used.
    let model: string[] = []
    for (const { kind, key } of ops) {
      const present = model.includes(key)
      if (kind === 'get') {
        if ((cache.get(key, 'v') !== undefined) !== present) return false
        if (present) model = [...model.filter((k) => k !== key), key]
      } else {
        cache.set(key, 'v', bytes(1, key))
        if (!present) model = [...model, key].slice(-maxEntries)
      }
    }
    return cache.size === model.length && ['a', 'b', 'c'].every((key) => cache.get(key, 'v')?.toString() === (model.includes(key) ? key : undefined))
  }), { seed: 20261203, numRuns: 300 })
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
