// Sessions that run and end, and agents that start new ones, against the
// emulator clock (README "Live sessions"). Everything is drawn from seeded
// streams of its own, apart from the seeded dataset's (so the data at the
// pinned instant keeps its bytes): a running session's planned end, outcome
// and final values from (seed, agent, index); an agent's spawned session k
// from (seed, agent, k). The table then follows the clock lazily: before a
// read, sync ends the running sessions whose planned end has passed and adds
// the sessions agents started since the last read, so what a read sees is a
// function of the seed, the fixtures and the clock's instant alone, not of
// the path the clock took.
import type { Faker } from '@faker-js/faker'
import type { SessionStatus, StoredSession } from '../schemas/list-sessions.js'
import type { AgentRecord, SessionRecord } from '../schemas/records.js'
import { serializeSession } from '../schemas/serialize.js'
import type { Clock } from '../clock/clock.js'
import { toStoredSession, type PlannedSession, type SessionLifecycle, type SessionsStore } from '../store/sessions-store.js'
import { toAgentRecord, type FixtureAgent } from './fixtures.js'
import { newFastFaker } from './fast-faker.js'
import { fnv1a, makeResult, makeSession, micros, newFaker, SECOND_US, SEED_CLOCK_US } from './generate.js'

export type Outcome = Exclude<SessionStatus, 'RUNNING'>

// How the running sessions end.
const OUTCOME_WEIGHTS: ReadonlyArray<{ weight: number, value: Outcome }> = [
  { weight: 70, value: 'COMPLETED' },
  { weight: 15, value: 'FAILED' },
  { weight: 10, value: 'CANCELED' },
  { weight: 5, value: 'TERMINATED' }
]
// A running session ends 20 s to 90 min after the instant it is planned
// from (the pinned instant for the seeded ones, its start for a spawned one).
const REMAINING_S = { min: 20, max: 5_400 }
// Messages it adds before it ends.
const MORE_MESSAGES = { min: 0, max: 16 }
// Sessions an agent starts per emulated hour, unless agents.json says.
const DEFAULT_SESSIONS_PER_HOUR = 4
// Agents start sessions only after the pinned instant: the seeded data is
// the world as it was then.
const SPAWN_ORIGIN_US = SEED_CLOCK_US
const HOUR_US = 3_600 * SECOND_US

const PLAN_STREAM = 0x706c616e // "plan"
const SPAWN_STREAM = 0x7370776e // "spwn"
const INSERT_PLAN_STREAM = 0x69706c6e // "ipln"

// What render needs: the counts at `as_of_us`, the final ones at `ends_us`.
interface Growth {
  as_of_us: number
  ends_us: number
  m0: number
  m1: number
  t0: Record<string, unknown> | null
  t1: Record<string, unknown> | null
}

interface Tokens { input_tokens: number, output_tokens: number, total_tokens: number }

// The token usage of a session whose messages grow: drawn (makeSession and
// drawLifecycle), so always these three numbers. (An inserted session's
// counts never grow: its own token_usage, of any shape, is kept as given.)
const tokensOf = (usage: Record<string, unknown> | null): Tokens => usage as unknown as Tokens

const withTotal = ({ input_tokens: input, output_tokens: output }: Tokens): Tokens =>
  ({ input_tokens: input, output_tokens: output, total_tokens: input + output })

const lifecycleOf = (running: SessionRecord, final: SessionRecord, asOfUs: number): SessionLifecycle => {
  const growth: Growth = {
    as_of_us: asOfUs,
    ends_us: final.end_us!,
    m0: running.messages_count,
    m1: final.messages_count,
    t0: running.token_usage,
    t1: final.token_usage
  }
  return { final, plan: JSON.stringify(growth) }
}

