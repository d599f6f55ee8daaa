// The ring of the last N requests (through the control API: test/admin/requests.test.ts).
import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { makeJournal, MASK } from '../../src/journal/request-journal.js'

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
