// buildServer beyond the List Sessions route (test/routes/list-sessions.test.ts):
// the database file, error bodies for other failures, closing, and logs.
import t from 'tap'
import { join } from 'node:path'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { DEFAULT_SEED, type Config } from '../src/config.js'
import { INTERNAL_SERVER_ERROR_BODY } from '../src/fastapi/error-handler.js'
import type { BuildOptions } from '../src/server.js'
import { openSessionsStore } from '../src/store/sessions-store.js'
import { GOLDEN_FIXTURES, KEY, build } from './helper.js'

t.test('a --db file is seeded only when empty and kept across restarts', async (t) => {
  const db = join(t.testdir(), 'mock.db')
  const url = '/v2/agents/demo-agent/sessions?limit=3'
  const first = await build(t, { db, seed: 1 })
  const before = (await first.inject({ url, headers: KEY })).body
  // Closed here, so that the next server reopens the file.
  await first.close()
  const inMemoryOtherSeed = await build(t, { seed: 2 })
  const seed2 = (await inMemoryOtherSeed.inject({ url, headers: KEY })).body
  // Another seed gives other data in memory, but the existing file is not reseeded.
  const second = await build(t, { db, seed: 2 })
  const after = (await second.inject({ url, headers: KEY })).body
  t.not(seed2, before, 'seeds differ in memory')
  t.equal(after, before, 'the file kept the first seed')
})

t.test('other failures get FastAPI-style bodies', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
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

t.test('answers in flight during close() say Connection: close', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
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
  const app = await build(t, { logLevel: 'debug', fixturesDir: GOLDEN_FIXTURES }, { logStream: { write: (line) => { lines.push(line) } } })
  await app.inject({ url: '/v2/agents/a1/sessions', headers: { 'meibel-api-key': 'secret-123', 'x-trace': 'abc' } })
  const incoming = lines.map((l) => JSON.parse(l) as { msg: string, req?: { headers: Record<string, string> } }).find((l) => l.msg === 'incoming request')
  t.equal(incoming?.req?.headers['meibel-api-key'], '[redacted]')
  t.equal(incoming?.req?.headers['x-trace'], 'abc')
  t.notMatch(lines.join(''), 'secret-123')
})

// The golden fixtures: agents a1 (3 fixture sessions) and "café agent" (1), none generated.
const GOLDEN = { agents: 2, fixtureSessions: 4 }

// Builds with logs at info into `lines`; closes it at the end of the test.
const withLogs = async (t: Test, overrides: Partial<Config>, options: BuildOptions = {}): Promise<{ app: FastifyInstance, lines: string[] }> => {
  const lines: string[] = []
  const app = await build(t, { logLevel: 'info', fixturesDir: GOLDEN_FIXTURES, ...overrides }, { ...options, logStream: { write: (line) => { lines.push(line) } } })
  return { app, lines }
}
const warnings = (lines: string[]): string[] =>
  lines.map((l) => JSON.parse(l) as { level: number, msg: string }).filter((l) => l.level === 40).map((l) => l.msg)

t.test('--sessions-per-agent: that many generated sessions for every agent, on top of the fixtures\'', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, sessionsPerAgent: 5 })
  t.equal(app.startupSummary.sessions, GOLDEN.fixtureSessions + 5 * GOLDEN.agents)
  const total = async (agent: string): Promise<number> =>
    (JSON.parse((await app.inject({ url: `/v2/agents/${encodeURIComponent(agent)}/sessions?limit=1`, headers: KEY })).body) as { total: number }).total
  t.equal(await total('a1'), 3 + 5)
  t.equal(await total('café agent'), 1 + 5)
  const none = await build(t, { fixturesDir: GOLDEN_FIXTURES, sessionsPerAgent: 0 })
  t.equal(none.startupSummary.sessions, GOLDEN.fixtureSessions, '0: only the fixtures\' sessions')
  t.same(none.startupSummary.seeding, { seed: DEFAULT_SEED, sessionsPerAgent: 0 })
})

