// The control API as a whole: on by default, --no-admin, the admin token,
// JSON bodies in its scope only, its error handler.
import t from 'tap'
import Fastify from 'fastify'
import fc from 'fast-check'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { mock } from 'node:test'
import { BODY_TIMEOUT_DETAIL, BODY_TIMEOUT_MS } from '../../src/admin/plugin.js'
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

// `[[...]]` nested n levels.
const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n)
const RANGE = 'a number beyond the range of a double (about ±1.8e308)'
const DATE = 'expected an RFC 3339 date-time with at most 6 fractional digits'

t.test('hostile bodies: a 422 naming the record and field, and nothing applied', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  await call(app, 'POST', '/__admin/faults', { match: { agent_id: 'nobody' }, status: 503 })
  const state = async (): Promise<string[]> => [
    (await listSessions(app, 'a1')).body, (await call(app, 'GET', '/__admin/agents')).body, (await call(app, 'GET', '/__admin/faults')).body
  ]
  const before = await state()
  const ok = '{"session_id":"fine"}'
  const cases: Array<[string, string, string]> = [
    ['/__admin/agents/a1/sessions', `[${ok},{"session_id":"deep","token_usage":{"a":${nest(5000)}}}]`, 'record 1 (session_id "deep"): field "token_usage": nested deeper than 64 levels'],
    ['/__admin/agents/a1/sessions', `[${ok},{"session_id":"deeper","result":${nest(100_000)}}]`, 'record 1 (session_id "deeper"): field "result": nested deeper than 64 levels'],
    ['/__admin/agents/new-agent/sessions', `{"session_id":"one","token_usage":${nest(5000).replace('[', '{"x":[').replace(/]$/, ']}')}}`, 'field "token_usage": nested deeper than 64 levels'],
    ['/__admin/faults', `{"match":{},"body":${nest(5000)}}`, 'field "body": nested deeper than 64 levels'],
    ['/__admin/faults', `{"match":{},"body":${'['.repeat(100)}`, 'body: nested deeper than 64 levels'],
    ['/__admin/agents/a1/sessions', `[${ok},{"session_id":"inf","token_usage":{"input_tokens":1e400}}]`, `record 1 (session_id "inf"): field "token_usage.input_tokens": ${RANGE}`],
    ['/__admin/agents/a1/sessions', '[{"session_id":"inf","result":[{"score":-1e400}]}]', `record 0 (session_id "inf"): field "result.0.score": ${RANGE}`],
    ['/__admin/agents/a1/sessions', '{"session_id":"inf","messages_count":1e400}', `field "messages_count": ${RANGE}`],
    ['/__admin/faults', '{"match":{},"body":{"n":[1,2e999]}}', `field "body.n.1": ${RANGE}`],
    ['/__admin/seed', '{"seed":1e400}', `field "seed": ${RANGE}`],
    ['/__admin/agents/a1/sessions', `[${ok},{"session_id":"big","messages_count":9007199254740992}]`, 'record 1 (session_id "big"): field "messages_count": expected integer to be less or equal to 9007199254740991'],
    ['/__admin/seed', '{"seed":1e300}', 'field "seed": expected integer to be less or equal to 4294967295'],
    ['/__admin/seed', '{"seed":1,"sessions_per_agent":1e300}', 'field "sessions_per_agent": expected integer to be less or equal to 1000000'],
    ['/__admin/faults', '{"match":{},"times":1e300}', 'field "times": expected integer to be less or equal to 1000000'],
    ['/__admin/faults', '{"match":{},"times":1000001}', 'field "times": expected integer to be less or equal to 1000000'],
    ['/__admin/faults', '{"match":{},"times":0}', 'field "times": expected integer to be greater or equal to 1'],
    ['/__admin/faults', '{"match":{},"delay_ms":1e300}', 'field "delay_ms": expected integer to be less or equal to 600000'],
    ['/__admin/faults', '{"match":{},"delay_ms":[0,600001]}', 'field "delay_ms.1": expected integer to be less or equal to 600000'],
    ['/__admin/faults', '{"match":{},"delay_ms":[5,1]}', 'field "delay_ms": [min, max] with min > max: [5, 1]'],
    ['/__admin/faults', '{"match":{},"status":1e300}', 'field "status": expected integer to be less or equal to 599'],
    ['/__admin/faults', '{"match":{},"status":199}', 'field "status": expected integer to be greater or equal to 200']
  ]
  for (const bad of ['2026-01-01T00:00:00+99:99', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00-12:60', '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '0000-01-01T00:00:00Z']) {
    cases.push(['/__admin/agents/a1/sessions', `[${ok},{"session_id":"t","start_time":"${bad}"}]`, `record 1 (session_id "t"): field "start_time": ${DATE}`])
  }
  for (const [url, payload, detail] of cases) {
    const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })
    t.same([res.statusCode, JSON.parse(res.body)], [422, { detail }], `${url} ${payload.slice(0, 80)}`)
  }
  const queries: Array<[string, string]> = [
    ['since=2026-01-01T00:00:00%2B99:99', `query parameter "since": ${DATE}`],
    ['until=2026-02-30T00:00:00Z', `query parameter "until": ${DATE}`],
    ['limit=1e300', 'query parameter "limit": expected integer'],
    ['limit=2.9', 'query parameter "limit": expected integer'],
    ['limit=0x10', 'query parameter "limit": expected integer'],
    ['limit=99999999999999999999', 'query parameter "limit": expected integer to be less or equal to 9007199254740991']
  ]
  for (const [query, detail] of queries) {
    const res = await call(app, 'GET', `/__admin/requests?${query}`)
    t.same([res.status, res.json], [422, { detail }], query)
  }
  t.same(await state(), before, 'List Sessions, the agents and the fault rules are unchanged')
  t.equal((await call(app, 'GET', '/health')).status, 200, 'and the process still answers')
  t.equal((await call(app, 'GET', '/__admin/requests?limit=2')).status, 200, 'a decimal limit is still read')
})

