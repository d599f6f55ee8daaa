// buildSeededDatabase: the file its workers write holds, column for column,
// the rows seedStore puts in a store for the same options (the synchronous
// path is the reference), while the calling thread's event loop stays free;
// a failure rejects and leaves no file.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { buildSeededDatabase, seededSessionCount, WORKER_SEED_THRESHOLD } from '../../src/seed/build-seeded-database.js'
import { loadFixtures } from '../../src/seed/fixtures.js'
import { generateSessions } from '../../src/seed/generate.js'
import { seedStore } from '../../src/seed/seed-store.js'
import { openSessionsStore } from '../../src/store/sessions-store.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url))

// Each build starts three workers, each of which loads the TypeScript loader
// here (a few seconds on a busy machine): more than the default two minutes.
t.setTimeout(360_000)

// Everything a file holds that the emulator reads: its header's marker and
// version, its schema, and every row of every table (sessions by id: the
// order rows were inserted in is not part of the data).
const contents = (path: string): Record<string, unknown> => {
  const db = new Database(path, { readonly: true })
  try {
    return {
      applicationId: db.pragma('application_id', { simple: true }),
      userVersion: db.pragma('user_version', { simple: true }),
      schema: db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all(),
      agents: db.prepare('SELECT * FROM agents ORDER BY agent_id').all(),
      sessions: db.prepare('SELECT * FROM sessions ORDER BY session_id').all(),
      seeding: db.prepare('SELECT * FROM seeding').all(),
      integrity: db.pragma('integrity_check', { simple: true })
    }
  } finally {
    db.close()
  }
}

// The reference: today's synchronous seedStore into a store of its own.
const seededByStore = (path: string, seed: number, sessionsPerAgent: number | null): void => {
  const store = openSessionsStore(path)
  seedStore(store, loadFixtures(FIXTURES), { seed, sessionsPerAgent })
  store.close()
}

// A few builds (each costs seconds here), the event loop watched during the largest.
t.test('the same rows as seedStore, for a few seeds and sizes, the event loop free', async (t) => {
  const dir = t.testdir()
  // 12,000 per agent: more batches than a generator keeps in flight
  // (src/seed/seed-worker.ts).
  const cases: Array<[number, number | null]> = [[20261120, null], [7, 0], [4_294_967_295, 1], [20261120, 12_000]]
  // Half of them synced to disk (a --db file), half not (one to be unlinked): the same file.
  for (const [i, [seed, sessionsPerAgent]] of cases.entries()) {
    const name = `${seed}-${String(sessionsPerAgent)}`
    const reference = join(dir, `${name}-ref.db`)
    const built = join(dir, `${name}.db`)
    seededByStore(reference, seed, sessionsPerAgent)
    let ticks = 0
    const timer = setInterval(() => { ticks++ }, 10)
    const started = performance.now()
    const result = await buildSeededDatabase({ path: built, fixturesDir: FIXTURES, seed, sessionsPerAgent, durable: i % 2 === 0 })
    const elapsed = performance.now() - started
    clearInterval(timer)
    // A blocked loop would see about none; a free one about elapsed / 10 ms.
    if (sessionsPerAgent === 12_000) t.ok(ticks >= (elapsed / 10) * 0.25, `the event loop ran: ${ticks} ticks of 10 ms in ${Math.round(elapsed)} ms`)
    const expected = contents(reference)
    const got = contents(built)
    t.same(result, { agents: 5, sessions: (expected.sessions as unknown[]).length }, `${name}: the counts`)
    t.equal(got.integrity, 'ok', `${name}: a sound file`)
    t.strictSame(got, expected, `${name}: every row, column for column, and the schema`)
    const file = new Database(built, { readonly: true })
    t.equal(file.pragma('page_size', { simple: true }), 8192, `${name}: pages of 8 KiB (src/store/bulk-load.ts)`)
    file.close()
    // The emulator opens it as one of its own files, with the data and the seeding.
    const store = openSessionsStore(built)
    t.same(store.seeding(), { seed, sessionsPerAgent }, `${name}: the seeding`)
    store.close()
  }
})

t.test('a failure rejects and leaves no file', async (t) => {
  const dir = t.testdir({ 'taken.db': 'not ours' })
  const taken = join(dir, 'taken.db')
  await t.rejects(buildSeededDatabase({ path: taken, fixturesDir: FIXTURES, seed: 1, sessionsPerAgent: 10, durable: false }), /taken\.db: already exists/)
  t.equal(readFileSync(taken, 'utf8'), 'not ours', 'an existing file is left as it was')

  const nowhere = join(dir, 'missing', 'x.db')
  await t.rejects(buildSeededDatabase({ path: nowhere, fixturesDir: FIXTURES, seed: 1, sessionsPerAgent: 10, durable: false }), /does not exist/)
  t.notOk(existsSync(nowhere))

  // A fixture session whose id a generated one also has: the unique index's build fails.
  const agent = { agent_id: 'a', agent_name: 'A', agent_version: null, generated_sessions: 1 }
  const [generated] = generateSessions([agent], 1)
  const bad = t.testdir({
    'agents.json': JSON.stringify([agent]),
    'sessions.json': JSON.stringify([generated!.session_id, 'x'].map((id) => ({ agent_id: 'a', session_id: id, status: 'COMPLETED', start_time: '2026-01-01T00:00:00Z', end_time: null })))
  })
  const clash = join(bad, 'clash.db')
  await t.rejects(buildSeededDatabase({ path: clash, fixturesDir: bad, seed: 1, sessionsPerAgent: null, durable: false }), /UNIQUE constraint failed/)
  t.notOk(existsSync(clash), 'the partial file is deleted')

  await t.rejects(buildSeededDatabase({ path: join(dir, 'y.db'), fixturesDir: join(dir, 'none'), seed: 1, sessionsPerAgent: 1, durable: false }), /cannot read/)
})

t.test('the worker path starts at a total session count', async (t) => {
  const { agents, sessions } = loadFixtures(FIXTURES)
  t.equal(seededSessionCount(agents, sessions.length, null), sessions.length + agents.reduce((n, a) => n + a.generated_sessions, 0))
  t.equal(seededSessionCount(agents, 3, 1_000), 3 + agents.length * 1_000)
  t.ok(seededSessionCount(agents, sessions.length, null) < WORKER_SEED_THRESHOLD, 'the default data stays in-process')
})
