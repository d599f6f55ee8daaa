// Generated sessions: a seeded faker instance (never the global one) against a
// pinned clock, so one seed gives the same bytes on every machine and start.
// Each agent draws from its own stream (seed + agent_id), so adding an agent
// to the fixtures does not change the sessions of the others.
import type { Faker, Randomizer } from '@faker-js/faker'
import type { SessionStatus } from '../schemas/list-sessions.js'
import type { AgentRecord, SessionRecord } from '../schemas/records.js'
import { englishTemplate } from './english-faker.js'
import type { FixtureAgent } from './fixtures.js'

// The pinned clock: every generated session lies before this instant.
export const SEED_CLOCK_US = Date.UTC(2026, 10, 20, 12, 0, 0) * 1000

export const SECOND_US = 1_000_000

// A fresh instance with the English definitions (en + base): the same stream as
// `new Faker({ locale: [en, base] })`, never the shared global instance. A
// randomizer given draws the same numbers as faker's own, faster
// (src/seed/fast-faker.ts).
type FakerClass = new (options: { locale: Faker['rawDefinitions'], randomizer?: Randomizer }) => Faker
export const newFaker = (randomizer?: Randomizer): Faker => {
  const template = englishTemplate()
  return new (template.constructor as FakerClass)({ locale: template.rawDefinitions, randomizer })
}

// FNV-1a: a stable 32-bit number from an agent id, for the per-agent stream.
export const fnv1a = (text: string): number => {
  let h = 0x811c9dc5
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

const STATUS_WEIGHTS: ReadonlyArray<{ weight: number, value: SessionStatus }> = [
  { weight: 55, value: 'COMPLETED' },
  { weight: 12, value: 'FAILED' },
  { weight: 10, value: 'RUNNING' },
  { weight: 13, value: 'CANCELED' },
  { weight: 10, value: 'TERMINATED' }
]

const FAILURES = [
  { code: 'tool_timeout', message: 'Tool call exceeded its 30 s timeout' },
  { code: 'rate_limited', message: 'Model provider rate limit reached' },
  { code: 'context_length_exceeded', message: 'Conversation exceeded the model context window' },
  { code: 'datasource_unavailable', message: 'Datasource did not answer' }
] as const

export const makeResult = (faker: Faker, status: SessionStatus): SessionRecord['result'] => {
  if (status === 'COMPLETED') {
    const items: SessionRecord['result'] = [{
      type: 'message',
      role: 'assistant',
      content: faker.lorem.sentences({ min: 1, max: 3 })
    }]
    if (faker.datatype.boolean({ probability: 0.4 })) {
      items.push({
        type: 'artifact',
        artifact_id: faker.string.uuid(),
        name: `${faker.system.commonFileName('pdf')}`,
        mime_type: 'application/pdf',
        size_bytes: faker.number.int({ min: 2_000, max: 4_000_000 })
      })
    }
    return items
  }
  if (status === 'FAILED') {
    const failure = faker.helpers.arrayElement(FAILURES)
    return [{ type: 'error', code: failure.code, message: failure.message }]
  }
  return []
}

// Whole-second timestamps are kept for about one session in ten, so both
// datetime forms (with and without microseconds, §9) appear in the data.
export const micros = (faker: Faker): number =>
  faker.datatype.boolean({ probability: 0.1 }) ? 0 : faker.number.int({ min: 1, max: 999_999 })

// Fields a caller fixes (the control API's POST); the others are drawn.
export type SessionOverrides = Partial<Omit<SessionRecord, 'agent_id'>>

// Every value is drawn, in the same order, whatever is overridden, so a
// given field never shifts the draws of the others; drawn values follow the
// overridden ones (a given status picks the time range, a given start time
// the end time, a given message count the token usage).
export const makeSession = (faker: Faker, agent: AgentRecord, given: SessionOverrides = {}): SessionRecord => {
  const drawnStatus = faker.helpers.weightedArrayElement(STATUS_WEIGHTS as Array<{ weight: number, value: SessionStatus }>)
  const status = given.status ?? drawnStatus
  const running = status === 'RUNNING'
  // Running sessions started in the last two hours; the others in the last 60 days.
  const ageUs = running
    ? faker.number.int({ min: 30, max: 7_200 }) * SECOND_US
    : faker.number.int({ min: 3_600, max: 60 * 86_400 }) * SECOND_US
  const drawnStartUs = SEED_CLOCK_US - ageUs - micros(faker)
  const durationUs = faker.number.int({ min: 4, max: 3_000 }) * SECOND_US + micros(faker)
  const givenEndUs = given.end_us ?? null
  const startUs = given.start_us ?? (givenEndUs === null ? drawnStartUs : givenEndUs - durationUs)
  // Drawn sessions end by the pinned clock; one that starts after it runs its duration.
  const endUs = given.end_us !== undefined
    ? given.end_us
    : running ? null : startUs < SEED_CLOCK_US ? Math.min(startUs + durationUs, SEED_CLOCK_US) : startUs + durationUs
  const earlyStop = status === 'CANCELED' && faker.datatype.boolean({ probability: 0.3 })
  const drawnMessages = earlyStop ? 0 : faker.number.int({ min: running ? 1 : 2, max: running ? 12 : 48 })
  const messages = given.messages_count ?? drawnMessages
  const input = messages * faker.number.int({ min: 150, max: 1_800 })
  const output = messages * faker.number.int({ min: 40, max: 600 })
  const sessionId = faker.string.uuid()
  const result = makeResult(faker, status as SessionStatus)
  return {
    agent_id: agent.agent_id,
    session_id: given.session_id ?? sessionId,
    status,
    start_us: startUs,
    end_us: endUs,
    agent_name: given.agent_name !== undefined ? given.agent_name : agent.agent_name,
    agent_version: given.agent_version !== undefined ? given.agent_version : agent.agent_version,
    messages_count: messages,
    token_usage: given.token_usage !== undefined
      ? given.token_usage
      : messages === 0 ? null : { input_tokens: input, output_tokens: output, total_tokens: input + output },
    result: given.result ?? result
  }
}

// `count` overrides every agent's generated_sessions when given.
export const generateSessions = (agents: readonly FixtureAgent[], seed: number, count?: number): SessionRecord[] => {
  const sessions: SessionRecord[] = []
  for (const agent of agents) {
    const faker = newFaker()
    faker.seed([seed, fnv1a(agent.agent_id)])
    const n = count ?? agent.generated_sessions
    for (let i = 0; i < n; i++) sessions.push(makeSession(faker, agent))
  }
  return sessions
}

// The stream of the control API's generated fields, apart from the seeded
// dataset's: record `index` of an agent is drawn from (seed, agent, index)
// alone, so it depends neither on other agents nor on what earlier records gave.
const INSERT_STREAM = 0x61646d6e // "admn"

export const makeSessionGenerator = (): ((seed: number, agent: AgentRecord, index: number, given: SessionOverrides) => SessionRecord) => {
  // One instance, reseeded per record: never the global faker. Made at the
  // first record, so that a start loads no faker (src/seed/english-faker.ts).
  let faker: Faker | undefined
  return (seed, agent, index, given) => {
    faker ??= newFaker()
    faker.seed([seed, fnv1a(agent.agent_id), INSERT_STREAM, index])
    return makeSession(faker, agent, given)
  }
}
