// CORS for browser front ends (--cors, src/plugins/cors.ts), through
// app.inject: preflights and actual requests on the emulated API and the
// control API, with and without --cors. Headers are compared whole and in
// order, so a CORS header where none belongs, or one that moves Starlette's
// content-length and content-type, fails. Expected values are written out
// here, not taken from src/.
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../src/config.js'
import { GOLDEN_FIXTURES, KEY, S2, build } from '../helper.js'

const PAGE = 'http://localhost:3000'
const OTHER = 'http://127.0.0.1:5173'
const SESSIONS = '/v2/agents/a1/sessions'
const RUNNING = `{"data":[${S2}],"total":1}`
const RUNNING_LENGTH = String(Buffer.byteLength(RUNNING))
const METHOD_NOT_ALLOWED = '{"detail":"Method Not Allowed"}'
const NOT_FOUND = '{"detail":"Not Found"}'

// What a browser sends before a cross-origin GET with the API key.
const preflight = (origin = PAGE, method = 'GET', headers = 'meibel-api-key'): Record<string, string> =>
  ({ origin, 'access-control-request-method': method, 'access-control-request-headers': headers })

interface Answer { status: number, headers: Array<[string, string]>, body: string }

// light-my-request's own headers are not the application's.
const INJECT_HEADERS = new Set(['date', 'connection', 'transfer-encoding'])

const send = async (app: FastifyInstance, method: string, url: string, headers: Record<string, string> = {}, payload?: string): Promise<Answer> => {
  const res = await app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) })
  return {
    status: res.statusCode,
    headers: Object.entries(res.headers).filter(([name]) => !INJECT_HEADERS.has(name)).map(([name, value]) => [name, String(value)]),
    body: res.body
  }
}

const server = async (t: Test, overrides: Partial<Config> = {}): Promise<FastifyInstance> =>
  await build(t, { fixturesDir: GOLDEN_FIXTURES, ...overrides })

// The bytes FastAPI sends for these requests, CORS or not.
const FASTAPI_405: Answer = { status: 405, headers: [['allow', 'GET'], ['content-length', '31'], ['content-type', 'application/json']], body: METHOD_NOT_ALLOWED }
const FASTAPI_404: Answer = { status: 404, headers: [['content-length', '22'], ['content-type', 'application/json']], body: NOT_FOUND }

t.test('without --cors nothing changes: a preflight gets FastAPI\'s 405 or 404, no answer a CORS header', async (t) => {
  const app = await server(t)
  t.same(await send(app, 'OPTIONS', SESSIONS, preflight()), FASTAPI_405, 'preflight on the sessions path')
  t.same(await send(app, 'OPTIONS', '/__admin/reset', preflight(PAGE, 'POST', 'content-type')), FASTAPI_404, 'preflight on the control API')
  t.same(await send(app, 'OPTIONS', '/health', preflight()), FASTAPI_404)
  t.same(await send(app, 'GET', `${SESSIONS}?status=RUNNING`, { ...KEY, origin: PAGE }),
    { status: 200, headers: [['content-length', RUNNING_LENGTH], ['content-type', 'application/json']], body: RUNNING }, 'an actual request with Origin')
  const admin = await send(app, 'GET', '/__admin/agents', { origin: PAGE })
  t.equal(admin.status, 200)
  t.same(admin.headers.filter(([name]) => name.startsWith('access-control-') || name === 'vary'), [], 'the control API neither')
})

