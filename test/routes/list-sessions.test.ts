// GET /v2/agents/{agent_id}/sessions as a client sees it, from one place:
// the golden cases (list-sessions.golden.json), then what needs a real
// socket: Starlette's header order on the wire and the 307 Host fallbacks.
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../src/config.js'
import { MAX_CLOCK_SPEED } from '../../src/schemas/admin.js'
import { GOLDEN_FIXTURES, KEY, S2, S3, build } from '../helper.js'

// A request, then the exact status, the headers that matter and the body
// bytes the real service sends, as literal data written from the fidelity
// document and test/fixtures/golden, never from the emulator's output nor
// from constants of src/ (a wrong constant would pass both).
interface GoldenCase {
  name: string
  // Extra configuration for this case (accepted keys, strict mode).
  config?: Partial<Pick<Config, 'apiKeys' | 'strict'>>
  request: { method: string, url: string, headers: Record<string, string> }
  // null: the header must be absent.
  expected: { status: number, headers: Record<string, string | null>, body: string }
}
const GOLDEN = JSON.parse(readFileSync(new URL('list-sessions.golden.json', import.meta.url), 'utf8')) as GoldenCase[]

// One server per configuration, closed when the file's tests end.
const servers = new Map<string, Promise<FastifyInstance>>()
const serverFor = async (config: GoldenCase['config'] = {}): Promise<FastifyInstance> => {
  const key = JSON.stringify(config)
  if (!servers.has(key)) servers.set(key, build(t, { fixturesDir: GOLDEN_FIXTURES, ...config }))
  return await servers.get(key)!
}

t.test('every golden case is read from the data file', async (t) => {
  t.equal(GOLDEN.length, 48)
  t.equal(new Set(GOLDEN.map((c) => c.name)).size, GOLDEN.length, 'names are unique')
})

for (const c of GOLDEN) {
  t.test(c.name, async (t) => {
    const app = await serverFor(c.config)
    const res = await app.inject({ method: c.request.method as 'GET', url: c.request.url, headers: c.request.headers })
    t.equal(res.statusCode, c.expected.status, 'status')
    for (const [name, value] of Object.entries(c.expected.headers)) {
      t.equal(res.headers[name], value ?? undefined, `header ${name}`)
    }
    t.equal(res.body, c.expected.body, 'body bytes')
  })
}

t.test('a request body is never parsed on the emulated API', async (t) => {
  const app = await serverFor()
  const res = await app.inject({ method: 'POST', url: '/v2/agents/a1/sessions', headers: { 'content-type': 'application/json' }, payload: '{not json' })
  t.equal(res.statusCode, 405)
  const get = await app.inject({ method: 'GET', url: '/v2/agents/a1/sessions?status=RUNNING', headers: { ...KEY, 'content-type': 'application/json' }, payload: '{not json' })
  t.equal(get.statusCode, 200)
  t.equal(get.body, `{"data":[${S2}],"total":1}`)
})

// A server listening on 127.0.0.1 at a free port, closed when the test ends.
const listening = async (t: Test): Promise<number> => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as AddressInfo).port
}

// Sends `head` as written on a raw socket and answers everything the server
// wrote until it closed the connection: the bytes as they are on the wire.
const rawExchange = async (port: number, head: string): Promise<string> => await new Promise((resolve, reject) => {
  const socket = connect(port, '127.0.0.1', () => { socket.end(head) })
  let data = ''
  socket.on('data', (chunk) => { data += chunk.toString('latin1') })
  socket.on('end', () => { resolve(data) })
  socket.on('error', reject)
})

// Node's own headers are outside Starlette's order (uvicorn adds its own).
const NODE_HEADERS = new Set(['date', 'server', 'connection', 'keep-alive'])
const headerNames = (response: string): string[] =>
  response.slice(0, response.indexOf('\r\n\r\n')).split('\r\n').slice(1)
    .map((line) => line.slice(0, line.indexOf(':')).toLowerCase())
    .filter((name) => !NODE_HEADERS.has(name))

