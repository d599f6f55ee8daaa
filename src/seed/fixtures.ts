// Hand-written fixtures: fixtures/agents.json and fixtures/sessions.json.
// A record that does not fit stops startup with one line naming the file, the
// record and the field (the CLI exits 2 and serves nothing).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { AgentRecordSchema, refineSession, SessionStatusSchema, type AgentRecord, type SessionRecord } from '../schemas/records.js'
import { allowedBy, mostSpecific } from '../schemas/value-errors.js'
import { readSessionTime } from '../store/datetime.js'
import { StartupError } from '../errors.js'
import { ENDS_BEFORE_START, fieldMessage, LONE_SURROGATE, loneSurrogatePath, recordLabel } from './record-errors.js'

const NonEmptyString = Type.String({ minLength: 1 })
const NonNegativeInt = Type.Integer({ minimum: 0 })

export const FixtureAgentSchema = Type.Composite([
  Type.Object({ agent_id: Type.String({ minLength: 1, pattern: '^[^/]+$' }) }),
  Type.Omit(AgentRecordSchema, ['agent_id']),
  // How many sessions the seeded generator adds for this agent, and how many
  // it starts per emulated hour while the clock runs (README "Live sessions").
  Type.Object({
    generated_sessions: NonNegativeInt,
    sessions_per_hour: Type.Optional(Type.Number({ minimum: 0, maximum: 3_600 }))
  })
], { additionalProperties: false })
export type FixtureAgent = Static<typeof FixtureAgentSchema>

// A session in the SessionSummary shape plus its agent_id; the fields
// after end_time default to the agent's or the contract's defaults.
const FixtureFields = refineSession({
  session_id: NonEmptyString,
  status: SessionStatusSchema,
  start_time: NonEmptyString,
  end_time: Type.Union([NonEmptyString, Type.Null()]),
  messages_count: NonNegativeInt
})
const REQUIRED_FIELDS = ['session_id', 'status', 'start_time', 'end_time'] as const
export const FixtureSessionSchema = Type.Composite([
  Type.Object({ agent_id: NonEmptyString }),
  Type.Required(Type.Pick(FixtureFields, REQUIRED_FIELDS)),
  Type.Partial(Type.Omit(FixtureFields, REQUIRED_FIELDS))
], { additionalProperties: false })

export interface Fixtures {
  agents: FixtureAgent[]
  sessions: SessionRecord[]
}

const readJsonArray = (file: string, label: string): unknown[] => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new StartupError(`${label}: cannot read: ${String((err as NodeJS.ErrnoException).code)}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new StartupError(`${label}: not valid JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(parsed)) throw new StartupError(`${label}: expected a JSON array of records`)
  return parsed
}

const placeOf = (file: string, index: number, record: unknown, idKey: string): string =>
  `${file}: ${recordLabel(index, record, idKey)}`

const check = <T extends TSchema>(schema: T, record: unknown, place: string): Static<T> => {
  const first = Value.Errors(schema, record).First()
  if (first === undefined) {
    // §15: a string the real service could not send.
    const lone = loneSurrogatePath(record)
    if (lone !== null) throw fieldError(place, lone.join('.'), LONE_SURROGATE)
    return record as Static<T>
  }
  const error = mostSpecific(first)
  const field = error.path === '' ? '(record)' : error.path.slice(1).replace(/\//g, '.')
  throw fieldError(place, field, allowedBy(error) ?? error.message.toLowerCase())
}

const fieldError = (place: string, field: string, message: string): StartupError =>
  new StartupError(fieldMessage(place, field, message))

// A session time, or a StartupError naming the field.
const sessionTime = (place: string, field: string, text: string): number => {
  const us = readSessionTime(text)
  if (typeof us !== 'number') throw fieldError(place, field, us.problem)
  return us
}

export const loadFixtures = (dir: string): Fixtures => {
  const agentsLabel = join(dir, 'agents.json')
  const sessionsLabel = join(dir, 'sessions.json')
  const agents = readJsonArray(agentsLabel, agentsLabel).map((record, i) =>
    check(FixtureAgentSchema, record, placeOf(agentsLabel, i, record, 'agent_id')))
  const byId = new Map<string, FixtureAgent>()
  agents.forEach((agent, i) => {
    if (byId.has(agent.agent_id)) throw fieldError(placeOf(agentsLabel, i, agent, 'agent_id'), 'agent_id', 'duplicate agent_id')
    byId.set(agent.agent_id, agent)
  })

  const seen = new Set<string>()
  const sessions = readJsonArray(sessionsLabel, sessionsLabel).map((record, i): SessionRecord => {
    const place = placeOf(sessionsLabel, i, record, 'session_id')
    const s = check(FixtureSessionSchema, record, place)
    const agent = byId.get(s.agent_id)
    if (agent === undefined) throw fieldError(place, 'agent_id', `unknown agent "${s.agent_id}" (not in agents.json)`)
    if (seen.has(s.session_id)) throw fieldError(place, 'session_id', 'duplicate session_id')
    seen.add(s.session_id)
    const startUs = sessionTime(place, 'start_time', s.start_time)
    const endUs = s.end_time === null ? null : sessionTime(place, 'end_time', s.end_time)
    if (endUs !== null && endUs < startUs) throw fieldError(place, 'end_time', ENDS_BEFORE_START)
    return {
      agent_id: s.agent_id,
      session_id: s.session_id,
      status: s.status,
      start_us: startUs,
      end_us: endUs,
      agent_name: s.agent_name === undefined ? agent.agent_name : s.agent_name,
      agent_version: s.agent_version === undefined ? agent.agent_version : s.agent_version,
      messages_count: s.messages_count ?? 0,
      token_usage: s.token_usage ?? null,
      result: s.result ?? []
    }
  })
  return { agents, sessions }
}

// The record without the fixture-only generated_sessions count.
export const toAgentRecord = (agent: FixtureAgent): AgentRecord =>
  ({ agent_id: agent.agent_id, agent_name: agent.agent_name, agent_version: agent.agent_version })
