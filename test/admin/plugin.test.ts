// The control API as a whole: on by default, --no-admin, the admin token,
// JSON bodies in its scope only, its error handler.
import t from 'tap'
import Fastify from 'fastify'
import { adminErrorHandler } from '../../src/admin/errors.js'
import { GOLDEN_FIXTURES, KEY, S1, S2, S3, build, call, listSessions } from '../helper.js'

const ALL = `{"data":[${S2},${S3},${S1}],"total":3}`

t.test('--no-admin: /__admin is a plain FastAPI-style 404', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, admin: false })
  for (const [method, url] of [['GET', '/__admin/agents'], ['POST', '/__admin/reset'], ['GET', '/__admin/openapi.json'], ['GET', '/__admin/docs'], ['GET', '/__admin/docs/json'], ['GET', '/__admin/requests'], ['DELETE', '/__admin/faults']]) {
    const res = await call(app, method!, url!, method === 'POST' ? {} : undefined)
    t.same([res.status, res.body, res.headers['content-type']], [404, '{"detail":"Not Found"}', 'application/json'], `${method} ${url}`)
  }
  t.equal((await listSessions(app, 'a1')).body, ALL, 'the emulated API is unchanged')
})

t.test('MEIBEL_MOCK_ADMIN_TOKEN: every control call needs the bearer token', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, adminToken: 's3cret token' })
  const cases: Array<[Record<string, string>, number, string | undefined]> = [
    [{}, 401, 'Not authenticated'],
    [{ authorization: 'Basic czNjcmV0' }, 401, 'Not authenticated'],
    [{ authorization: 'Bearer ' }, 401, 'Not authenticated'],
    [{ authorization: 'Bearer s3cret' }, 401, 'Invalid admin token'],
    [{ authorization: 'Bearer s3cret token' }, 200, undefined],
    [{ authorization: 'bearer   s3cret token  ' }, 200, undefined]
  ]
  for (const [headers, status, detail] of cases) {
    const res = await call(app, 'GET', '/__admin/agents', undefined, headers)
    t.equal(res.status, status, JSON.stringify(headers))
    if (detail !== undefined) {
      t.same(res.json, { detail })
      t.equal(res.headers['www-authenticate'], 'Bearer')
    }
  }
  const rejected = await call(app, 'POST', '/__admin/agents/a1/sessions', { bogus: 1 })
  t.equal(rejected.status, 401, 'before the body is looked at')
  t.equal((await call(app, 'GET', '/__admin/openapi.json')).status, 401, 'the document too')
  const doc = await call(app, 'GET', '/__admin/openapi.json', undefined, { authorization: 'Bearer s3cret token' })
  t.same(doc.json.security, [{ AdminToken: [] }], 'which says so')
  t.same(doc.json.paths['/__admin/agents'].get.responses['401'], {
    description: 'Unauthorized', content: { 'application/json': { schema: { $ref: '#/components/schemas/AdminError' } } }
  }, 'every operation can answer a 401')
  for (const url of ['/__admin/docs', '/__admin/docs/', '/__admin/docs/json', '/__admin/docs/static/swagger-initializer.js']) {
    t.equal((await call(app, 'GET', url)).status, 401, `${url} needs the token`)
    t.equal((await call(app, 'GET', url, undefined, { authorization: 'Bearer s3cret token' })).status, 200, `${url} with it`)
  }
  t.equal((await listSessions(app, 'a1')).body, ALL, 'the emulated API needs no token')
  t.equal((await call(app, 'GET', '/health')).status, 200)
})

