// startServer: builds, listens on a real port, closes; the failures the CLI
// and the programmatic API share.
import t from 'tap'
import { connect, createServer, type AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { DEFAULT_SEED, makeConfig } from '../src/config.js'
import { StartupError } from '../src/errors.js'
import { ListenError, listenFailure, startServer, urlHost } from '../src/start.js'
import { GOLDEN_FIXTURES, KEY } from './helper.js'
import { tryConnect } from './cli/cli-process.js'

const config = (overrides = {}): ReturnType<typeof makeConfig> =>
  makeConfig({ logLevel: 'silent', port: 0, fixturesDir: GOLDEN_FIXTURES, ...overrides })

t.test('listens on a free port for port 0, answers over HTTP, and close() stops it once', async (t) => {
  let built = 0
  const server = await startServer(config(), { onBuilt: () => { built++ } })
  t.equal(built, 1, 'onBuilt was called once')
  t.ok(server.port > 0, `a port was picked (${server.port})`)
  t.equal(server.url, `http://127.0.0.1:${server.port}`)
  t.equal((server.app.server.address() as AddressInfo).port, server.port, 'the port the server reports')
  const res = await fetch(`${server.url}/v2/agents/a1/sessions?limit=1`, { headers: KEY })
  t.equal(res.status, 200)
  t.equal(((await res.json()) as { total: number }).total, 3, 'test/fixtures/golden/sessions.json has 3 sessions of a1')
  const first = server.close()
  t.equal(server.close(), first, 'a second close() returns the same promise')
  await first
  t.equal(await tryConnect(server.port), 'ECONNREFUSED', 'nothing listens afterwards')
})

t.test('a port in use: a ListenError (a StartupError) with the CLI\'s line, and the instance closed', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => { resolve() })))
  const { port } = blocker.address() as AddressInfo
  let app: FastifyInstance | undefined
  const error = await startServer(config({ port }), { onBuilt: (built) => { app = built } }).catch((err: unknown) => err)
  t.ok(error instanceof ListenError, 'a ListenError')
  t.ok(error instanceof StartupError, 'which is a StartupError')
  t.equal((error as Error).name, 'ListenError')
  t.equal((error as Error).message, `cannot listen on 127.0.0.1:${port}: EADDRINUSE`)
  t.equal(((error as Error).cause as NodeJS.ErrnoException).code, 'EADDRINUSE', 'the cause is kept')
  // Closed, not left half-open: Fastify refuses to serve a closed instance.
  t.ok(app !== undefined, 'it had been built')
  await t.rejects(app!.inject({ url: '/health' }), 'the instance was closed')
})

t.test('a bad fixtures folder rejects with the StartupError buildServer throws, before listening', async (t) => {
  let built = false
  await t.rejects(startServer(config({ fixturesDir: '/nonexistent-meibel-mock' }), { onBuilt: () => { built = true } }),
    { name: 'StartupError', message: /agents\.json: cannot read: ENOENT$/ })
  t.equal(built, false, 'never built')
})

t.test('listenFailure names the address and the error code, or the message without one', async (t) => {
  const c = config({ host: 'example.invalid', port: 8000 })
  t.equal(listenFailure(c, Object.assign(new Error('x'), { code: 'EACCES' })), 'cannot listen on example.invalid:8000: EACCES')
  t.equal(listenFailure(c, new Error('no such thing')), 'cannot listen on example.invalid:8000: no such thing')
})

t.test('urlHost: wildcards become their loopback, IPv6 addresses get brackets', async (t) => {
  t.equal(urlHost('127.0.0.1'), '127.0.0.1')
  t.equal(urlHost('localhost'), 'localhost')
  t.equal(urlHost('0.0.0.0'), '127.0.0.1')
  t.equal(urlHost('::'), '[::1]')
  t.equal(urlHost('::1'), '[::1]')
})

t.test('on a wildcard address, url points at loopback and answers', async (t) => {
  const server = await startServer(config({ host: '0.0.0.0' }))
  t.teardown(server.close)
  t.equal(server.url, `http://127.0.0.1:${server.port}`)
  t.equal((await fetch(`${server.url}/health`)).status, 200)
})