t.test('a --db file holding data keeps it, and says so when the seed options differ; --reseed replaces it', async (t) => {
  const db = join(t.testdir(), 'seeded.db')
  const body = async (app: FastifyInstance): Promise<string> => (await app.inject({ url: '/v2/agents/a1/sessions', headers: KEY })).body
  const first = await withLogs(t, { db, seed: 5, sessionsPerAgent: 2 })
  const seeded = await body(first.app)
  t.same(warnings(first.lines), [], 'a new file: seeded, no warning')
  await first.app.close()

  const same = await withLogs(t, { db, seed: 5, sessionsPerAgent: 2 })
  t.same(warnings(same.lines), [], 'the same options: no warning')
  t.equal(await body(same.app), seeded)
  await same.app.close()

  const other = await withLogs(t, { db, seed: 7 })
  t.same(warnings(other.lines), [
    `--db ${db}: keeping the file's data, seeded with --seed 5 and --sessions-per-agent 2, not with --seed 7 and the fixtures' sessions per agent as this start asks; ` +
    'start with --reseed (MEIBEL_MOCK_RESEED=1) to replace it with data seeded from the options given'
  ])
  t.equal(await body(other.app), seeded, 'the file\'s data is kept')
  t.same(other.app.startupSummary.seeding, { seed: 5, sessionsPerAgent: 2 }, 'and its seed')
  t.equal(other.app.startupSummary.sessions, GOLDEN.fixtureSessions + 2 * GOLDEN.agents)
  const version = JSON.parse((await other.app.inject({ url: '/__admin/version' })).body) as { seed: number }
  t.equal(version.seed, 5, 'the control API draws from the file\'s seed')
  await other.app.close()

  const reseeded = await withLogs(t, { db, seed: 7, reseed: true })
  t.same(warnings(reseeded.lines), [], '--reseed: no warning')
  t.not(await body(reseeded.app), seeded, 'the data is replaced')
  t.same(reseeded.app.startupSummary.seeding, { seed: 7, sessionsPerAgent: null })
  t.equal(reseeded.app.startupSummary.sessions, GOLDEN.fixtureSessions)
  await reseeded.app.close()

  const after = await withLogs(t, { db, seed: 7 })
  t.same(warnings(after.lines), [], 'the file now records --seed 7')
  await after.app.close()
})

t.test('a --db file whose seeding is not recorded keeps its data without a warning', async (t) => {
  const db = join(t.testdir(), 'unrecorded.db')
  const store = openSessionsStore(db)
  store.replaceAll([{ agent_id: 'a1', agent_name: null, agent_version: null }], [])
  store.close()
  const { app, lines } = await withLogs(t, { db, seed: 9 })
  t.same(warnings(lines), [])
  t.same(app.startupSummary.seeding, { seed: 9, sessionsPerAgent: null }, 'the seed asked for')
  t.equal(app.startupSummary.agents, 1)
})

t.test('the start-up summary: data source, seeding, counts and paths', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, seed: 3 })
  t.same(app.startupSummary, {
    db: ':memory:',
    seeding: { seed: 3, sessionsPerAgent: null },
    agents: GOLDEN.agents,
    sessions: GOLDEN.fixtureSessions,
    paths: { api: '/v2', docs: '/docs', control: '/__admin' }
  })
  const off = await build(t, { fixturesDir: GOLDEN_FIXTURES, admin: false })
  t.equal(off.startupSummary.paths.control, null, 'no control API')
})

t.test('--log-format: json lines, or pino-pretty\'s; the default follows the terminal', async (t) => {
  const isJson = (line: string): boolean => { try { JSON.parse(line); return true } catch { return false } }
  const warn = async (overrides: Partial<Config>, options: BuildOptions = {}): Promise<string> => {
    const { app, lines } = await withLogs(t, overrides, options)
    app.log.warn('look here')
    return lines.at(-1)!
  }
  t.ok(isJson(await warn({})), 'json by default, off a terminal')
  t.ok(isJson(await warn({ logFormat: 'json' }, { terminal: true })), 'json when asked, on a terminal too')
  const pretty = await warn({ logFormat: 'pretty' })
  t.notOk(isJson(pretty), 'pretty when asked')
  t.match(pretty, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: look here\n$/, 'time, level and message, without colors for a stream')
  t.match(await warn({}, { terminal: true }), /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: look here\n$/, 'pretty by default on a terminal')
})