t.test("Starlette's header order on the wire (§6, §7, §9)", async (t) => {
  const port = await listening(t)
  const send = async (method: string, target: string, headers = ''): Promise<string> =>
    await rawExchange(port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`)
  const key = 'Meibel-API-Key: test-key\r\n'
  const cases: Array<[string, string, string, string, string[]]> = [
    ['200', 'GET', '/v2/agents/a1/sessions', key, ['content-length', 'content-type']],
    ['422', 'GET', '/v2/agents/a1/sessions?offset=abc', key, ['content-length', 'content-type']],
    ['401', 'GET', '/v2/agents/a1/sessions', '', ['www-authenticate', 'content-length', 'content-type']],
    ['404', 'GET', '/v2/nope', key, ['content-length', 'content-type']],
    ['405', 'POST', '/v2/agents/a1/sessions', key, ['allow', 'content-length', 'content-type']],
    ['307', 'GET', '/v2/agents/a1/sessions/', key, ['content-length', 'location']]
  ]
  for (const [status, method, target, headers, names] of cases) {
    const response = await send(method, target, headers)
    t.match(response, new RegExp(`^HTTP/1\\.1 ${status} `), `${method} ${target}: ${status}`)
    t.same(headerNames(response), names, `${status}: ${names.join(', ')}`)
  }
})

// Raw HTTP, so that the Host header can be missing or invalid.
const rawGet = async (port: number, path: string, host: string | undefined): Promise<{ status: number, location: string | undefined }> =>
  await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', setHost: false, headers: host === undefined ? {} : { host } }, (res) => {
      res.resume()
      res.on('end', () => { resolve({ status: res.statusCode!, location: res.headers.location }) })
    })
    req.on('error', reject)
    req.end()
  })

t.test('307 Location falls back to the bound address for an invalid Host (§7 R307)', async (t) => {
  const port = await listening(t)
  const path = '/v2/agents/a1/sessions/?q=%7B'
  t.same(await rawGet(port, path, 'bad host'), { status: 307, location: `http://127.0.0.1:${port}/v2/agents/a1/sessions?q=%7B` })
  t.same(await rawGet(port, path, 'example.test:99999'), { status: 307, location: `http://127.0.0.1:${port}/v2/agents/a1/sessions?q=%7B` })
  t.same(await rawGet(port, path, 'example.test:0080'), { status: 307, location: 'http://example.test:0080/v2/agents/a1/sessions?q=%7B' })
  t.same(await rawGet(port, '/v2/agents/a%20b/sessions/?x={y}', '[::1]:8000'), { status: 307, location: 'http://[::1]:8000/v2/agents/a%20b/sessions?x=%7By%7D' })
  // Starlette checks a bracketed literal: a real IPv6 address, or IPvFuture with a lower-case v.
  t.same(await rawGet(port, '/v2/agents/a1/sessions/', '[1:2]'), { status: 307, location: `http://127.0.0.1:${port}/v2/agents/a1/sessions` })
  t.same(await rawGet(port, '/v2/agents/a1/sessions/', '[V1.x]'), { status: 307, location: `http://127.0.0.1:${port}/v2/agents/a1/sessions` })
  t.same(await rawGet(port, '/v2/agents/a1/sessions/', '[v1.x]:80'), { status: 307, location: 'http://[v1.x]:80/v2/agents/a1/sessions' })
  t.same(await rawGet(port, '/v2/agents/a1/sessions/', 'example.test:000'), { status: 307, location: 'http://example.test:000/v2/agents/a1/sessions' })
  // h11 keeps a `#` in the target as part of the path (inject would drop it).
  t.same(await rawGet(port, '/v2/agents/a1/sessions#frag', 'h'), { status: 404, location: undefined })
})

t.test('307 without a Host header (HTTP/1.0) uses the bound address', async (t) => {
  const port = await listening(t)
  const head = await rawExchange(port, 'GET /v2/agents/a1/sessions/ HTTP/1.0\r\n\r\n')
  t.match(head, /^HTTP\/1\.1 307 /)
  t.match(head, new RegExp(`\r\nlocation: http://127\\.0\\.0\\.1:${port}/v2/agents/a1/sessions\r\n`, 'i'))
})

t.test('answers kept as bytes: the same bytes again, and a write is visible to the very next request', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const get = async (query: string): Promise<string> => (await app.inject({ url: `/v2/agents/a1/sessions?${query}`, headers: KEY })).body
  const first = await get('limit=20&status=RUNNING')
  t.equal(first, `{"data":[${S2}],"total":1}`)
  t.equal(await get('status=RUNNING&limit=020'), first, 'another spelling of the query: the same bytes')
  const inserted = await app.inject({
    method: 'POST',
    url: '/__admin/agents/a1/sessions',
    payload: { session_id: 'new-running', status: 'RUNNING', start_time: '2030-01-01T00:00:00Z' }
  })
  t.equal(inserted.statusCode, 201)
  t.match(JSON.parse(await get('limit=20&status=RUNNING')), { data: [{ session_id: 'new-running' }, { session_id: 's2' }], total: 2 }, 'the insert is seen at once')
  await app.inject({ method: 'DELETE', url: '/__admin/agents/a1/sessions/new-running' })
  t.equal(await get('limit=20&status=RUNNING'), first, 'and so is the delete')
  const scoped = await build(t, { fixturesDir: GOLDEN_FIXTURES, apiKeys: null, apiKeysFile: null })
  t.equal((await scoped.inject({ url: '/v2/agents/a1/sessions?limit=20&status=RUNNING', headers: KEY })).body, first)
})

t.test('with a live clock the data moves between the token and the read: the answer is sent and not kept', async (t) => {
  // A million emulated seconds a second: the instant moves while the page is read.
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, clock: 'live', clockSpeed: MAX_CLOCK_SPEED })
  // Sessions the clock starts meanwhile are newer: the oldest failed one stays s3.
  const url = '/v2/agents/a1/sessions?limit=1&status=FAILED&sort_order=asc'
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ url, headers: KEY })
    t.ok(res.body.startsWith(`{"data":[${S3}],"total":`), `request ${i + 1}: the page as read`)
    t.type((JSON.parse(res.body) as { total: unknown }).total, 'number')
  }
})