// A raw TCP client: what it received, and a promise of the connection's end.
const rawClient = async (port: number, sent = ''): Promise<{ received: () => string, closed: Promise<void> }> => {
  const socket = connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve) => socket.once('connect', resolve))
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { received += chunk })
  socket.on('error', () => undefined)
  if (sent !== '') socket.write(sent)
  return { received: () => received, closed: new Promise<void>((resolve) => socket.once('close', () => { resolve() })) }
}

// Lets the server read what the clients sent before close() begins.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100))

t.test('close(): connections without a request in progress close at once, in-flight requests finish', async (t) => {
  const server = await startServer(config())
  // Never sends anything; sends half a head; gets an answer and keeps the connection.
  const silent = await rawClient(server.port)
  const midHead = await rawClient(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n')
  const keptAlive = await rawClient(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
  // In flight when close() begins: a delayed answer.
  const delayed = fetch(`${server.url}/v2/agents/a1/sessions?limit=1`, { headers: { ...KEY, prefer: 'delay=300' } })
  await settle()
  t.match(keptAlive.received(), /^HTTP\/1\.1 200 OK\r\n/, 'the kept-alive connection had its answer')

  await server.close()
  await Promise.all([silent.closed, midHead.closed, keptAlive.closed])
  t.equal(silent.received(), '', 'the silent connection was closed without an answer')
  t.equal(midHead.received(), '', 'the connection mid-head was closed without an answer')
  const res = await delayed
  t.equal(res.status, 200, 'the delayed request in flight was answered normally')
  t.equal(res.headers.get('connection'), 'close', 'with Connection: close')
  t.equal(((await res.json()) as { total: number }).total, 3)
  t.equal(await tryConnect(server.port), 'ECONNREFUSED', 'nothing listens afterwards')
})

t.test('close() past --shutdown-timeout: a pending delay is cut short and answered, a stalled body is closed', async (t) => {
  const server = await startServer(config({ shutdownTimeout: 50 }))
  const delayed = fetch(`${server.url}/v2/agents/a1/sessions?limit=1`, { headers: { ...KEY, prefer: 'delay=600000' } })
  // A control-API call whose body never arrives whole.
  const stalled = await rawClient(server.port, 'POST /__admin/seed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{')
  await settle()

  await server.close()
  const res = await delayed
  t.equal(res.status, 200, 'the delay ended at the deadline and the request was answered')
  t.equal(res.headers.get('connection'), 'close')
  t.equal(((await res.json()) as { total: number }).total, 3)
  await stalled.closed
  t.equal(stalled.received(), '', 'the stalled upload was closed without an answer')
})

t.test('once listening, the banner is logged at info and returned', async (t) => {
  const lines: string[] = []
  const server = await startServer(config({ logLevel: 'info' }), { logStream: { write: (line) => { lines.push(line) } } })
  t.teardown(server.close)
  const expected = {
    api: `${server.url}/v2`,
    docs: `${server.url}/docs`,
    control: `${server.url}/__admin`,
    data: 'memory',
    seed: DEFAULT_SEED,
    sessionsPerAgent: null,
    agents: 2,
    sessions: 4
  }
  t.same(server.banner, expected)
  const logged = lines.map((l) => JSON.parse(l) as { level: number, msg: string, banner?: unknown }).filter((l) => l.banner !== undefined)
  t.same(logged.map((l) => ({ level: l.level, banner: l.banner })), [{ level: 30, banner: expected }], 'one line at info, its fields under banner')
  t.match(logged[0]!.msg, `ready: API ${server.url}/v2, docs ${server.url}/docs, control API ${server.url}/__admin, data memory (seed ${DEFAULT_SEED}: 2 agents, 4 sessions)`)
})

t.test('pretty logs to stdout when asked (silent here: nothing is written)', async (t) => {
  const server = await startServer(config({ logFormat: 'pretty' }), { terminal: true })
  t.teardown(server.close)
  t.equal(server.banner.data, 'memory')
})
