// The ring of the last N requests within a byte budget (through the control
// API: test/admin/requests.test.ts; over real HTTP: test/journal/secret-headers.test.ts).
import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { makeJournal, MASK, MAX_HEADER_VALUE, maskSecretHeaders, SECRET_HEADERS, truncatedValue } from '../../src/journal/request-journal.js'

const request = (url: string, extra: Partial<FastifyRequest> = {}): FastifyRequest => ({
  method: 'GET', originalUrl: url, is404: true, params: {}, headers: { 'meibel-api-key': 'k' }, faultId: null, ...extra
}) as unknown as FastifyRequest

t.test('keeps the last N, oldest first, with increasing ids', async (t) => {
  const journal = makeJournal(3)
  for (let i = 0; i < 7; i++) journal.record(request(`/v2/x?i=${i}`), 200, 1)
  t.same(journal.list({}).data.map((e) => [e.id, e.query.i]), [[5, '4'], [6, '5'], [7, '6']])
  t.equal(journal.clear(), 3)
  journal.record(request('/v2/x'), 404, 1)
  t.same(journal.list({}).data.map((e) => e.id), [8], 'clear keeps the numbering')
  journal.reset()
  journal.record(request('/v2/x'), 404, 1)
  t.same(journal.list({}).data.map((e) => e.id), [1], 'reset restarts it')
})

t.test('an entry: routed requests carry their agent_id, others get it from the path', async (t) => {
  const journal = makeJournal(10)
  journal.record(request('/v2/agents/a%20b/sessions?x=1', { is404: false, params: { agent_id: 'a b' }, faultId: 'f2' } as Partial<FastifyRequest>), 503, 2.5)
  journal.record(request('/v2/agents//sessions', { is404: false, params: { agent_id: '' } } as Partial<FastifyRequest>), 404, 0.1234567)
  const [routed, empty] = journal.list({}).data
  t.same({ ...routed, time: undefined }, {
    id: 1,
    time: undefined,
    method: 'GET',
    path: '/v2/agents/a%20b/sessions',
    agent_id: 'a b',
    query: { x: '1' },
    headers: { 'meibel-api-key': MASK },
    status: 503,
    latency_ms: 2.5,
    fault: 'f2'
  })
  t.equal(empty!.agent_id, null)
  t.equal(empty!.latency_ms, 0.123, 'latency in ms, to the microsecond')
})

t.test('size 0 keeps nothing', async (t) => {
  const journal = makeJournal(0)
  journal.record(request('/v2/x'), 200, 1)
  t.same(journal.list({}), { data: [], total: 0 })
  t.equal(journal.clear(), 0)
})

t.test('every secret header is masked, each value of a duplicate too; an empty one is shown', async (t) => {
  const journal = makeJournal(10)
  journal.record(request('/v2/x', {
    headers: {
      'meibel-api-key': 'k1, k2', authorization: 'Bearer t', 'proxy-authorization': 'Basic p', cookie: 'a=1; b=2', 'set-cookie': ['c=3', '', 'd=4'], 'x-trace': 'abc'
    }
  } as Partial<FastifyRequest>), 200, 1)
  journal.record(request('/v2/x', { headers: { 'meibel-api-key': '', cookie: '' } } as Partial<FastifyRequest>), 401, 1)
  const [secret, empty] = journal.list({}).data
  t.same(secret!.headers, { 'meibel-api-key': MASK, authorization: MASK, 'proxy-authorization': MASK, cookie: MASK, 'set-cookie': [MASK, '', MASK], 'x-trace': 'abc' })
  t.same(empty!.headers, { 'meibel-api-key': '', cookie: '' })
  t.same([...SECRET_HEADERS], ['meibel-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie'])
  t.same(maskSecretHeaders({ cookie: 'x', accept: '*/*' }, '[redacted]'), { cookie: '[redacted]', accept: '*/*' }, 'the logs\' censor')
})