t.test('a key scoped to other agents gets the empty list, also once the agent\'s answer is kept', async (t) => {
  const dir = t.testdir({ 'keys.json': JSON.stringify({ 'k-a1': ['a1'], 'k-other': ['other'] }) })
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, apiKeysFile: `${dir}/keys.json` })
  const owned = await app.inject({ url: '/v2/agents/a1/sessions?status=RUNNING&limit=5', headers: { 'meibel-api-key': 'k-a1' } })
  t.equal(owned.body, `{"data":[${S2}],"total":1}`)
  const other = await app.inject({ url: '/v2/agents/a1/sessions?status=RUNNING&limit=5', headers: { 'meibel-api-key': 'k-other' } })
  t.equal(other.body, '{"data":[],"total":0}')
  t.equal(other.headers['content-length'], '21')
})

t.test('a list without limit is streamed from the store: the same bytes and content-length as one page of everything', async (t) => {
  const app = await build(t)
  const seeded = await app.inject({ method: 'POST', url: '/__admin/seed', payload: { seed: 5, sessions_per_agent: 1500 } })
  t.equal(seeded.statusCode, 200)
  for (const query of ['', '?sort_by=status&sort_order=asc', '?offset=3', '?status=COMPLETED']) {
    const url = `/v2/agents/demo-agent/sessions${query}`
    const streamed = await app.inject({ url, headers: KEY })
    const paged = await app.inject({ url: `${url}${query === '' ? '?' : '&'}limit=100000`, headers: KEY })
    t.equal(streamed.statusCode, 200)
    t.ok(streamed.rawPayload.length > 256 * 1024, `${url}: a long list (${streamed.rawPayload.length} bytes)`)
    t.equal(streamed.headers['content-length'], String(streamed.rawPayload.length), 'its content-length is its byte length')
    t.equal(streamed.headers['transfer-encoding'], undefined, 'not chunked: Starlette sends a content-length')
    t.ok(streamed.rawPayload.equals(paged.rawPayload), 'the bytes of the same list read as one page')
    const names = Object.keys(streamed.headers).filter((name) => !['date', 'connection', 'keep-alive'].includes(name))
    t.same(names, ['content-length', 'content-type'], "Starlette's header order")
  }
})

t.test('a fault rule\'s headers on a normal answer keep their place before content-length and content-type', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const rule = await app.inject({ method: 'POST', url: '/__admin/faults', payload: { match: {}, headers: { 'X-Trace': 't1', 'Content-Type': 'text/plain' } } })
  t.equal(rule.statusCode, 201)
  const res = await app.inject({ url: '/v2/agents/a1/sessions?status=RUNNING', headers: KEY })
  t.equal(res.body, `{"data":[${S2}],"total":1}`)
  const names = Object.keys(res.headers).filter((name) => !['date', 'connection', 'keep-alive'].includes(name))
  t.same(names, ['x-trace', 'content-length', 'content-type'])
  t.equal(res.headers['content-type'], 'application/json', 'the answer\'s own type')
})

t.test('with the clock moved: a streamed list counts its running sessions as rendered, and a clock advance is seen by the very next request', async (t) => {
  const app = await build(t)
  const seeded = await app.inject({ method: 'POST', url: '/__admin/seed', payload: { seed: 5, sessions_per_agent: 1500 } })
  t.equal(seeded.statusCode, 200)
  const url = '/v2/agents/demo-agent/sessions'
  const running = `${url}?status=RUNNING&limit=100000`
  const before = await app.inject({ url: running, headers: KEY })
  t.ok(before.rawPayload.equals((await app.inject({ url: running, headers: KEY })).rawPayload), 'the same bytes again')
  const moved = await app.inject({ method: 'POST', url: '/__admin/clock', payload: { advance: 'PT10M' } })
  t.equal(moved.statusCode, 200)
  const after = await app.inject({ url: running, headers: KEY })
  t.not(after.body, before.body, 'the running sessions grew: the kept answer is not served')
  const streamed = await app.inject({ url, headers: KEY })
  const paged = await app.inject({ url: `${url}?limit=100000`, headers: KEY })
  t.ok(streamed.rawPayload.length > 256 * 1024, `a long list (${streamed.rawPayload.length} bytes)`)
  t.equal(streamed.headers['content-length'], String(streamed.rawPayload.length), 'its content-length is its byte length')
  t.ok(streamed.rawPayload.equals(paged.rawPayload), 'the bytes of the same list read as one page')
  const sent = JSON.parse(streamed.body) as { data: Array<{ session_id: string }> }
  const rendered = (JSON.parse(after.body) as { data: Array<{ session_id: string }> }).data
  t.ok(rendered.length > 0, 'the list holds running sessions')
  t.same(sent.data.filter((s) => rendered.some((r) => r.session_id === s.session_id)), rendered, 'each as rendered at the instant')
})
