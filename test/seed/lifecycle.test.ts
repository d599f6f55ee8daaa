// Live sessions through the app (README "Live sessions"): the emulator clock
// ends running sessions at their planned end, agents start sessions at their
// seeded rate, and what List Sessions sends depends only on the seed, the
// fixtures and the clock's instant.
import t from 'tap'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { build, call, GOLDEN_FIXTURES, listSessions } from '../helper.js'
import { makeConfig } from '../../src/config.js'
import { buildServer } from '../../src/server.js'
import { formatDateTimeMicros, parseDateTimeMicros } from '../../src/store/datetime.js'

const START = '2026-11-20T12:00:00Z'
const START_US = parseDateTimeMicros(START)!
const MINUTE_US = 60_000_000
const HOUR_US = 60 * MINUTE_US
const AGENTS = ['demo-agent', 'support-triage', 'invoice-extractor', 'research-assistant', 'idle-agent']
const STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED']

const setClock = async (app: FastifyInstance, body: Record<string, unknown>): Promise<void> => {
  const res = await call(app, 'POST', '/__admin/clock', body)
  if (res.status !== 200) throw new Error(`clock: ${res.status} ${res.body}`)
}
// A server started with its clock pinned at an instant: buildServer directly,
// as the helper's build closes only when the test ends and a property run
// builds one per case (closed by the caller).
const buildServerAt = async (instant: string): Promise<FastifyInstance> =>
  await buildServer(makeConfig({ logLevel: 'silent', clock: instant }))

// An ISO 8601 duration of `us` microseconds.
const duration = (us: number): string => `PT${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}S`

const all = async (app: FastifyInstance, agentId: string, query = ''): Promise<any> => (await listSessions(app, agentId, query)).json

// Every byte a client can see of the data: each agent's sessions in both
// sorts, by status, and the agents with their counts.
const everything = async (app: FastifyInstance): Promise<string> => {
  const parts: string[] = []
  for (const agent of AGENTS) {
    parts.push((await listSessions(app, agent)).body, (await listSessions(app, agent, 'sort_by=status&sort_order=asc')).body)
    for (const status of STATUSES) parts.push((await listSessions(app, agent, `status=${status}&limit=7&offset=1`)).body)
  }
  parts.push((await call(app, 'GET', '/__admin/agents')).body)
  return parts.join('\n')
}

t.test('the pinned clock serves the bytes a clock before the pinned instant does, and those of a reset after moving', async (t) => {
  const pinned = await build(t)
  const before = await everything(pinned)
  const earlier = await build(t, { clock: '2026-11-20T11:00:00Z' })
  t.equal(await everything(earlier), before, 'before the pinned instant nothing has moved yet')
  await setClock(pinned, { advance: 'PT5H' })
  t.not(await everything(pinned), before)
  t.equal((await call(pinned, 'POST', '/__admin/reset')).status, 200)
  t.equal(await everything(pinned), before, 'reset: the data and the clock as at start')
  t.same((await call(pinned, 'GET', '/__admin/clock')).json, { now: START, mode: 'pinned', speed: 1 })
})

t.test('a running session ends exactly when the clock passes its planned end, with end_time that instant', async (t) => {
  const app = await build(t)
  const running = (await all(app, 'demo-agent', 'status=RUNNING')).data as any[]
  // A generated one (the fixtures' own run until deleted).
  const target = running.find((s) => !String(s.session_id).startsWith('sess-'))
  t.ok(target, 'a generated running session')
  const statusAt = async (us: number): Promise<any> => {
    await call(app, 'POST', '/__admin/reset')
    await setClock(app, { set: formatDateTimeMicros(us) })
    return (await all(app, 'demo-agent')).data.find((s: any) => s.session_id === target.session_id)
  }
  // The first instant it is ended at, to the microsecond.
  let [lo, hi] = [START_US, START_US + 3 * HOUR_US]
  t.equal((await statusAt(hi)).status === 'RUNNING', false, 'ended within three hours')
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if ((await statusAt(mid)).status === 'RUNNING') lo = mid
    else hi = mid
  }
  const ended = await statusAt(hi)
  const justBefore = await statusAt(hi - 1)
  t.equal(justBefore.status, 'RUNNING')
  t.equal(justBefore.end_time, null)
  t.not(ended.status, 'RUNNING')
  t.equal(ended.end_time, formatDateTimeMicros(hi), 'end_time is the planned end')
  t.ok(ended.messages_count >= justBefore.messages_count, 'messages only grow')
  t.equal(ended.token_usage.total_tokens, ended.token_usage.input_tokens + ended.token_usage.output_tokens, 'tokens add up')
  t.ok(ended.token_usage.input_tokens >= justBefore.token_usage.input_tokens)
})

