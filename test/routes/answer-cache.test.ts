import t from 'tap'
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
