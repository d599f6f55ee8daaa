// Fault rules through the control API, and Prefer headers, via app.inject
// (delays and dropped connections on a real server: test/faults/fault-hook.test.ts).
import t from 'tap'
import { GOLDEN_FIXTURES, KEY, S1, S2, S3, build, call, listSessions } from '../helper.js'

const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
t.beforeEach(async () => { await call(app, 'POST', '/__admin/reset') })

const ALL = `{"data":[${S2},${S3},${S1}],"total":3}`
const UNAVAILABLE = '{"detail":"Service Unavailable"}'

t.test('the issue\'s rule: 503 with Retry-After for the next 3 matching requests', async (t) => {
  const added = await call(app, 'POST', '/__admin/faults', { match: { agent_id: 'a1', query: { status: 'RUNNING' } }, status: 503, headers: { 'Retry-After': '2' }, times: 3 })
  t.equal(added.status, 201)
  t.same(added.json, {
    id: 'f1',
    match: { agent_id: 'a1', query: { status: 'RUNNING' } },
    status: 503,
    headers: { 'Retry-After': '2' },
    delay_ms: null,
    drop: false,
    times: 3,
    hits: 0,
    remaining: 3
  })
  t.equal((await listSessions(app, 'a1', 'status=FAILED')).status, 200, 'another query does not match')
  t.equal((await listSessions(app, 'café agent', 'status=RUNNING')).status, 200, 'another agent does not match')
  for (let i = 0; i < 3; i++) {
    const res = await listSessions(app, 'a1', 'status=RUNNING&limit=9')
    t.equal(res.status, 503)
    t.equal(res.body, UNAVAILABLE, "FastAPI's body for the status")
    t.equal(res.headers['content-type'], 'application/json')
    t.equal(res.headers['retry-after'], '2')
  }
  t.equal((await listSessions(app, 'a1', 'status=RUNNING')).status, 200, 'used up after 3')
  t.same((await call(app, 'GET', '/__admin/faults')).json.data[0], { ...added.json, hits: 3, remaining: 0 })
  const journal = (await call(app, 'GET', '/__admin/requests?status=503')).json
  t.same(journal.data.map((e: any) => e.fault), ['f1', 'f1', 'f1'], 'the journal names the rule')
})

t.test('faults apply after routing and before the key check', async (t) => {
  await call(app, 'POST', '/__admin/faults', { match: {}, status: 503 })
  t.equal((await listSessions(app, 'a1', '', {})).body, UNAVAILABLE, 'without a key')
  t.equal((await listSessions(app, 'a1', 'offset=x')).body, UNAVAILABLE, 'with a bad query')
  t.equal((await call(app, 'POST', '/v2/agents/a1/sessions')).status, 405, "routing's answers stay FastAPI's")
  t.equal((await call(app, 'GET', '/v2/agents/a1/sessions/')).status, 307)
  t.equal((await call(app, 'GET', '/v2/nope')).status, 404)
  t.equal((await call(app, 'GET', '/v2/agents//sessions', undefined, KEY)).status, 404)
})

t.test('bodies, headers alone, and the order rules are tried in', async (t) => {
  await call(app, 'POST', '/__admin/faults', { match: { query: { offset: '1' } }, status: 500, body: { detail: 'boom' }, times: 1 })
  await call(app, 'POST', '/__admin/faults', { match: { query: { offset: '1' } }, status: 502, body: '<html>bad gateway</html>', headers: { 'Content-Type': 'text/html' }, times: 1 })
  await call(app, 'POST', '/__admin/faults', { match: { query: { offset: '1' } }, headers: { 'X-RateLimit-Remaining': '0' } })
  const first = await listSessions(app, 'a1', 'offset=1')
  t.same([first.status, first.body, first.headers['content-type']], [500, '{"detail":"boom"}', 'application/json'])
  const second = await listSessions(app, 'a1', 'offset=1')
  t.same([second.status, second.body, second.headers['content-type']], [502, '<html>bad gateway</html>', 'text/html'])
  const third = await listSessions(app, 'a1', 'offset=1')
  t.same([third.status, third.body, third.headers['x-ratelimit-remaining']], [200, `{"data":[${S3},${S1}],"total":3}`, '0'], 'the normal answer with the header')
  const noKey = await listSessions(app, 'a1', 'offset=1', {})
  t.same([noKey.status, noKey.headers['x-ratelimit-remaining']], [401, '0'])
  const rule204 = await call(app, 'POST', '/__admin/faults', { match: { agent_id: 'café agent' }, status: 204 })
  const noContent = await listSessions(app, 'café agent')
  t.same([noContent.status, noContent.body], [204, ''])
  t.equal(rule204.json.id, 'f4')
})