t.test('bodies: JSON in the control API only', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const invalid = await call(app, 'POST', '/__admin/faults', undefined, { 'content-type': 'application/json' })
  t.equal(invalid.status, 422, 'an empty JSON body counts as none')
  const broken = await app.inject({ method: 'POST', url: '/__admin/faults', headers: { 'content-type': 'application/json' }, payload: '{"match":' })
  t.equal(broken.statusCode, 400)
  t.match(JSON.parse(broken.body), { detail: /not valid JSON/ })
  const poisoned = await app.inject({ method: 'POST', url: '/__admin/faults', headers: { 'content-type': 'application/json' }, payload: '{"match":{},"__proto__":{"x":1}}' })
  t.equal(poisoned.statusCode, 400, 'prototype poisoning is refused')
  const text = await app.inject({ method: 'POST', url: '/__admin/faults', headers: { 'content-type': 'text/plain' }, payload: 'match' })
  t.same([text.statusCode, JSON.parse(text.body)], [415, { detail: 'Unsupported Media Type' }])
  const large = await app.inject({ method: 'POST', url: '/__admin/faults', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ match: {}, body: 'x'.repeat(2 ** 20) }) })
  t.same([large.statusCode, JSON.parse(large.body)], [413, { detail: 'Request body is too large' }])
  const many = Array.from({ length: 5000 }, () => ({ result: [{ type: 'message', content: 'x'.repeat(300) }] }))
  t.equal((await call(app, 'POST', '/__admin/agents/bulk/sessions', many)).status, 201, 'bulk inserts may be larger (64 MiB)')
  const emulated = await app.inject({ method: 'POST', url: '/v2/agents/a1/sessions', headers: { 'content-type': 'application/json' }, payload: '{"match":' })
  t.same([emulated.statusCode, emulated.body], [405, '{"detail":"Method Not Allowed"}'], 'the emulated API still parses no body')
  const unknown = await call(app, 'GET', '/__admin/nope')
  t.same([unknown.status, unknown.body], [404, '{"detail":"Not Found"}'])
})

t.test('anything but a 4xx is a logged 500 with a detail', async (t) => {
  const app = Fastify({ logger: false })
  t.teardown(() => app.close())
  app.setErrorHandler(adminErrorHandler)
  app.get('/boom', async () => { throw new Error('secret internals') })
  app.get('/teapot', async () => { throw Object.assign(new Error('short and stout'), { statusCode: 418 }) })
  const boom = await app.inject({ url: '/boom' })
  t.same([boom.statusCode, JSON.parse(boom.body)], [500, { detail: 'Internal Server Error' }])
  const teapot = await app.inject({ url: '/teapot' })
  t.same([teapot.statusCode, JSON.parse(teapot.body)], [418, { detail: 'short and stout' }])
})

t.test('the emulated API with a key is unaffected by the control API', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, apiKeys: ['test-key'] })
  t.equal((await listSessions(app, 'a1', '', KEY)).body, ALL)
})

t.test('answers go through their response schemas, free-form objects whole', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const session = {
    session_id: 'free',
    status: 'COMPLETED',
    start_time: '2026-01-01T00:00:00Z',
    end_time: '2026-01-01T00:00:01Z',
    agent_name: 'N',
    agent_version: null,
    messages_count: 2,
    token_usage: { input_tokens: 1, nested: { deep: [1, { x: null }] }, ratio: 0.5 },
    result: [{ type: 'message', extra: { a: 'b' } }, {}]
  }
  const inserted = await call(app, 'POST', '/__admin/agents/free-agent/sessions', session)
  t.equal(inserted.status, 201)
  t.equal(inserted.body, JSON.stringify(session), 'every property, in the contract\'s key order')
  t.equal((await listSessions(app, 'free-agent')).body, `{"data":[${inserted.body}],"total":1}`, 'the bytes List Sessions sends')
  const stray = await call(app, 'POST', '/__admin/faults', {
    match: { agent_id: 'a1', query: { status: 'RUNNING', limit: '1' } },
    status: 503,
    headers: { 'Retry-After': '2', 'X-Other': 'y' },
    body: { detail: 'down', nested: { list: [1, 'two', null] } }
  })
  t.equal(stray.body, '{"id":"f1","match":{"agent_id":"a1","query":{"status":"RUNNING","limit":"1"}},"status":503,' +
    '"headers":{"Retry-After":"2","X-Other":"y"},"body":{"detail":"down","nested":{"list":[1,"two",null]}},' +
    '"delay_ms":null,"drop":false,"times":null,"hits":0,"remaining":null}')
  t.equal((await call(app, 'GET', '/__admin/faults')).body, `{"data":[${stray.body}],"total":1}`)
})