t.test('ended sessions look like the seeded ones: messages for COMPLETED, an error for FAILED, [] otherwise', async (t) => {
  const app = await build(t)
  await setClock(app, { advance: 'P2D' })
  const seen = new Map<string, number>()
  for (const agent of AGENTS) {
    for (const s of (await all(app, agent)).data as any[]) {
      // Sessions agents started (after the pinned instant) have all ended but the last ones.
      if (parseDateTimeMicros(s.start_time)! <= START_US) continue
      seen.set(s.status, (seen.get(s.status) ?? 0) + 1)
      if (s.status === 'RUNNING') {
        t.equal(s.end_time, null)
        continue
      }
      t.ok(parseDateTimeMicros(s.end_time)! > parseDateTimeMicros(s.start_time)!)
      t.equal(s.token_usage.total_tokens, s.token_usage.input_tokens + s.token_usage.output_tokens)
      if (s.status === 'COMPLETED') t.match(s.result[0], { type: 'message', role: 'assistant', content: String })
      else if (s.status === 'FAILED') t.match(s.result, [{ type: 'error', code: String, message: String }])
      else t.same(s.result, [])
    }
  }
  const total = [...seen.values()].reduce((a, b) => a + b)
  // 23 per hour over 48 hours; the proportions the README states (70/15/10/5), within a few points.
  t.equal(total, 23 * 48)
  t.ok(seen.get('COMPLETED')! / total > 0.64 && seen.get('COMPLETED')! / total < 0.76, `COMPLETED ${seen.get('COMPLETED')}`)
  t.ok(seen.get('FAILED')! / total > 0.11 && seen.get('FAILED')! / total < 0.19, `FAILED ${seen.get('FAILED')}`)
  t.ok(seen.get('CANCELED')! / total > 0.07 && seen.get('CANCELED')! / total < 0.13, `CANCELED ${seen.get('CANCELED')}`)
  t.ok(seen.get('TERMINATED')! / total > 0.02 && seen.get('TERMINATED')! / total < 0.08, `TERMINATED ${seen.get('TERMINATED')}`)
})

t.test('agents start sessions at their rate: sessions_per_hour, 4 when agents.json does not say', async (t) => {
  const app = await build(t)
  const before = (await call(app, 'GET', '/__admin/agents')).json.data as any[]
  await setClock(app, { advance: 'PT10H' })
  const after = (await call(app, 'GET', '/__admin/agents')).json.data as any[]
  const started = Object.fromEntries(after.map((a, i) => [a.agent_id, a.sessions_count - before[i].sessions_count]))
  t.same(started, { 'demo-agent': 120, 'idle-agent': 0, 'invoice-extractor': 30, 'research-assistant': 20, 'support-triage': 60 })
  const newest = (await all(app, 'demo-agent', 'limit=1')).data[0]
  t.ok(parseDateTimeMicros(newest.start_time)! > START_US + 9 * HOUR_US, 'the newest first')
  const golden = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const counts = async (): Promise<number[]> => (await call(golden, 'GET', '/__admin/agents')).json.data.map((a: any) => a.sessions_count)
  const goldenBefore = await counts()
  await setClock(golden, { advance: 'PT3H' })
  t.same((await counts()).map((n, i) => n - goldenBefore[i]!), [12, 12], 'four an hour each')
})