t.test('--cors "*": preflights on /v2 and /__admin answered before routing, key check and token', async (t) => {
  const app = await server(t, { cors: '*', adminToken: 's3cret' })
  t.same(await send(app, 'OPTIONS', SESSIONS, preflight()), {
    status: 204,
    headers: [
      ['access-control-allow-origin', '*'],
      ['access-control-allow-methods', 'GET'],
      ['access-control-allow-headers', 'Meibel-API-Key, Content-Type, Prefer'],
      ['content-length', '0']
    ],
    body: ''
  }, 'the sessions path: GET with the key (no key needed for the preflight itself)')
  const admin = {
    status: 204,
    headers: [
      ['access-control-allow-origin', '*'],
      ['access-control-allow-methods', 'GET, POST, DELETE'],
      ['access-control-allow-headers', 'Content-Type, Authorization'],
      ['content-length', '0']
    ],
    body: ''
  }
  t.same(await send(app, 'OPTIONS', '/__admin/reset', preflight(PAGE, 'POST', 'content-type, authorization')), admin, 'the control API: its methods and the token header, without the token')
  t.same(await send(app, 'OPTIONS', '/__admin/agents/a1/sessions/s1', preflight(PAGE, 'DELETE', 'authorization')), admin)
  t.equal((await send(app, 'OPTIONS', '/v2/nope', preflight())).status, 204, 'any path, as a middleware answers it')
  t.equal((await send(app, 'OPTIONS', `${SESSIONS}/`, preflight())).status, 204, 'before the 307 too')
})

t.test('--cors "*": actual answers carry Access-Control-Allow-Origin: *, FastAPI\'s bytes after it', async (t) => {
  const app = await server(t, { cors: '*', adminToken: 's3cret' })
  t.same(await send(app, 'GET', `${SESSIONS}?status=RUNNING`, { ...KEY, origin: PAGE }), {
    status: 200,
    headers: [['access-control-allow-origin', '*'], ['content-length', RUNNING_LENGTH], ['content-type', 'application/json']],
    body: RUNNING
  })
  t.same(await send(app, 'GET', SESSIONS, { origin: PAGE }), {
    status: 401,
    headers: [['access-control-allow-origin', '*'], ['www-authenticate', 'APIKey'], ['content-length', '30'], ['content-type', 'application/json']],
    body: '{"detail":"Not authenticated"}'
  }, 'a 401 the page can read')
  t.same(await send(app, 'POST', SESSIONS, { ...KEY, origin: PAGE }), {
    status: 405,
    headers: [['access-control-allow-origin', '*'], ['allow', 'GET'], ['content-length', '31'], ['content-type', 'application/json']],
    body: METHOD_NOT_ALLOWED
  })
  const noOrigin = await send(app, 'GET', `${SESSIONS}?status=RUNNING`, KEY)
  t.same(noOrigin.headers[0], ['access-control-allow-origin', '*'], 'without Origin too: a fixed value, as the Fetch standard advises for caches')
  t.equal(noOrigin.body, RUNNING)
  const unauthorized = await send(app, 'GET', '/__admin/agents', { origin: PAGE })
  t.equal(unauthorized.status, 401, 'the control API still needs its token')
  t.same(unauthorized.headers[0], ['access-control-allow-origin', '*'], 'and the page can read why')
  const reset = await send(app, 'POST', '/__admin/reset', { origin: PAGE, authorization: 'Bearer s3cret' })
  t.equal(reset.status, 200)
  t.same(reset.headers[0], ['access-control-allow-origin', '*'])
  t.equal(reset.headers.some(([name]) => name === 'vary'), false, 'no Vary with "*"')
})

t.test('--cors with a list: the Origin echoed when listed, Vary: Origin on every answer', async (t) => {
  const app = await server(t, { cors: [PAGE, OTHER] })
  t.same(await send(app, 'OPTIONS', SESSIONS, preflight(OTHER)), {
    status: 204,
    headers: [
      ['vary', 'Origin'],
      ['access-control-allow-origin', OTHER],
      ['access-control-allow-methods', 'GET'],
      ['access-control-allow-headers', 'Meibel-API-Key, Content-Type, Prefer'],
      ['content-length', '0']
    ],
    body: ''
  })
  t.same(await send(app, 'OPTIONS', SESSIONS, preflight('http://evil.test')), {
    status: 204,
    headers: [
      ['vary', 'Origin'],
      ['access-control-allow-methods', 'GET'],
      ['access-control-allow-headers', 'Meibel-API-Key, Content-Type, Prefer'],
      ['content-length', '0']
    ],
    body: ''
  }, 'another origin: no Access-Control-Allow-Origin, so the browser stops there')
  t.same(await send(app, 'GET', `${SESSIONS}?status=RUNNING`, { ...KEY, origin: PAGE }), {
    status: 200,
    headers: [['vary', 'Origin'], ['access-control-allow-origin', PAGE], ['content-length', RUNNING_LENGTH], ['content-type', 'application/json']],
    body: RUNNING
  })
  for (const [label, headers] of [['another origin', { ...KEY, origin: 'http://localhost:3001' }], ['no Origin', KEY]] as const) {
    t.same(await send(app, 'GET', `${SESSIONS}?status=RUNNING`, headers), {
      status: 200,
      headers: [['vary', 'Origin'], ['content-length', RUNNING_LENGTH], ['content-type', 'application/json']],
      body: RUNNING
    }, `${label}: FastAPI's answer, Vary only`)
  }
  const admin = await send(app, 'OPTIONS', '/__admin/faults', preflight(PAGE, 'POST', 'content-type'))
  t.same(admin.headers.slice(0, 3), [['vary', 'Origin'], ['access-control-allow-origin', PAGE], ['access-control-allow-methods', 'GET, POST, DELETE']])
})

