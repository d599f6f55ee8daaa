// POST /__admin/reset and POST /__admin/seed.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { DEFAULT_SEED } from '../../src/config.js'
import { SESSION_STATUSES } from '../../src/schemas/list-sessions.js'
import { build, call, listSessions } from '../helper.js'

// Every byte a client can see: the agents, and each agent's sessions in
// every sort and filter.
const everything = async (app: FastifyInstance): Promise<string[]> => {
  const agents = (await call(app, 'GET', '/__admin/agents')).json.data as Array<{ agent_id: string }>
  const out = [JSON.stringify(agents)]
  for (const { agent_id: agentId } of [...agents, { agent_id: 'fresh' }]) {
    for (const query of ['', 'sort_order=asc', 'sort_by=status', ...SESSION_STATUSES.map((s) => `status=${s}`)]) {
      out.push((await listSessions(app, agentId, query)).body)
    }
  }
  return out
}

const app = await build(t)
const atStart = await everything(app)

t.test('reset: the same bytes as right after start', async (t) => {
  await call(app, 'POST', '/__admin/agents/fresh/sessions', [{}, {}, {}])
  await call(app, 'POST', '/__admin/agents/demo-agent/sessions', { status: 'FAILED' })
  await call(app, 'DELETE', '/__admin/agents/support-triage/sessions')
  await call(app, 'DELETE', '/__admin/agents/demo-agent/sessions/sess-demo-0001')
  await call(app, 'POST', '/__admin/seed', { seed: 3, sessions_per_agent: 7 })
  t.not(JSON.stringify(await everything(app)), JSON.stringify(atStart), 'changed')
  const res = await call(app, 'POST', '/__admin/reset')
  t.equal(res.status, 200)
  t.same(res.json, (await call(app, 'GET', '/__admin/agents')).json, 'answers the agents')
  t.same(await everything(app), atStart)
  const fresh = await build(t)
  t.same(await everything(fresh), atStart, 'as a fresh start gives them')
})

t.test('reset clears the fault rules and the journal, and restarts the generated fields', async (t) => {
  const first = (await call(app, 'POST', '/__admin/agents/fresh/sessions', {})).body
  await call(app, 'POST', '/__admin/faults', { match: {}, status: 503 })
  t.equal((await listSessions(app, 'fresh')).status, 503)
  await call(app, 'POST', '/__admin/reset')
  t.same((await call(app, 'GET', '/__admin/faults')).json, { data: [], total: 0 })
  t.same((await call(app, 'GET', '/__admin/requests')).json, { data: [], total: 0 })
  t.equal((await call(app, 'POST', '/__admin/faults', { match: {} })).json.id, 'f1', 'rule ids start again')
  await call(app, 'DELETE', '/__admin/faults')
  t.equal((await call(app, 'POST', '/__admin/agents/fresh/sessions', {})).body, first)
  await call(app, 'POST', '/__admin/reset', '', { 'content-type': 'application/json' })
  t.equal((await call(app, 'GET', '/__admin/agents')).json.total, 5, 'an empty JSON body counts as none')
})

t.test('seed: regenerate the dataset from another seed', async (t) => {
  const res = await call(app, 'POST', '/__admin/seed', { seed: 1, sessions_per_agent: 2 })
  t.equal(res.status, 200)
  // The fixtures' own sessions stay; each agent gets 2 generated ones.
  t.same(res.json.data.map((a: { agent_id: string, sessions_count: number }) => [a.agent_id, a.sessions_count]),
    [['demo-agent', 12], ['idle-agent', 2], ['invoice-extractor', 2], ['research-assistant', 2], ['support-triage', 3]])
  const seeded = await everything(app)
  await call(app, 'POST', '/__admin/seed', { seed: 1, sessions_per_agent: 2 })
  t.same(await everything(app), seeded, 'the same seed: the same bytes')
  await call(app, 'POST', '/__admin/seed', { seed: DEFAULT_SEED })
  t.same(await everything(app), atStart, "the start seed with each agent's generated_sessions: the start dataset")
  await call(app, 'POST', '/__admin/reset')
})

t.test('seed: later inserts draw from the new seed; rules and journal stay', async (t) => {
  await call(app, 'POST', '/__admin/faults', { match: { agent_id: 'nobody' }, status: 500 })
  await listSessions(app, 'demo-agent')
  await call(app, 'POST', '/__admin/seed', { seed: 42 })
  const inserted = (await call(app, 'POST', '/__admin/agents/fresh/sessions', [{}, {}])).body
  const other = await build(t, { seed: 42 })
  t.equal((await call(other, 'POST', '/__admin/agents/fresh/sessions', [{}, {}])).body, inserted, 'as a server started with that seed')
  t.equal((await call(app, 'GET', '/__admin/faults')).json.total, 1)
  t.equal((await call(app, 'GET', '/__admin/requests')).json.total, 1)
  await call(app, 'POST', '/__admin/reset')
})

t.test('seed: a bad body is a 422 naming the field', async (t) => {
  const cases: Array<[unknown, string]> = [
    [{}, 'field "seed": required'],
    [{ seed: -1 }, 'field "seed": expected integer to be greater or equal to 0'],
    [{ seed: 1.5 }, 'field "seed": expected integer'],
    [{ seed: 1, sessions_per_agent: 1_000_001 }, 'field "sessions_per_agent": expected integer to be less or equal to 1000000'],
    [{ seed: 1, extra: true }, 'field "extra": unknown field'],
    [[1], 'body: expected object']
  ]
  for (const [body, detail] of cases) {
    const res = await call(app, 'POST', '/__admin/seed', body)
    t.same([res.status, res.json], [422, { detail }], detail)
  }
  t.same((await call(app, 'POST', '/__admin/seed')).json, { detail: 'body: expected object' }, 'no body')
  t.same(await everything(app), atStart, 'nothing changed')
})

t.test('a --db file that held data at start: reset goes back to that data', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meibel-mock-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = join(dir, 'sessions.db')
  const first = await build(t, { db })
  await call(first, 'POST', '/__admin/agents/kept/sessions', { session_id: 'kept-1' })
  await first.close()

  const second = await build(t, { db })
  const start = await everything(second)
  t.equal((await listSessions(second, 'kept')).json.data[0].session_id, 'kept-1', 'the file was not reseeded')
  await call(second, 'DELETE', '/__admin/agents/kept/sessions')
  await call(second, 'POST', '/__admin/reset')
  t.same(await everything(second), start)
})

t.test('a drawn id that is taken is drawn again', async (t) => {
  const drawn = (await call(app, 'POST', '/__admin/agents/fresh/sessions', {})).json.session_id
  await call(app, 'POST', '/__admin/reset')
  await call(app, 'POST', '/__admin/agents/other/sessions', { session_id: drawn })
  const res = await call(app, 'POST', '/__admin/agents/fresh/sessions', [{}, { session_id: 'given' }])
  t.equal(res.status, 201)
  t.not(res.json[0].session_id, drawn)
  t.match(res.json[0].session_id, /^[0-9a-f-]{36}$/)
  await call(app, 'POST', '/__admin/reset')
})