t.test('list, delete one, delete all', async (t) => {
  await call(app, 'POST', '/__admin/faults', { match: { agent_id: 'x' }, delay_ms: [1, 2] })
  await call(app, 'POST', '/__admin/faults', { match: { agent_id: 'a1' }, status: 429 })
  const list = await call(app, 'GET', '/__admin/faults')
  t.same(list.json.data.map((r: any) => [r.id, r.delay_ms, r.status]), [['f1', [1, 2], null], ['f2', null, 429]])
  t.equal(list.json.total, 2)
  t.same((await call(app, 'DELETE', '/__admin/faults/f2')).json, { deleted: 1 })
  t.equal((await listSessions(app, 'a1')).body, ALL)
  const missing = await call(app, 'DELETE', '/__admin/faults/f2')
  t.same([missing.status, missing.json], [404, { detail: 'fault rule "f2" not found' }])
  t.same((await call(app, 'DELETE', '/__admin/faults')).json, { deleted: 1 })
  t.same((await call(app, 'GET', '/__admin/faults')).json, { data: [], total: 0 })
})

t.test('a bad rule: 422 naming the field, and no rule added', async (t) => {
  const cases: Array<[unknown, string]> = [
    [{ status: 503 }, 'field "match": required'],
    [{ match: { agent: 'a1' } }, 'field "match.agent": unknown field'],
    [{ match: { query: { status: 1 } } }, 'field "match.query.status": expected string'],
    [{ match: {}, status: 700 }, 'field "status": expected integer to be less or equal to 599'],
    [{ match: {}, status: 599 }, 'field "status": 599 has no HTTP status phrase for FastAPI\'s body; give a body'],
    [{ match: {}, delay_ms: 'slow' }, 'field "delay_ms": expected integer or [integer, integer]'],
    [{ match: {}, delay_ms: [1, 'x'] }, 'field "delay_ms.1": expected integer'],
    [{ match: {}, delay_ms: [9, 1] }, 'field "delay_ms": [min, max] with min > max: [9, 1]'],
    [{ match: {}, delay_ms: 600_001 }, 'field "delay_ms": expected integer to be less or equal to 600000'],
    [{ match: {}, headers: { 'Bad Name': 'x' } }, 'field "headers.Bad Name": the name must match ^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$'],
    [{ match: {}, headers: { 'X-A': 'line\nbreak' } }, 'field "headers.X-A": expected string to match \'^[\\t\\x20-\\x7e\\x80-\\xff]*$\''],
    [{ match: {}, headers: { 'content-length': '1' } }, 'field "headers": content-length is computed from the body and cannot be set'],
    [{ match: {}, times: 0 }, 'field "times": expected integer to be greater or equal to 1'],
    [{ match: {}, drop: 'yes' }, 'field "drop": expected boolean'],
    [{ match: {}, retry: true }, 'field "retry": unknown field']
  ]
  for (const [body, detail] of cases) {
    const res = await call(app, 'POST', '/__admin/faults', body)
    t.same([res.status, res.json], [422, { detail }], detail)
  }
  t.same((await call(app, 'GET', '/__admin/faults')).json, { data: [], total: 0 })
})

t.test('Prefer: code and delay per request', async (t) => {
  const prefer = async (value: string, query = '', headers: Record<string, string> = KEY) =>
    await listSessions(app, 'a1', query, { ...headers, prefer: value })
  const unavailable = await prefer('code=503')
  t.same([unavailable.status, unavailable.body, unavailable.headers['content-type']], [503, UNAVAILABLE, 'application/json'])
  t.same([(await prefer('code=503, delay=1')).status], [503], 'combined')
  t.equal((await prefer('code=404')).body, '{"detail":"Not Found"}', "a code the spec does not list: FastAPI's body for it")
  t.equal((await prefer('code=418')).body, '{"detail":"I\'m a Teapot"}')
  t.same([(await prefer('code=204')).status, (await prefer('code=204')).body], [204, ''])
  t.equal((await prefer('code=200')).body, ALL, 'code=200: the normal answer')
  t.equal((await prefer('code=422')).body, ALL, 'code=422 on a valid request: the normal answer')
  t.equal((await prefer('code=422', 'limit=0')).status, 422, 'and on an invalid one the normal 422')
  t.equal((await prefer('code=200', '', {})).status, 401, 'the normal answers include the 401')
  t.equal((await prefer('code=503', '', {})).status, 503, 'Prefer comes before the key check')
  t.equal((await prefer('delay=1')).body, ALL, 'a delay alone: the normal answer')
  t.equal((await prefer('code=999')).body, ALL, 'what cannot be honoured is ignored')
  const journal = (await call(app, 'GET', '/__admin/requests')).json.data
  t.same(journal.slice(0, 3).map((e: any) => [e.status, e.fault]), [[503, 'prefer'], [503, 'prefer'], [404, 'prefer']])
  t.same(journal.slice(6, 8).map((e: any) => e.fault), [null, null], 'no fault for a listed code')

  await call(app, 'POST', '/__admin/faults', { match: {}, status: 429, times: 1 })
  t.equal((await prefer('code=503')).status, 429, 'a matching rule wins over Prefer')
  t.equal((await prefer('code=503')).status, 503)
})

t.test('Prefer works with the control API off', async (t) => {
  const off = await build(t, { fixturesDir: GOLDEN_FIXTURES, admin: false })
  t.equal((await listSessions(off, 'a1', '', { ...KEY, prefer: 'code=503' })).body, UNAVAILABLE)
  t.equal((await listSessions(off, 'a1')).body, ALL)
})
