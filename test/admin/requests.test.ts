// GET and DELETE /__admin/requests: the journal of the emulated API's requests.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { GOLDEN_FIXTURES, KEY, build, call, listSessions } from '../helper.js'

const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
t.beforeEach(async () => { await call(app, 'POST', '/__admin/reset') })

const journal = async (query = ''): Promise<any> => (await call(app, 'GET', `/__admin/requests${query === '' ? '' : `?${query}`}`)).json

t.test('every request to the emulated API, with its answer; nothing else', async (t) => {
  await listSessions(app, 'a1', 'status=FAILED&limit=5&status=RUNNING')
  await call(app, 'GET', '/v2/agents/a1/sessions')
  await call(app, 'GET', '/v2/agents/a1/sessions?offset=x', undefined, KEY)
  await call(app, 'GET', '/v2/nope', undefined, KEY)
  await call(app, 'DELETE', '/v2/agents/a1/sessions?x=1', undefined, KEY)
  await call(app, 'GET', '/v2/agents/caf%C3%A9%20agent/sessions/', undefined, KEY)
  await call(app, 'GET', '/v2/agents//sessions', undefined, KEY)
  await call(app, 'GET', '/v2')
  await call(app, 'GET', '/health')
  await call(app, 'GET', '/openapi.json')
  await call(app, 'GET', '/v2x')
  await call(app, 'GET', '/__admin/agents')
  const { data, total } = await journal()
  t.equal(total, 8)
  t.same(data.map((e: any) => [e.method, e.path, e.agent_id, e.status]), [
    ['GET', '/v2/agents/a1/sessions', 'a1', 200],
    ['GET', '/v2/agents/a1/sessions', 'a1', 401],
    ['GET', '/v2/agents/a1/sessions', 'a1', 422],
    ['GET', '/v2/nope', null, 404],
    ['DELETE', '/v2/agents/a1/sessions', 'a1', 405],
    ['GET', '/v2/agents/caf%C3%A9%20agent/sessions/', 'café agent', 307],
    ['GET', '/v2/agents//sessions', null, 404],
    ['GET', '/v2', null, 404]
  ])
  const first = data[0]
  t.same(Object.keys(first), ['id', 'time', 'method', 'path', 'agent_id', 'query', 'headers', 'status', 'latency_ms', 'fault'])
  t.same(first.query, { status: 'RUNNING', limit: '5' }, 'the query as FastAPI parses it: the last duplicate wins')
  t.match(first.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.ok(Math.abs(Date.parse(first.time) - Date.now()) < 60_000)
  t.ok(first.latency_ms >= 0)
  t.equal(first.fault, null)
  t.same(data.map((e: any) => e.id), [1, 2, 3, 4, 5, 6, 7, 8], 'increasing ids')
})

t.test('headers are kept, the API key and Authorization masked', async (t) => {
  await call(app, 'GET', '/v2/agents/a1/sessions', undefined, { 'Meibel-API-Key': 'super-secret-key', authorization: 'Bearer tok', 'x-trace': 'abc' })
  await call(app, 'GET', '/v2/agents/a1/sessions', undefined, { 'meibel-api-key': '' })
  const [withKey, empty] = (await journal()).data
  t.equal(withKey.headers['meibel-api-key'], '***')
  t.equal(withKey.headers.authorization, '***')
  t.equal(withKey.headers['x-trace'], 'abc')
  t.notMatch(JSON.stringify(withKey), /super-secret-key|tok"/, 'the secrets appear nowhere')
  t.equal(empty.headers['meibel-api-key'], '', 'an empty key is shown: it explains the 401')
  t.equal(empty.status, 401)
})

t.test('filters: agent_id, status code or class, time, limit', async (t) => {
  await listSessions(app, 'a1')
  await listSessions(app, 'café agent')
  await listSessions(app, 'a1', 'limit=0')
  await sleep(5)
  const middle = new Date().toISOString()
  await sleep(5)
  await call(app, 'GET', '/v2/agents/a1/sessions')
  const ids = async (query: string): Promise<number[]> => (await journal(query)).data.map((e: any) => e.id)
  t.same(await ids('agent_id=a1'), [1, 3, 4])
  t.same(await ids('agent_id=caf%C3%A9+agent'), [2])
  t.same(await ids('status=200'), [1, 2])
  t.same(await ids('status=4xx'), [3, 4])
  t.same(await ids('status=422&agent_id=a1'), [3])
  t.same(await ids('status=5xx'), [])
  t.same(await ids(`since=${middle}`), [4])
  t.same(await ids(`until=${middle}`), [1, 2, 3])
  const fourth = (await journal()).data[3]
  t.same(await ids(`since=${fourth.time}&until=${fourth.time}`), [4], 'an entry\'s own time matches it')
  const limited = await journal('limit=2')
  t.same(limited.data.map((e: any) => e.id), [3, 4], 'the last N')
  t.equal(limited.total, 4, 'total counts every match')
})

t.test('bad filters: 422 naming the parameter', async (t) => {
  const cases: Array<[string, string]> = [
    ['status=abc', 'query parameter "status": expected string to match \'^[1-5]([0-9]{2}|xx)$\''],
    ['limit=0', 'query parameter "limit": expected integer to be greater or equal to 1'],
    ['limit=x', 'query parameter "limit": expected integer'],
    ['since=yesterday', 'query parameter "since": expected an RFC 3339 date-time with at most 6 fractional digits'],
    ['until=2026-01-01', 'query parameter "until": expected an RFC 3339 date-time with at most 6 fractional digits']
  ]
  for (const [query, detail] of cases) {
    const res = await call(app, 'GET', `/__admin/requests?${query}`)
    t.same([res.status, res.json], [422, { detail }], query)
  }
})

t.test('DELETE clears it; ids keep increasing', async (t) => {
  await listSessions(app, 'a1')
  await listSessions(app, 'a1')
  const res = await call(app, 'DELETE', '/__admin/requests')
  t.same([res.status, res.json], [200, { deleted: 2 }])
  t.same(await journal(), { data: [], total: 0 })
  await listSessions(app, 'a1')
  t.same((await journal()).data.map((e: any) => e.id), [3])
})

t.test('the journal keeps the last --journal-size requests', async (t) => {
  const small = await build(t, { fixturesDir: GOLDEN_FIXTURES, journalSize: 3 })
  for (let i = 0; i < 5; i++) await listSessions(small, 'a1', `offset=${i}`)
  const { data, total } = (await call(small, 'GET', '/__admin/requests')).json
  t.equal(total, 3)
  t.same(data.map((e: any) => [e.id, e.query.offset]), [[3, '2'], [4, '3'], [5, '4']], 'oldest first')
  const none = await build(t, { fixturesDir: GOLDEN_FIXTURES, journalSize: 0 })
  await listSessions(none, 'a1')
  t.same((await call(none, 'GET', '/__admin/requests')).json, { data: [], total: 0 }, '0 keeps none')
  t.same((await call(none, 'DELETE', '/__admin/requests')).json, { deleted: 0 })
})
