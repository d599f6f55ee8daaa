import t from 'tap'
import { InvalidError } from '../../src/errors.js'
import { makeFaultRules } from '../../src/faults/fault-rules.js'

t.test('the first matching rule that is not used up applies', async (t) => {
  const rules = makeFaultRules(() => 1)
  const a = rules.add({ match: { agent_id: 'a1' }, status: 503, times: 1 })
  const b = rules.add({ match: { query: { status: 'RUNNING', limit: '2' } }, status: 429, times: 2 })
  rules.add({ match: {}, delay_ms: 5 })
  t.same([a.id, b.id], ['f1', 'f2'])
  t.same(a, { id: 'f1', match: { agent_id: 'a1' }, status: 503, headers: {}, delay_ms: null, drop: false, times: 1, hits: 0, remaining: 1 })
  const take = (agent: string, query: Record<string, string> = {}): string | null => {
    const plan = rules.take(agent, query)
    return plan === null ? null : `${plan.fault}:${plan.status ?? '-'}:${plan.delayMs}`
  }
  t.equal(take('a1', { status: 'RUNNING', limit: '2' }), 'f1:503:0')
  t.equal(take('a1', { status: 'RUNNING', limit: '2' }), 'f2:429:0', 'f1 is used up')
  t.equal(take('a2', { status: 'RUNNING' }), 'f3:-:5', 'every given query param must match')
  t.equal(take('a2', { status: 'RUNNING', limit: '2', offset: '1' }), 'f2:429:0', 'other params do not matter')
  t.equal(take('a2', { status: 'RUNNING', limit: '2' }), 'f3:-:5')
  t.same(rules.list().map((r) => [r.id, r.hits, r.remaining]), [['f1', 1, 0], ['f2', 2, 0], ['f3', 2, null]])
  t.equal(rules.remove('f3'), true)
  t.equal(rules.remove('f3'), false)
  t.equal(take('a1'), null)
  t.equal(rules.clear(), 2)
  t.same(rules.list(), [])
  t.equal(rules.add({ match: {} }).id, 'f4', 'ids are not reused')
  rules.reset()
  t.equal(rules.add({ match: {} }).id, 'f1', 'after a reset they start again')
})

t.test('the answer: status, body and headers', async (t) => {
  const rules = makeFaultRules(() => 1)
  const plan = (input: Parameters<typeof rules.add>[0]) => {
    rules.clear()
    rules.add(input)
    const { fault, delayMs, ...rest } = rules.take('a', {})!
    return rest
  }
  t.same(plan({ match: {}, status: 503, headers: { 'Retry-After': '2' } }),
    { drop: false, headers: [['Retry-After', '2']], status: 503, payload: '{"detail":"Service Unavailable"}', contentType: 'application/json' },
    "a status alone gets FastAPI's body for it")
  t.same(plan({ match: {}, status: 413 }).payload, '{"detail":"Request Entity Too Large"}', "Python's phrase, not Node's")
  t.same(plan({ match: {}, status: 204 }).payload, null, 'no body where FastAPI sends none')
  t.same(plan({ match: {}, body: { data: 'oops' } }), { drop: false, headers: [], status: 200, payload: '{"data":"oops"}', contentType: 'application/json' },
    'a body alone: 200')
  t.same(plan({ match: {}, status: 599, body: null }).payload, 'null', 'a given null body')
  t.same(plan({ match: {}, status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } }),
    { drop: false, headers: [['Content-Type', 'text/html']], status: 502, payload: '<html>Bad Gateway</html>', contentType: null },
    'a string body with a non-JSON content type is sent as is')
  t.same(plan({ match: {}, body: 'plain', headers: { 'content-type': 'text/plain' } }).status, 200)
  t.same(plan({ match: {}, status: 502, body: 'x', headers: { 'content-type': 'application/problem+json' } }),
    { drop: false, headers: [['content-type', 'application/problem+json']], status: 502, payload: '"x"', contentType: null },
    'with a JSON content type it is JSON')
  t.same(plan({ match: {}, headers: { 'X-Extra': '1' } }), { drop: false, headers: [['X-Extra', '1']], status: null, payload: null, contentType: null },
    'headers alone: the normal answer with them')
  t.equal(plan({ match: {}, drop: true }).drop, true)
})

t.test('rules that cannot work are refused as invalid (the control API: 422)', async (t) => {
  const rules = makeFaultRules(() => 1)
  t.throws(() => rules.add({ match: {}, status: 599 }), { constructor: InvalidError, message: 'field "status": 599 has no HTTP status phrase for FastAPI\'s body; give a body' })
  t.throws(() => rules.add({ match: {}, delay_ms: [10, 5] }), { constructor: InvalidError, message: 'field "delay_ms": [min, max] with min > max: [10, 5]' })
  t.throws(() => rules.add({ match: {}, headers: { 'Content-Length': '3' } }), { constructor: InvalidError, message: 'field "headers": Content-Length is computed from the body and cannot be set' })
  t.throws(() => rules.add({ match: {}, headers: { 'transfer-encoding': 'chunked' } }), { constructor: InvalidError, message: /^field "headers": transfer-encoding is computed/ })
  t.same(rules.list(), [])
})

t.test('delay ranges are drawn from the seed: the same for the same seed and rule', async (t) => {
  const draws = (seed: number, rule = 1): number[] => {
    const rules = makeFaultRules(() => seed)
    for (let i = 1; i < rule; i++) rules.add({ match: { agent_id: 'none' } })
    rules.add({ match: {}, delay_ms: [100, 200] })
    return Array.from({ length: 50 }, () => rules.take('a', {})!.delayMs)
  }
  const first = draws(7)
  t.same(draws(7), first)
  t.notSame(draws(8), first)
  t.notSame(draws(7, 2), first, 'each rule has its own stream')
  t.ok(first.every((d) => Number.isInteger(d) && d >= 100 && d <= 200))
  t.ok(first.includes(100) || first.includes(200) || new Set(first).size > 20, 'spread over the range')
  const fixed = makeFaultRules(() => 1)
  fixed.add({ match: {}, delay_ms: [40, 40] })
  t.equal(fixed.take('a', {})!.delayMs, 40)
})