t.test('--cors: any OPTIONS that is not a preflight gets FastAPI\'s answer, byte for byte as without it', async (t) => {
  const app = await server(t, { cors: '*' })
  t.same(await send(app, 'OPTIONS', SESSIONS), FASTAPI_405, 'no Origin (the golden OPTIONS case)')
  t.same(await send(app, 'OPTIONS', SESSIONS, { origin: PAGE }), FASTAPI_405, 'Origin without Access-Control-Request-Method')
  t.same(await send(app, 'OPTIONS', SESSIONS, { 'access-control-request-method': 'GET' }), FASTAPI_405, 'Access-Control-Request-Method without Origin')
  t.same(await send(app, 'OPTIONS', SESSIONS, { origin: '', 'access-control-request-method': 'GET' }), FASTAPI_405, 'an empty Origin')
  t.same(await send(app, 'OPTIONS', SESSIONS, { origin: PAGE, 'access-control-request-method': '' }), FASTAPI_405, 'an empty method')
  t.same(await send(app, 'OPTIONS', '/__admin/reset'), FASTAPI_404)
  t.same(await send(app, 'OPTIONS', '/health', { origin: PAGE }), FASTAPI_404)
  t.same(await send(app, 'OPTIONS', `${SESSIONS}/?a=1`, { host: 'example.test' }), {
    status: 307,
    headers: [['content-length', '0'], ['location', `http://example.test${SESSIONS}?a=1`]],
    body: ''
  })
})

t.test('--cors: a preflight needs no key, triggers no fault and is journaled', async (t) => {
  const app = await server(t, { cors: '*', apiKeys: ['k1'] })
  const rule = await send(app, 'POST', '/__admin/faults', { 'content-type': 'application/json' }, JSON.stringify({ match: { agent_id: 'a1' }, status: 503, times: 1 }))
  t.equal(rule.status, 201)
  t.equal((await send(app, 'OPTIONS', SESSIONS, preflight(PAGE, 'GET', 'meibel-api-key, prefer'))).status, 204)
  const failed = await send(app, 'GET', SESSIONS, { 'meibel-api-key': 'k1', origin: PAGE })
  t.same(failed, {
    status: 503,
    headers: [['access-control-allow-origin', '*'], ['content-length', '32'], ['content-type', 'application/json']],
    body: '{"detail":"Service Unavailable"}'
  }, 'the rule was left for the actual request, whose answer the page can read')
  const prefer = await send(app, 'GET', SESSIONS, { 'meibel-api-key': 'k1', origin: PAGE, prefer: 'code=500' })
  t.equal(prefer.status, 500, 'Prefer, allowed in preflights, works across origins')
  t.same(prefer.headers[0], ['access-control-allow-origin', '*'])
  const journal = JSON.parse((await send(app, 'GET', '/__admin/requests?agent_id=a1')).body) as { data: Array<{ method: string, status: number }> }
  t.same(journal.data.map((e) => [e.method, e.status]), [['OPTIONS', 204], ['GET', 503], ['GET', 500]])
})