t.test('header values over 1 KiB are cut, with a marker naming the bytes cut', async (t) => {
  t.equal(MAX_HEADER_VALUE, 1024)
  const long = 'x'.repeat(1024 + 500)
  const own = { 'x-long': long, 'x-short': 'ok', 'x-list': ['y'.repeat(2048), 'z'] } as unknown as FastifyRequest['headers']
  const journal = makeJournal(10)
  journal.record(request('/v2/x', { headers: own } as Partial<FastifyRequest>), 200, 1)
  journal.record(request('/v2/x', { headers: { 'x-edge': 'e'.repeat(1024) } } as Partial<FastifyRequest>), 200, 1)
  const [cut, edge] = journal.list({}).data
  t.equal(cut!.headers['x-long'], `${'x'.repeat(1024)}…[truncated 500 bytes]`)
  t.equal(cut!.headers['x-short'], 'ok')
  t.same(cut!.headers['x-list'], [`${'y'.repeat(1024)}…[truncated 1024 bytes]`, 'z'])
  t.equal(own['x-long'], long, 'the request\'s own headers are not changed')
  t.equal(edge!.headers['x-edge'], 'e'.repeat(1024), 'exactly 1 KiB is kept whole')
  t.equal(truncatedValue('abc'), 'abc')
})

t.test('the byte budget: the oldest entries go first once the kept strings add up to more', async (t) => {
  // One entry: url (7) + method (3) + header name and value (14 + 1) = 25 bytes.
  const entry = (i: number): FastifyRequest => request(`/v2/x?${i}`, { headers: { 'meibel-api-key': 'k' } } as Partial<FastifyRequest>)
  const journal = makeJournal(100, 60)
  t.equal(journal.maxBytes, 60)
  for (let i = 0; i < 5; i++) journal.record(entry(i), 200, 1)
  t.same(journal.list({}).data.map((e) => e.id), [4, 5], 'two entries of 25 bytes fit in 60, a third does not')
  t.equal(journal.clear(), 2)
  journal.record(request(`/v2/${'y'.repeat(100)}`), 200, 1)
  t.same(journal.list({}), { data: [], total: 0 }, 'an entry over the whole budget is not kept')
  journal.record(entry(9), 200, 1)
  t.same(journal.list({}).data.map((e) => e.id), [7], 'the budget counts only what is kept')
  journal.reset()
  for (let i = 0; i < 2; i++) journal.record(entry(i), 200, 1)
  t.same(journal.list({}).data.map((e) => e.id), [1, 2], 'reset empties the budget too')

  // The size and the budget both bound it; agent_id and the fault count too.
  const both = makeJournal(2, 1000)
  for (let i = 0; i < 5; i++) both.record(entry(i), 200, 1)
  t.same(both.list({}).data.map((e) => e.id), [4, 5])
  const faulted = makeJournal(10, 2 * 25 + 2 * 3 + 2 * 2)
  const routed = { is404: false, params: { agent_id: 'abc' }, faultId: 'f1', headers: { 'meibel-api-key': 'k' } } as Partial<FastifyRequest>
  for (let i = 0; i < 3; i++) faulted.record(request(`/v2/x?${i}`, routed), 503, 1)
  t.same(faulted.list({}).data.map((e) => e.id), [2, 3], 'each entry: 25 + agent_id 3 + fault 2 bytes')
  const truncated = makeJournal(10, 2 * (7 + 3 + 6 + 1024 + '…[truncated 976 bytes]'.length))
  for (let i = 0; i < 3; i++) truncated.record(request(`/v2/x?${i}`, { headers: { 'x-long': 'x'.repeat(2000) } } as Partial<FastifyRequest>), 200, 1)
  t.same(truncated.list({}).data.map((e) => e.id), [2, 3], 'a cut value counts as cut')
  t.equal(makeJournal(1).maxBytes, Infinity, 'without a budget only the size bounds it')
})