// Steps that add up to `total` microseconds.
const pathArb = fc.integer({ min: 1, max: 6 * HOUR_US }).chain((total) =>
  fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }).map((weights) => {
    const sum = weights.reduce((a, b) => a + b)
    const steps = weights.map((w) => Math.floor(total * w / sum))
    steps[0]! += total - steps.reduce((a, b) => a + b)
    return { total, steps }
  }))

t.test('property: the same instant gives the same bytes, whatever path the clock took; totals agree with pages', async (t) => {
  const oneStep = await build(t)
  const manySteps = await build(t)
  await fc.assert(fc.asyncProperty(pathArb, fc.boolean(), async ({ total, steps }, asMs) => {
    for (const app of [oneStep, manySteps]) await call(app, 'POST', '/__admin/reset')
    await setClock(oneStep, { advance: duration(total) })
    for (const step of steps) {
      // advance_ms takes whole milliseconds: the rest as a duration.
      if (asMs && step >= 1000) {
        await setClock(manySteps, { advance_ms: Math.floor(step / 1000) })
        if (step % 1000 !== 0) await setClock(manySteps, { advance: duration(step % 1000) })
      } else await setClock(manySteps, { advance: duration(step) })
      // Reads between the steps apply them as they go.
      await listSessions(manySteps, 'demo-agent', 'status=RUNNING')
    }
    const instant = formatDateTimeMicros(START_US + total)
    const restarted = await buildServerAt(instant)
    try {
      const expected = await everything(restarted)
      if (await everything(oneStep) !== expected) return false
      if (await everything(manySteps) !== expected) return false
    } finally {
      await restarted.close()
    }
    for (const agent of AGENTS) {
      const whole = await all(oneStep, agent)
      let sum = 0
      for (const status of STATUSES) {
        const page = await all(oneStep, agent, `status=${status}`)
        if (page.data.length !== page.total || page.data.some((s: any) => s.status !== status)) return false
        sum += page.total
      }
      if (sum !== whole.total || whole.data.length !== whole.total) return false
    }
    return true
  }), { numRuns: 8 })
  t.pass('held')
})

t.test('a reseed draws the agents\' sessions from the new seed, as a start with that seed would', async (t) => {
  const app = await build(t)
  await setClock(app, { advance: 'PT2H' })
  t.equal((await call(app, 'POST', '/__admin/seed', { seed: 7 })).status, 200)
  const fresh = await build(t, { seed: 7, clock: '2026-11-20T14:00:00Z' })
  t.equal(await everything(app), await everything(fresh))
})

t.test('a --db file written with a later clock, opened with an earlier one, is the data at the earlier one', async (t) => {
  const db = `${t.testdir()}/live.db`
  const first = await build(t, { db, clock: '2026-11-20T18:00:00Z' })
  const later = await everything(first)
  await first.close()
  const reopened = await build(t, { db })
  const pinned = await build(t)
  t.equal(await everything(reopened), await everything(pinned), 'ended sessions run again, started ones are gone')
  await setClock(reopened, { set: '2026-11-20T18:00:00Z' })
  t.equal(await everything(reopened), later)
})

t.test('a live clock runs by itself', async (t) => {
  const app = await build(t, { clock: 'live', clockSpeed: 3600 })
  const first = (await call(app, 'GET', '/__admin/clock')).json
  t.equal(first.mode, 'live')
  t.equal(first.speed, 3600)
  await new Promise((resolve) => setTimeout(resolve, 50))
  const later = (await call(app, 'GET', '/__admin/clock')).json
  t.ok(parseDateTimeMicros(later.now)! > parseDateTimeMicros(first.now)!, `${first.now} then ${later.now}`)
})

t.test('without the control API the clock still applies', async (t) => {
  const app = await build(t, { admin: false, clock: '2026-11-20T20:00:00Z' })
  const pinned = await build(t)
  t.ok((await all(app, 'demo-agent')).total > (await all(pinned, 'demo-agent')).total)
})
