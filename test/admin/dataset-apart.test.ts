// POST /__admin/seed above the worker threshold: the new data is built off
// the main thread and swapped in (src/seed/seeded-file.ts,
// src/store/swappable-store.ts). A threshold of 10 sessions sends every
// seed of more than 2 sessions per agent (5 agents) that way.
import t from 'tap'
import { readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { SESSION_STATUSES } from '../../src/schemas/list-sessions.js'
import { build, call, listSessions } from '../helper.js'

const APART = { workerSeedThreshold: 10 }

// Each build starts three worker threads, which under tap's TypeScript
// loader take seconds each to load their modules (more on a busy machine).
t.setTimeout(600_000)

// Every byte a client can see: the agents, and each agent's sessions in
// every sort and filter.
const everything = async (app: FastifyInstance): Promise<string[]> => {
  const agents = (await call(app, 'GET', '/__admin/agents')).json.data as Array<{ agent_id: string }>
  const out = [JSON.stringify(agents)]
  for (const { agent_id: agentId } of [...agents, { agent_id: 'fresh' }]) {
    for (const query of ['', 'limit=3', 'sort_by=status', ...SESSION_STATUSES.map((s) => `status=${s}`)]) {
      out.push((await listSessions(app, agentId, query)).body)
    }
  }
  return out
}

// What an in-process reseed gives: the reference for the one built apart.
const inProcess = await build(t)
const counts = async (seed: number, perAgent: number): Promise<number[]> =>
  (await call(inProcess, 'POST', '/__admin/seed', { seed, sessions_per_agent: perAgent })).json.data.map((a: { sessions_count: number }) => a.sessions_count)
const counts5 = await counts(5, 30)
const counts3 = await counts(3, 40)
const seeded3 = await everything(inProcess)
const sessionCount = (n: number[]): number => n.reduce((a, b) => a + b, 0)
// A running --db emulator keeps its -journal file (EXCLUSIVE locking mode).
const files = (dir: string): string[] => readdirSync(dir).filter((name) => name !== 'sessions.db-journal')

t.test('a reseed built apart gives the bytes an in-process one does; no answer cached before it is served after it', async (t) => {
  const app = await build(t, {}, APART)
  const atStart = await everything(app)
  const res = await call(app, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 40 })
  t.equal(res.status, 200)
  t.same(res.json.data.map((a: { sessions_count: number }) => a.sessions_count), counts3, 'answered the new agents')
  t.same(await everything(app), seeded3)

  // A write right after the seed's answer is in the next answer.
  await call(app, 'POST', '/__admin/agents/fresh/sessions', { session_id: 'after-swap' })
  t.same((await listSessions(app, 'fresh')).json.data.map((s: { session_id: string }) => s.session_id), ['after-swap'])
  t.equal((await call(app, 'POST', '/__admin/agents/fresh/sessions', {})).status, 201)

  // Reset after a swap: the start bytes again (the snapshot moved with the data).
  await call(app, 'POST', '/__admin/reset')
  t.same(await everything(app), atStart)
  // And a second swap carries it on.
  await call(app, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 40 })
  await call(app, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 40 })
  t.same(await everything(app), seeded3)
  await call(app, 'POST', '/__admin/reset')
  t.same(await everything(app), atStart)
  t.same(readdirSync(tmpdir()).filter((name) => name.startsWith(`meibel-mock-seeding-${process.pid}-`)), [], 'no file left in the temp folder')
})

t.test('small reseeds stay in-process under the same threshold', async (t) => {
  const app = await build(t, {}, APART)
  const small = await build(t)
  await call(app, 'POST', '/__admin/seed', { seed: 4, sessions_per_agent: 2 })
  await call(small, 'POST', '/__admin/seed', { seed: 4, sessions_per_agent: 2 })
  t.same(await everything(app), await everything(small))
})

t.test('/health and List Sessions answer while a reseed builds', async (t) => {
  const app = await build(t, {}, APART)
  const before = (await listSessions(app, 'demo-agent')).body
  const order: string[] = []
  const seeding = call(app, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 40 }).then((res) => { order.push(`seed ${res.status}`) })
  const health = await call(app, 'GET', '/health')
  order.push(`health ${health.status}`)
  const page = await listSessions(app, 'demo-agent')
  order.push(`list ${page.status}`)
  t.equal(page.body, before, 'the old data until the swap')
  await seeding
  t.same(order, ['health 200', 'list 200', 'seed 200'], 'answered before the reseed finished')
  t.not((await listSessions(app, 'demo-agent')).body, before)
})

t.test('two reseeds at once: the second waits for the first; each answers its own data', async (t) => {
  const app = await build(t, {}, APART)
  const [first, second] = await Promise.all([
    call(app, 'POST', '/__admin/seed', { seed: 5, sessions_per_agent: 30 }),
    call(app, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 40 })
  ])
  t.same(first.json.data.map((a: { sessions_count: number }) => a.sessions_count), counts5)
  t.same(second.json.data.map((a: { sessions_count: number }) => a.sessions_count), counts3)
  t.same(await everything(app), seeded3)
})

t.test('with --db: the reseed replaces the file, leaves no other file, and a restart keeps it', async (t) => {
  const dir = t.testdir()
  const db = join(dir, 'sessions.db')
  const app = await build(t, { db }, APART)
  const atStart = await everything(app)
  await call(app, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 40 })
  t.same(await everything(app), seeded3)
  t.same(files(dir), ['sessions.db'], 'one file')
  await call(app, 'POST', '/__admin/agents/fresh/sessions', { session_id: 'kept' })
  const written = await everything(app)
  await app.close()
  t.same(readdirSync(dir), ['sessions.db'])

  const again = await build(t, { db, seed: 3, sessionsPerAgent: 40 }, APART)
  t.same(await everything(again), written, 'the file holds the reseeded data and the write')
  t.equal(again.startupSummary.seeding.seed, 3, 'and its seeding')
  await again.close()

  // Reset after a --db swap: the start state, written into the file.
  const third = await build(t, { db, reseed: true }, APART)
  const start = await everything(third)
  t.same(start, atStart, 'reseeded at start as the first start was')
  await call(third, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 40 })
  await call(third, 'POST', '/__admin/reset')
  t.same(await everything(third), atStart)
  t.same(files(dir), ['sessions.db'])
})

t.test('start-up above the threshold builds apart too, with the same bytes', async (t) => {
  const apart = await build(t, { seed: 3, sessionsPerAgent: 40 }, APART)
  t.same(await everything(apart), seeded3)
  t.equal(apart.startupSummary.sessions, sessionCount(counts3))
  const dir = t.testdir()
  const db = join(dir, 'sessions.db')
  // What a killed emulator left next to the file.
  writeFileSync(`${db}.seeding-1`, 'partial')
  writeFileSync(`${db}.snapshot-1`, 'partial')
  const onFile = await build(t, { db, seed: 3, sessionsPerAgent: 40 }, APART)
  t.same(await everything(onFile), seeded3)
  t.same(files(dir), ['sessions.db'])
})

t.test('a reseed that ends after the server closed is not swapped in, and leaves no file', async (t) => {
  const app = await build(t, {}, APART)
  const seeding = call(app, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 40 })
  await app.close()
  t.equal((await seeding).status, 500)
  t.same(readdirSync(tmpdir()).filter((name) => name.startsWith(`meibel-mock-seeding-${process.pid}-`)), [])
})