// A running session's planned end, outcome and final counts and result, the
// draws in one order whatever the outcome. Messages added while it runs each
// add tokens like the seeded ones do.
const drawLifecycle = (faker: Faker, running: SessionRecord, asOfUs: number): SessionLifecycle => {
  const outcome = faker.helpers.weightedArrayElement(OUTCOME_WEIGHTS as Array<{ weight: number, value: Outcome }>)
  const endsUs = asOfUs + faker.number.int(REMAINING_S) * SECOND_US + micros(faker)
  const more = faker.number.int(MORE_MESSAGES)
  const perInput = faker.number.int({ min: 150, max: 1_800 })
  const perOutput = faker.number.int({ min: 40, max: 600 })
  const messages = running.messages_count + more
  const t0 = tokensOf(running.token_usage)
  const final: SessionRecord = {
    ...running,
    status: outcome,
    end_us: endsUs,
    messages_count: messages,
    // A running session has a message (and so tokens) from its start.
    token_usage: { ...withTotal({ input_tokens: t0.input_tokens + more * perInput, output_tokens: t0.output_tokens + more * perOutput, total_tokens: 0 }) },
    result: makeResult(faker, outcome)
  }
  return lifecycleOf(running, final, asOfUs)
}

// The seeded dataset's generated sessions, in generateSessions' order: each
// running one with its lifecycle, from its index among its agent's.
export const planGenerated = (sessions: readonly SessionRecord[], seed: number): PlannedSession[] => {
  const plan = makePlanner(seed)
  const indexes = new Map<string, number>()
  return sessions.map((s) => {
    const index = indexes.get(s.agent_id) ?? 0
    indexes.set(s.agent_id, index + 1)
    return plan(s, index)
  })
}

// One generated session planned from its index among its agent's: what
// planGenerated does for each, for a caller that generates them one at a
// time (src/seed/seed-rows.ts). One faker instance, reseeded per running
// session, and the agent's stream number computed once per agent.
export const makePlanner = (seed: number): ((s: SessionRecord, index: number) => PlannedSession) => {
  const faker = newFastFaker()
  let agentId: string | null = null
  let agentHash = 0
  return (s, index) => {
    if (s.status !== 'RUNNING') return s
    if (s.agent_id !== agentId) {
      agentId = s.agent_id
      agentHash = fnv1a(agentId)
    }
    faker.seed([seed, agentHash, PLAN_STREAM, index])
    return { ...s, lifecycle: drawLifecycle(faker, s, SEED_CLOCK_US) }
  }
}

// A session inserted as running with its planned end and outcome: it keeps
// its counts, and ends with the given result or one drawn for the outcome.
export const planInserted = (seed: number, agentId: string, index: number, running: SessionRecord,
  endsUs: number, outcome: Outcome, resultGiven: boolean): PlannedSession => {
  const faker = newFaker()
  faker.seed([seed, fnv1a(agentId), INSERT_PLAN_STREAM, index])
  const result = makeResult(faker, outcome)
  const final: SessionRecord = { ...running, status: outcome, end_us: endsUs, result: resultGiven ? running.result : result }
  return { ...running, lifecycle: lifecycleOf(running, final, endsUs) }
}

// The session a stored one is at `nowUs`, as List Sessions sends it: the
// ended one once its planned end has passed.
export const storedAt = (s: PlannedSession, nowUs: number, stored: StoredSession): StoredSession =>
  s.lifecycle !== undefined && s.lifecycle.final.end_us! <= nowUs ? toStoredSession(s.lifecycle.final) : stored

// An agent's rate as a slot length: spawned session k starts inside slot k,
// (origin + k * period, origin + (k + 1) * period), so an agent starts one
// session per period, at a drawn point of it.
const periodUs = (perHour: number): number => Math.round(HOUR_US / perHour)

const rateOf = (agent: FixtureAgent): number => agent.sessions_per_hour ?? DEFAULT_SESSIONS_PER_HOUR

