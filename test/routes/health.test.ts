// GET /health and GET /ready, and /ready after the --db file fails while the
// emulator runs: 503 {"status":"unavailable"}, one error line per failure kind.
import t, { type Test } from 'tap'
import { closeSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { GOLDEN_FIXTURES, build, call, listSessions } from '../helper.js'
import { openSessionsStore } from '../../src/store/sessions-store.js'

const PAGE = 4096

// A seeded --db file (the default fixtures), closed, and the page numbers of its tables' roots.
const seededFile = async (t: Test): Promise<{ path: string, roots: Record<string, number> }> => {
  const path = join(t.testdir(), 'mock.db')
  const app = await build(t, { db: path })
  await app.close()
  const db = new Database(path, { readonly: true })
  const roots = Object.fromEntries(db.prepare<[], { name: string, rootpage: number }>('SELECT name, rootpage FROM sqlite_master').all().map((r) => [r.name, r.rootpage]))
  db.close()
  return { path, roots }
}

// Overwrites pages [from, to) (1-based page numbers) with 0xff bytes.
const damage = (path: string, from: number, to: number): void => {
  const fd = openSync(path, 'r+')
  writeSync(fd, Buffer.alloc((to - from) * PAGE, 0xff), 0, (to - from) * PAGE, (from - 1) * PAGE)
  closeSync(fd)
}

const logged = (): { lines: Array<Record<string, unknown>>, logStream: { write: (line: string) => void } } => {
  const lines: Array<Record<string, unknown>> = []
  return { lines, logStream: { write: (line) => { lines.push(JSON.parse(line) as Record<string, unknown>) } } }
}

t.test('/health and /ready while all is well', async (t) => {
  const app = await build(t)
  t.same(await call(app, 'GET', '/health').then((r) => [r.status, r.body]), [200, '{"status":"ok"}'])
  t.same(await call(app, 'GET', '/ready').then((r) => [r.status, r.body]), [200, '{"status":"ready"}'])
})

t.test('pages damaged while running: List Sessions fails, then /ready answers 503 unavailable; one log line', async (t) => {
  const { path, roots } = await seededFile(t)
  const { lines, logStream } = logged()
  const app = await build(t, { db: path, logLevel: 'error' }, { logStream })
  t.equal((await listSessions(app, 'demo-agent', 'limit=1')).status, 200)

  const pages = statSync(path).size / PAGE
  t.ok(pages > 16, `a file of ${pages} pages`)
  t.ok(roots.agents! < pages / 4, 'the agents table is before the damaged part')
  damage(path, Math.floor(pages / 4), Math.floor(pages * 3 / 4))

  // SQLite still holds the pages it read in memory; /ready drops them, and
  // its own probe (the agents table) reads intact pages.
  t.same(await call(app, 'GET', '/ready').then((r) => [r.status, r.body]), [200, '{"status":"ready"}'], 'the probe reads only the agents table')
  const failed = await listSessions(app, 'demo-agent')
  t.same([failed.status, failed.body], [500, 'Internal Server Error'], 'reading the damaged pages fails as FastAPI fails')
  t.same(await call(app, 'GET', '/ready').then((r) => [r.status, r.body]), [503, '{"status":"unavailable"}'])
  t.same(await call(app, 'GET', '/health').then((r) => [r.status, r.body]), [200, '{"status":"ok"}'], 'the process is still up')
  for (let i = 0; i < 3; i++) t.equal((await listSessions(app, 'demo-agent')).status, 500)
  t.equal((await call(app, 'GET', '/ready')).status, 503, 'it stays unavailable')

  const errors = lines.filter((l) => l.level === 50)
  t.equal(errors.length, 1, `one error line for four failing requests: ${JSON.stringify(errors)}`)
  t.equal(errors[0]!.kind, 'SQLITE_CORRUPT')
  t.match(errors[0]!.msg, /^database failure SQLITE_CORRUPT: database disk image is malformed; GET \/ready answers 503 until a restart$/)
})

t.test('the agents table damaged: /ready itself notices', async (t) => {
  const { path, roots } = await seededFile(t)
  const { lines, logStream } = logged()
  const app = await build(t, { db: path, logLevel: 'error' }, { logStream })
  t.equal((await call(app, 'GET', '/ready')).status, 200)
  damage(path, roots.agents!, roots.agents! + 1)
  t.same(await call(app, 'GET', '/ready').then((r) => [r.status, r.body]), [503, '{"status":"unavailable"}'])
  t.same(lines.map((l) => l.kind), ['SQLITE_CORRUPT'])
})

t.test('the store\'s failure record: the first failure stays, each kind is reported once, the errors carry reported: true', async (t) => {
  const { path } = await seededFile(t)
  const store = openSessionsStore(path)
  t.teardown(() => { store.close() })
  const reports: unknown[] = []
  store.onFailure((f) => { reports.push(f) })
  t.equal(store.failure, null)
  t.equal(store.readiness(), 'ready')
  damage(path, 2, Math.floor(statSync(path).size / PAGE))
  store.readiness()
  const errors: unknown[] = []
  for (let i = 0; i < 2; i++) {
    try { store.listAgents() } catch (err) { errors.push(err) }
  }
  t.equal(errors.length, 2)
  t.match(errors, [{ code: /^SQLITE_CORRUPT/, reported: true }, { code: /^SQLITE_CORRUPT/, reported: true }])
  t.same(reports, [{ kind: 'SQLITE_CORRUPT', message: 'database disk image is malformed' }])
  t.same(store.failure, { kind: 'SQLITE_CORRUPT', message: 'database disk image is malformed' })
  t.equal(store.readiness(), 'unavailable')
  // A constraint is the caller's problem, not the database's.
  const fresh = openSessionsStore(':memory:')
  fresh.replaceAll([{ agent_id: 'a', agent_name: null, agent_version: null }], [])
  const s = { agent_id: 'a', session_id: 's', status: 'RUNNING', start_us: 0, end_us: null, agent_name: null, agent_version: null, messages_count: 0, token_usage: null, result: [] }
  fresh.insertSessions({ agent_id: 'a', agent_name: null, agent_version: null }, [s])
  t.throws(() => fresh.insertSessions({ agent_id: 'a', agent_name: null, agent_version: null }, [s]), /UNIQUE/)
  t.equal(fresh.failure, null)
  t.equal(fresh.readiness(), 'ready')
  fresh.close()
  t.equal(fresh.readiness(), 'starting', 'a closed store is not ready')
})

t.test('health and readiness', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const health = await app.inject({ url: '/health' })
  t.equal(health.statusCode, 200)
  t.equal(health.body, '{"status":"ok"}')
  t.equal(health.headers['content-type'], 'application/json')
  const ready = await app.inject({ url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.body, '{"status":"ready"}')
  await app.close()
  const empty = await build(t, { fixturesDir: t.testdir({ 'agents.json': '[]', 'sessions.json': '[]' }) })
  const notReady = await empty.inject({ url: '/ready' })
  t.equal(notReady.statusCode, 503)
  t.equal(notReady.body, '{"status":"starting"}')
})
