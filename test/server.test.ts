// buildServer beyond the golden cases: the database file, health endpoints,
// error bodies for other failures, and the 307 host fallback.
import t from 'tap'
import { join } from 'node:path'
import { request } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { makeConfig } from '../src/config.js'
import { buildServer } from '../src/server.js'
import { INTERNAL_SERVER_ERROR_BODY } from '../src/fastapi/error-handler.js'
import { GOLDEN_FIXTURES, KEY, S2 } from './golden/cases.js'

const config = makeConfig({ logLevel: 'silent', fixturesDir: GOLDEN_FIXTURES })

t.test('a --db file is seeded only when empty and kept across restarts', async (t) => {
  const db = join(t.testdir(), 'mock.db')
  const url = '/v2/agents/demo-agent/sessions?limit=3'
  const first = await buildServer(makeConfig({ logLevel: 'silent', db, seed: 1 }))
  const before = (await first.inject({ url, headers: KEY })).body
  await first.close()
  const inMemoryOtherSeed = await buildServer(makeConfig({ logLevel: 'silent', seed: 2 }))
  t.teardown(() => inMemoryOtherSeed.close())
  const seed2 = (await inMemoryOtherSeed.inject({ url, headers: KEY })).body
  // Another seed gives other data in memory, but the existing file is not reseeded.
  const second = await buildServer(makeConfig({ logLevel: 'silent', db, seed: 2 }))
  t.teardown(() => second.close())
  const after = (await second.inject({ url, headers: KEY })).body
  t.not(seed2, before, 'seeds differ in memory')
  t.equal(after, before, 'the file kept the first seed')
})

t.test('health and readiness', async (t) => {
  const app = await buildServer(config)
  const health = await app.inject({ url: '/health' })
  t.equal(health.statusCode, 200)
  t.equal(health.body, '{"status":"ok"}')
  t.equal(health.headers['content-type'], 'application/json')
  const ready = await app.inject({ url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.body, '{"status":"ready"}')
  await app.close()
  const empty = await buildServer(makeConfig({ logLevel: 'silent', fixturesDir: t.testdir({ 'agents.json': '[]', 'sessions.json': '[]' }) }))
  t.teardown(() => empty.close())
  const notReady = await empty.inject({ url: '/ready' })
  t.equal(notReady.statusCode, 503)
  t.equal(notReady.body, '{"status":"starting"}')
})

t.test('other failures get FastAPI-style bodies', async (t) => {
  const app = await buildServer(config)
  t.teardown(() => app.close())
  app.get('/__test/client-error', async () => { throw Object.assign(new Error('teapot'), { statusCode: 418 }) })
  app.get('/__test/unlisted-client-error', async () => { throw Object.assign(new Error('odd'), { statusCode: 499 }) })
  app.get('/__test/server-error', async () => { throw new Error('boom') })
  app.get('/__test/too-large', async () => { throw Object.assign(new Error('big'), { statusCode: 413 }) })
  const teapot = await app.inject({ url: '/__test/client-error' })
  t.equal(teapot.statusCode, 418)
  t.equal(teapot.body, '{"detail":"I\'m a Teapot"}')
  t.equal(teapot.headers['content-type'], 'application/json')
  const odd = await app.inject({ url: '/__test/unlisted-client-error' })
  t.equal(odd.statusCode, 500, 'a status without a Python phrase fails as in FastAPI')
  t.equal(odd.body, INTERNAL_SERVER_ERROR_BODY)
  const big = await app.inject({ url: '/__test/too-large' })
  t.equal(big.body, '{"detail":"Request Entity Too Large"}', "Python's phrase, not Node's")
  const boom = await app.inject({ url: '/__test/server-error' })
  t.equal(boom.statusCode, 500)
  t.equal(boom.body, INTERNAL_SERVER_ERROR_BODY)
  t.equal(boom.headers['content-type'], 'text/plain; charset=utf-8')
})

t.test('a request body is never parsed on the emulated API', async (t) => {
  const app = await buildServer(config)
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/v2/agents/a1/sessions', headers: { 'content-type': 'application/json' }, payload: '{not json' })
  t.equal(res.statusCode, 405)
  const get = await app.inject({ method: 'GET', url: '/v2/agents/a1/sessions?status=RUNNING', headers: { ...KEY, 'content-type': 'application/json' }, payload: '{not json' })
  t.equal(get.statusCode, 200)
  t.equal(get.body, `{"data":[${S2}],"total":1}`)
})

// Raw HTTP, so that the Host header can be missing or invalid.
const rawGet = (port: number, path: string, host: string | undefined): Promise<{ status: number, location: string | undefined }> =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', setHost: false, headers: host === undefined ? {} : { host } }, (res) => {
      res.resume()
      res.on('end', () => { resolve({ status: res.statusCode!, location: res.headers.location }) })
    })
    req.on('error', reject)
    req.end()
  })

t.test('307 Location falls back to the bound address for an invalid Host (§7 R307)', async (t) => {
  const app = await buildServer(config)
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
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
  const app = await buildServer(config)
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const head = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => { socket.end('GET /v2/agents/a1/sessions/ HTTP/1.0\r\n\r\n') })
    let data = ''
    socket.on('data', (chunk) => { data += chunk.toString('latin1') })
    socket.on('end', () => { resolve(data) })
    socket.on('error', reject)
  })
  t.match(head, /^HTTP\/1\.1 307 /)
  t.match(head, new RegExp(`\r\nlocation: http://127\\.0\\.0\\.1:${port}/v2/agents/a1/sessions\r\n`, 'i'))
})

t.test('answers in flight during close() say Connection: close', async (t) => {
  const app = await buildServer(config)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const answer = new Promise<{ status: number, connection: string | undefined }>((resolve, reject) => {
    // Prefer: delay keeps the request in flight while close() starts.
    const req = request({ host: '127.0.0.1', port, path: '/v2/agents/a1/sessions', headers: { ...KEY, prefer: 'delay=300' }, agent: false }, (res) => {
      res.resume()
      res.on('end', () => { resolve({ status: res.statusCode!, connection: res.headers.connection }) })
    })
    req.on('error', reject)
    req.end()
  })
  await new Promise((resolve) => setTimeout(resolve, 100))
  const closed = app.close()
  t.same(await answer, { status: 200, connection: 'close' })
  await closed
})

t.test('debug logs show request headers with the key redacted', async (t) => {
  const lines: string[] = []
  const app = await buildServer(makeConfig({ logLevel: 'debug', fixturesDir: GOLDEN_FIXTURES }), { logStream: { write: (line) => { lines.push(line) } } })
  t.teardown(() => app.close())
  await app.inject({ url: '/v2/agents/a1/sessions', headers: { 'meibel-api-key': 'secret-123', 'x-trace': 'abc' } })
  const incoming = lines.map((l) => JSON.parse(l) as { msg: string, req?: { headers: Record<string, string> } }).find((l) => l.msg === 'incoming request')
  t.equal(incoming?.req?.headers['meibel-api-key'], '[redacted]')
  t.equal(incoming?.req?.headers['x-trace'], 'abc')
  t.notMatch(lines.join(''), 'secret-123')
})