// The sessions an agent starts after `fromUs` and up to `toUs`. Session k
// runs from its start, with one message, and a lifecycle planned from its
// start; its start is its stream's first draw, so a slot whose session
// falls outside the range costs a seed and one draw (a live clock reads the
// current slot on every request). `faker` is reseeded for each: one
// instance serves many, as creating one costs far more than drawing.
const spawnedBetween = (faker: Faker, seed: number, agent: FixtureAgent, fromUs: number, toUs: number): PlannedSession[] => {
  const rate = rateOf(agent)
  if (rate === 0 || toUs <= SPAWN_ORIGIN_US) return []
  const period = periodUs(rate)
  const first = Math.max(0, Math.floor((fromUs - SPAWN_ORIGIN_US) / period))
  const last = Math.floor((toUs - SPAWN_ORIGIN_US) / period)
  const sessions: PlannedSession[] = []
  for (let k = first; k <= last; k++) {
    faker.seed([seed, fnv1a(agent.agent_id), SPAWN_STREAM, k])
    const startUs = SPAWN_ORIGIN_US + k * period + faker.number.int({ min: 1, max: period - 1 })
    if (startUs <= fromUs || startUs > toUs) continue
    const running = makeSession(faker, toAgentRecord(agent) as AgentRecord, { status: 'RUNNING', start_us: startUs, messages_count: 1 })
    sessions.push({ ...running, spawn_index: k, lifecycle: drawLifecycle(faker, running, startUs) })
  }
  return sessions
}

// A running session's JSON at `nowUs`: its messages grow from m0 at as_of
// to m1 at its end, one at a time, and its tokens with them; the stored
// bytes themselves until the first message is added (so a pinned clock
// serves them unchanged).
const renderRunning = (json: string, plan: string, nowUs: number): string => {
  const g = JSON.parse(plan) as Growth
  if (g.m1 === g.m0 || nowUs <= g.as_of_us) return json
  const added = Math.min(g.m1 - g.m0, Math.floor((g.m1 - g.m0) * (nowUs - g.as_of_us) / (g.ends_us - g.as_of_us)))
  if (added === 0) return json
  const share = added / (g.m1 - g.m0)
  const [t0, t1] = [tokensOf(g.t0), tokensOf(g.t1)]
  const session = JSON.parse(json) as StoredSession
  session.messages_count = g.m0 + added
  session.token_usage = {
    ...withTotal({
      input_tokens: t0.input_tokens + Math.round((t1.input_tokens - t0.input_tokens) * share),
      output_tokens: t0.output_tokens + Math.round((t1.output_tokens - t0.output_tokens) * share),
      total_tokens: 0
    })
  }
  return serializeSession(session)
}

export interface LiveSessions {
  // Brings the table to the clock's now; answers that instant.
  sync: () => number
  // After a reset: the data and the clock as right after start, the start seed.
  reset: (seed: number) => void
  // After a reseed: the agents' sessions from their start, drawn from `seed`.
  reseeded: (seed: number) => void
}

// Attaches the clock to the store, and brings a table written at another
// instant (a --db file) to the clock's: the sessions planned to end after
// it run again, and those agents started after it go.
export const makeLiveSessions = (store: SessionsStore, clock: Clock, agents: readonly FixtureAgent[], startSeed: number): LiveSessions => {
  let seed = startSeed
  // The instant the table is at, or null when it changed since.
  let syncedUs: number | null = null
  // Agents' sessions up to this instant are in the table.
  let spawnedUs = SPAWN_ORIGIN_US
  // Made at the first spawned session (src/seed/english-faker.ts).
  let faker: Faker | undefined
  const sync = (): number => {
    const nowUs = clock.nowUs()
    if (nowUs === syncedUs) return nowUs
    if (nowUs > spawnedUs) {
      const fromUs = spawnedUs
      spawnedUs = nowUs
      const spawner = (faker ??= newFaker())
      const started = agents.flatMap((agent) => spawnedBetween(spawner, seed, agent, fromUs, nowUs))
      if (started.length > 0) store.insertSpawned(started)
    }
    store.finishDue(nowUs)
    syncedUs = nowUs
    return nowUs
  }
  store.rewindTo(clock.nowUs())
  store.attachLifecycle({ sync, render: renderRunning, changed: () => { syncedUs = null } })
  sync()
  return {
    sync,
    // The snapshot was taken a moment after start (with a live clock, a
    // little later than the instant the clock goes back to): rewound to it.
    reset: (value) => {
      clock.reset()
      seed = value
      const nowUs = clock.nowUs()
      store.rewindTo(nowUs)
      spawnedUs = Math.max(nowUs, SPAWN_ORIGIN_US)
      syncedUs = null
    },
    reseeded: (value) => {
      seed = value
      spawnedUs = SPAWN_ORIGIN_US
      syncedUs = null
    }
  }
}