t.test('nesting up to 64 levels is kept and answered whole', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  // The list is level 1, the record 2, token_usage 3: 61 more levels inside it make 64.
  const usage = `{"a":${nest(61)}}`
  const inserted = await app.inject({ method: 'POST', url: '/__admin/agents/deep/sessions', headers: { 'content-type': 'application/json' }, payload: `[{"session_id":"d64","token_usage":${usage}}]` })
  t.equal(inserted.statusCode, 201)
  t.equal(JSON.stringify(JSON.parse(inserted.body)[0].token_usage), usage)
  t.match((await listSessions(app, 'deep')).body, `"token_usage":${usage},`, 'List Sessions sends it')
  const refused = await app.inject({ method: 'POST', url: '/__admin/agents/deep/sessions', headers: { 'content-type': 'application/json' }, payload: `[{"session_id":"d65","token_usage":{"a":${nest(62)}}}]` })
  t.equal(refused.statusCode, 422, 'one more level is refused')
  // The rule's object is level 1, its body 2 to 64.
  const fault = await app.inject({ method: 'POST', url: '/__admin/faults', headers: { 'content-type': 'application/json' }, payload: `{"match":{"agent_id":"deep"},"status":500,"body":${nest(63)}}` })
  t.equal(fault.statusCode, 201)
  t.same([(await listSessions(app, 'deep')).body], [nest(63)], 'the fault answers the body')
})

t.test('any nesting of arrays and objects: accepted exactly up to 64 levels', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  await t.resolves(fc.assert(fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 130 }), async (kinds) => {
    // A fault body of kinds.length levels (true: an object, false: an array), inside the rule's object.
    const body = kinds.reduceRight((inner, object) => object ? `{"k":${inner}}` : `[1,${inner}]`, '"leaf"')
    const res = await app.inject({ method: 'POST', url: '/__admin/faults', headers: { 'content-type': 'application/json' }, payload: `{"match":{"agent_id":"x"},"body":${body}}` })
    await call(app, 'DELETE', '/__admin/faults')
    return res.statusCode === (1 + kinds.length <= 64 ? 201 : 422)
  }), { seed: 42, numRuns: 60 }))
})

// Over a socket: a body that stalls, one that outgrows the limit, one cut off.
const rawExchange = async (port: number, head: string, body: string, after?: (socket: Socket) => void): Promise<string> =>
  await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${head}\r\nHost: x\r\nContent-Type: application/json\r\n\r\n${body}`)
      after?.(socket)
    })
    let answer = ''
    socket.on('data', (chunk) => { answer += chunk.toString() })
    socket.on('close', () => { resolve(answer) })
  })

t.test('bodies: limited while they stream, and given 10 s', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  // Only the global setTimeout is faked: Node's sockets keep their own timers.
  mock.timers.enable({ apis: ['setTimeout'] })
  t.teardown(() => { mock.timers.reset() })
  // Time passes (setInterval is real) until the server has answered.
  const clock = setInterval(() => { mock.timers.tick(BODY_TIMEOUT_MS) }, 50)
  const answer = await rawExchange(port, 'POST /__admin/faults HTTP/1.1\r\nContent-Length: 100', '{"match":')
  clearInterval(clock)
  t.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/)
  t.match(answer, /\r\nconnection: close\r\n/i)
  t.match(answer, `{"detail":"${BODY_TIMEOUT_DETAIL}"}`)
  t.equal(BODY_TIMEOUT_DETAIL, 'The request body did not arrive within 10 s')
  // 1 MiB and a bit, chunked, never finished: refused before its end.
  const chunk = 'x'.repeat(2 ** 20 + 16)
  const large = await rawExchange(port, 'POST /__admin/faults HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close',
    `${(chunk.length + 20).toString(16)}\r\n{"match":{},"body":"${chunk}`)
  t.match(large, /^HTTP\/1\.1 413 Payload Too Large\r\n/)
  // A client that gives up halfway: the server goes on answering.
  await rawExchange(port, 'POST /__admin/faults HTTP/1.1\r\nContent-Length: 100', '{"match":', (socket) => { setImmediate(() => socket.destroy()) })
  mock.timers.tick(BODY_TIMEOUT_MS)
  t.same((await call(app, 'GET', '/__admin/faults')).json, { data: [], total: 0 }, 'nothing was added')
})

t.test('with a token, a stalled body is not waited for', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, adminToken: 'tok' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const answer = await rawExchange(port, 'POST /__admin/agents/a1/sessions HTTP/1.1\r\nContent-Length: 60000000\r\nConnection: close', '[{"session_id":')
  t.match(answer, /^HTTP\/1\.1 401 Unauthorized\r\n/, 'answered before the body (onRequest runs before parsing)')
})
