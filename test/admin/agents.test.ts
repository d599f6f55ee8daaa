// The control API's data routes: GET /agents, POST and DELETE sessions.
import t from 'tap'
import { GOLDEN_FIXTURES, S1, S2, S3, build, call, listSessions } from '../helper.js'

const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
t.beforeEach(async () => { await call(app, 'POST', '/__admin/reset') })

const LONE = 'a string with a lone surrogate (\\ud800-\\udfff), which has no UTF-8 form'

const agents = async (): Promise<Array<{ agent_id: string, sessions_count: number }>> => (await call(app, 'GET', '/__admin/agents')).json.data

t.test('GET /agents: the agents with their names and session counts', async (t) => {
  const res = await call(app, 'GET', '/__admin/agents')
  t.equal(res.status, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.same(res.json, {
    data: [
      { agent_id: 'a1', agent_name: 'Agent One', agent_version: '2.0.0', sessions_count: 3 },
      { agent_id: 'café agent', agent_name: null, agent_version: null, sessions_count: 1 }
    ],
    total: 2
  })
})

t.test('POST one session: stored as given, answered and listed in the List Sessions shape', async (t) => {
  const session = {
    session_id: 'n1',
    status: 'COMPLETED',
    start_time: '2026-02-01T10:00:00+01:00',
    end_time: '2026-02-01T09:00:01.5Z',
    agent_name: 'Agent One',
    agent_version: '2.1.0',
    messages_count: 2,
    token_usage: { total_tokens: 3 },
    result: [{ type: 'message' }]
  }
  const res = await call(app, 'POST', '/__admin/agents/a1/sessions', session)
  t.equal(res.status, 201)
  const stored = '{"session_id":"n1","status":"COMPLETED","start_time":"2026-02-01T09:00:00Z","end_time":"2026-02-01T09:00:01.500000Z",' +
    '"agent_name":"Agent One","agent_version":"2.1.0","messages_count":2,"token_usage":{"total_tokens":3},"result":[{"type":"message"}]}'
  t.equal(res.body, stored, 'a single object answers a single object, times as pydantic writes them')
  const list = await listSessions(app, 'a1')
  t.equal(list.body, `{"data":[${stored},${S2},${S3},${S1}],"total":4}`, 'visible to the next List Sessions call')
})

t.test('POST a list for an unknown agent: created, fields left out generated', async (t) => {
  const res = await call(app, 'POST', '/__admin/agents/fresh/sessions', [{ status: 'RUNNING', agent_name: 'Fresh' }, { agent_version: '9' }, { session_id: 'f3', start_time: '2026-01-01T00:00:00Z', end_time: null }])
  t.equal(res.status, 201)
  t.equal(res.json.length, 3, 'a list answers a list, in the order given')
  t.equal(res.json[0].status, 'RUNNING')
  t.equal(res.json[0].end_time, null)
  t.match(res.json[1].session_id, /^[0-9a-f-]{36}$/, 'a generated id')
  t.equal(res.json[2].session_id, 'f3')
  t.same(res.json.map((s: { agent_name: string }) => s.agent_name), ['Fresh', 'Fresh', 'Fresh'], 'the agent is named after the first record giving a name')
  t.same(res.json.map((s: { agent_version: string }) => s.agent_version), ['9', '9', '9'], 'the version too, from the first record giving one')
  t.same([res.json[2].start_time, res.json[2].end_time], ['2026-01-01T00:00:00Z', null])
  t.same((await agents()).find((a) => a.agent_id === 'fresh'), { agent_id: 'fresh', agent_name: 'Fresh', agent_version: '9', sessions_count: 3 })
  const list = await listSessions(app, 'fresh', 'sort_order=asc')
  t.equal(list.json.total, 3)
  t.same(new Set(list.json.data.map((s: { session_id: string }) => s.session_id)), new Set(res.json.map((s: { session_id: string }) => s.session_id)))
})

t.test('POST with fields left out is deterministic for a given seed', async (t) => {
  const body = [{}, { status: 'FAILED' }, { start_time: '2026-11-01T00:00:00Z' }]
  const first = (await call(app, 'POST', '/__admin/agents/det/sessions', body)).body
  const second = (await call(app, 'POST', '/__admin/agents/det/sessions', body)).body
  t.not(second, first, 'the next records of the agent are drawn anew')
  await call(app, 'POST', '/__admin/reset')
  t.equal((await call(app, 'POST', '/__admin/agents/det/sessions', body)).body, first, 'after a reset: the same bytes again')
  t.equal((await call(app, 'POST', '/__admin/agents/det/sessions', body)).body, second)
  const other = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  t.equal((await call(other, 'POST', '/__admin/agents/det/sessions', body)).body, first, 'another server with the same seed: the same bytes')
  const reseeded = await build(t, { fixturesDir: GOLDEN_FIXTURES, seed: 1 })
  t.not((await call(reseeded, 'POST', '/__admin/agents/det/sessions', body)).body, first, 'another seed: other sessions')
})

t.test('an empty list only creates the agent', async (t) => {
  const res = await call(app, 'POST', '/__admin/agents/empty/sessions', [])
  t.equal(res.status, 201)
  t.same(res.json, [])
  t.same((await agents()).find((a) => a.agent_id === 'empty'), { agent_id: 'empty', agent_name: null, agent_version: null, sessions_count: 0 })
})

t.test('a bad body: 422 naming the record and field, and nothing is inserted', async (t) => {
  const before = (await listSessions(app, 'a1')).body
  const cases: Array<[unknown, string]> = [
    [[{}, { session_id: 'x', status: 'DONE' }], 'record 1 (session_id "x"): field "status": expected one of "RUNNING", "COMPLETED", "FAILED", "CANCELED", "TERMINATED"'],
    [[{}, {}, { messages_count: -1 }], 'record 2: field "messages_count": expected integer to be greater or equal to 0'],
    [[{ colour: 'red' }], 'record 0: field "colour": unknown field'],
    [[{ token_usage: [] }], 'record 0: field "token_usage": expected object or null'],
    [[{ result: [1] }], 'record 0: field "result.0": expected object'],
    [[{}, 5], 'record 1: expected object'],
    [{ status: 'DONE' }, 'field "status": expected one of "RUNNING", "COMPLETED", "FAILED", "CANCELED", "TERMINATED"'],
    ['s1', 'body: expected object or a list'],
    [[{ start_time: 'yesterday' }], 'record 0: field "start_time": expected an RFC 3339 date-time with at most 6 fractional digits'],
    [[{}, { session_id: 'e', end_time: '2026-13-01T00:00:00Z' }], 'record 1 (session_id "e"): field "end_time": expected an RFC 3339 date-time with at most 6 fractional digits'],
    // A double holds whole milliseconds this far from 1970, not every microsecond.
    [[{ start_time: '2300-01-01T00:00:00.000001Z' }], 'record 0: field "start_time": too far from 1970 to keep microseconds exact'],
    [[{ start_time: '2026-01-02T00:00:00Z', end_time: '2026-01-01T00:00:00Z' }], 'record 0: field "end_time": ends before it starts'],
    [[{ session_id: 'd' }, { session_id: 'd' }], 'record 1 (session_id "d"): field "session_id": given twice in this request'],
    // §15: strings with a lone surrogate, which the real service could not send.
    [[{}, { session_id: 'x', agent_name: 'x\ud800y' }], `record 1 (session_id "x"): field "agent_name": ${LONE}`],
    [[{ result: [{ type: 'message', content: '\udfff' }] }], `record 0: field "result.0.content": ${LONE}`],
    [[{ token_usage: { 'k\udc00': 1 } }], `record 0: field "token_usage.k\udc00": ${LONE}`],
    [{ session_id: '\ud800' }, `field "session_id": ${LONE}`]
  ]
  for (const [body, detail] of cases) {
    const res = await call(app, 'POST', '/__admin/agents/a1/sessions', body)
    t.equal(res.status, 422, detail)
    t.same(res.json, { detail }, detail)
  }
  const missing = await call(app, 'POST', '/__admin/agents/a1/sessions')
  t.same([missing.status, missing.json], [422, { detail: 'body: expected object or a list' }], 'no body')
  t.equal((await listSessions(app, 'a1')).body, before, 'nothing was inserted')
  t.same((await agents()).map((a) => a.agent_id), ['a1', 'café agent'])
})

t.test('years 1 to 99 are stored as written, not read as 19xx (JavaScript\'s Date.UTC does that)', async (t) => {
  const res = await call(app, 'POST', '/__admin/agents/years/sessions', [
    { session_id: 'y99', status: 'COMPLETED', start_time: '0099-01-01T00:00:00Z', end_time: '0099-12-31T23:59:59.999Z' },
    { session_id: 'y1', status: 'COMPLETED', start_time: '0001-01-01T00:00:00Z', end_time: '0001-01-01T01:00:00+00:30' },
    { session_id: 'y2300', status: 'RUNNING', start_time: '2300-01-01T00:00:00Z', end_time: null }
  ])
  t.equal(res.status, 201)
  const listed = JSON.parse((await listSessions(app, 'years', 'sort_order=asc')).body) as { data: Array<{ session_id: string, start_time: string, end_time: string | null }> }
  t.same(listed.data.map((s) => [s.session_id, s.start_time, s.end_time]), [
    ['y1', '0001-01-01T00:00:00Z', '0001-01-01T00:30:00Z'],
    ['y99', '0099-01-01T00:00:00Z', '0099-12-31T23:59:59.999000Z'],
    ['y2300', '2300-01-01T00:00:00Z', null]
  ])
})

t.test('an id that exists (for any agent): 409, and nothing is inserted', async (t) => {
  const res = await call(app, 'POST', '/__admin/agents/new-agent/sessions', [{ session_id: 'ok' }, { session_id: 's1' }])
  t.equal(res.status, 409)
  t.same(res.json, { detail: 'record 1 (session_id "s1"): field "session_id": a session with this id already exists' })
  t.equal((await listSessions(app, 'new-agent')).body, '{"data":[],"total":0}')
  t.same((await agents()).map((a) => a.agent_id), ['a1', 'café agent'], 'nor the agent')
})

t.test('the agent id in the path is decoded as List Sessions decodes it', async (t) => {
  const res = await call(app, 'POST', '/__admin/agents/caf%C3%A9%20agent/sessions', { session_id: 'c2', start_time: '2020-01-01T00:00:00Z' })
  t.equal(res.status, 201)
  t.equal((await listSessions(app, 'café agent')).json.total, 2)
  const empty = await call(app, 'POST', '/__admin/agents//sessions', {})
  t.same([empty.status, empty.json], [422, { detail: 'path parameter "agent_id": expected string length greater or equal to 1' }])
})

t.test('DELETE the sessions of an agent, or one of them', async (t) => {
  const one = await call(app, 'DELETE', '/__admin/agents/a1/sessions/s2')
  t.same([one.status, one.json], [200, { deleted: 1 }])
  t.equal((await listSessions(app, 'a1')).body, `{"data":[${S3},${S1}],"total":2}`, 'visible to the next List Sessions call')
  const again = await call(app, 'DELETE', '/__admin/agents/a1/sessions/s2')
  t.same([again.status, again.json], [404, { detail: 'session "s2" of agent "a1" not found' }])
  const wrongAgent = await call(app, 'DELETE', '/__admin/agents/caf%C3%A9%20agent/sessions/s1')
  t.equal(wrongAgent.status, 404, "another agent's session is not deleted")

  const all = await call(app, 'DELETE', '/__admin/agents/a1/sessions')
  t.same([all.status, all.json], [200, { deleted: 2 }])
  t.equal((await listSessions(app, 'a1')).body, '{"data":[],"total":0}')
  t.same((await agents())[0], { agent_id: 'a1', agent_name: 'Agent One', agent_version: '2.0.0', sessions_count: 0 }, 'the agent stays')
  const unknown = await call(app, 'DELETE', '/__admin/agents/nobody/sessions')
  t.same([unknown.status, unknown.json], [404, { detail: 'agent "nobody" not found' }])
})