t.test('--cors with --no-admin: no control API methods, /__admin a plain 404', async (t) => {
  const app = await server(t, { cors: '*', admin: false })
  const answer = await send(app, 'OPTIONS', '/__admin/reset', preflight(PAGE, 'POST', 'content-type'))
  t.equal(answer.status, 204)
  t.same(answer.headers.find(([name]) => name === 'access-control-allow-methods'), ['access-control-allow-methods', 'GET'])
  t.same(await send(app, 'POST', '/__admin/reset', { origin: PAGE }),
    { status: 404, headers: [['access-control-allow-origin', '*'], ['content-length', '22'], ['content-type', 'application/json']], body: NOT_FOUND })
})

t.test('--cors documents nothing new: /openapi.json and /__admin/openapi.json as without it', async (t) => {
  const off = await server(t)
  const on = await server(t, { cors: '*' })
  for (const url of ['/openapi.json', '/__admin/openapi.json']) {
    const [a, b] = [await send(off, 'GET', url), await send(on, 'GET', url)]
    t.equal(a.status, 200)
    t.equal(b.body, a.body, url)
    t.notMatch(b.body, /"options"/, `${url}: no OPTIONS operation`)
  }
})

// The golden cases, with --cors "*": the same status, headers and bytes, and
// the CORS header before them; the OPTIONS case is no preflight (no Origin).
interface GoldenCase {
  name: string
  config?: Partial<Config>
  request: { method: string, url: string, headers: Record<string, string> }
  expected: { status: number, headers: Record<string, string | null>, body: string }
}
const GOLDEN = JSON.parse(readFileSync(new URL('../routes/list-sessions.golden.json', import.meta.url), 'utf8')) as GoldenCase[]

t.test('every golden case with --cors "*": FastAPI\'s answer, plus Access-Control-Allow-Origin', async (t) => {
  t.ok(GOLDEN.length > 40, 'the golden cases are read')
  const apps = new Map<string, FastifyInstance>()
  for (const c of GOLDEN) {
    const key = JSON.stringify(c.config ?? {})
    if (!apps.has(key)) apps.set(key, await server(t, { ...c.config, cors: '*' }))
    const res = await apps.get(key)!.inject({ method: c.request.method as 'GET', url: c.request.url, headers: c.request.headers })
    t.equal(res.statusCode, c.expected.status, `${c.name}: status`)
    for (const [name, value] of Object.entries(c.expected.headers)) t.equal(res.headers[name], value ?? undefined, `${c.name}: header ${name}`)
    t.equal(res.body, c.expected.body, `${c.name}: body bytes`)
    t.equal(res.headers['access-control-allow-origin'], c.request.method === 'OPTIONS' ? undefined : '*', `${c.name}: Access-Control-Allow-Origin`)
  }
})

// On the wire (Node's own headers aside): the CORS headers first, then the
// headers in Starlette's order.
const NODE_HEADERS = new Set(['date', 'server', 'connection', 'keep-alive'])
const wireHeaderNames = async (port: number, method: string, path: string, headers: Record<string, string>): Promise<string[]> =>
  await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      res.resume()
      res.on('end', () => {
        resolve(res.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()).filter((name) => !NODE_HEADERS.has(name)))
      })
    })
    req.on('error', reject)
    req.end()
  })

t.test('on the wire: Starlette\'s header order after the CORS headers', async (t) => {
  const app = await server(t, { cors: [PAGE] })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const origin = { origin: PAGE }
  t.same(await wireHeaderNames(port, 'GET', SESSIONS, { ...KEY, ...origin }), ['vary', 'access-control-allow-origin', 'content-length', 'content-type'])
  t.same(await wireHeaderNames(port, 'GET', SESSIONS, origin), ['vary', 'access-control-allow-origin', 'www-authenticate', 'content-length', 'content-type'])
  t.same(await wireHeaderNames(port, 'POST', SESSIONS, origin), ['vary', 'access-control-allow-origin', 'allow', 'content-length', 'content-type'])
  t.same(await wireHeaderNames(port, 'GET', `${SESSIONS}/`, origin), ['vary', 'access-control-allow-origin', 'content-length', 'location'])
  t.same(await wireHeaderNames(port, 'OPTIONS', SESSIONS, {}), ['allow', 'content-length', 'content-type'], 'no preflight: as without --cors')
  t.same(await wireHeaderNames(port, 'OPTIONS', SESSIONS, preflight()),
    ['vary', 'access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'content-length'])
})
