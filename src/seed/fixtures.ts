// Hand-written fixtures: fixtures/agents.json and fixtures/sessions.json.
// A record that does not fit stops startup with one line naming the file, the
// record and the field (the CLI exits 2 and serves nothing).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { SESSION_STATUSES } from '../schemas/list-sessions.js'
import { readSessionTime } from '../store/datetime.js'
import { StartupError } from '../errors.js'
import { ENDS_BEFORE_START, fieldMessage, recordLabel } from './record-errors.js'
import type { AgentRecord, SessionRecord } from '../store/sessions-store.js'

const FreeFormObject = Type.Object({}, { additionalProperties: true })
const NonNegativeInt = Type.Integer({ minimum: 0 })

export const FixtureAgentSchema = Type.Object({
  agent_id: Type.String({ minLength: 1, pattern: '^[^/]+$' }),
  agent_name: Type.Union([Type.String(), Type.Null()]),
  agent_version: Type.Union([Type.String(), Type.Null()]),
  // How many sessions the seeded generator adds for this agent.
  generated_sessions: NonNegativeInt
}, { additionalProperties: false })
export type FixtureAgent = Static<typeof FixtureAgentSchema>

export const FixtureSessionSchema = Type.Object({
  agent_id: Type.String({ minLength: 1 }),
  session_id: Type.String({ minLength: 1 }),
  status: Type.Union(SESSION_STATUSES.map((s) => Type.Literal(s))),
  start_time: Type.String({ minLength: 1 }),
  end_time: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  agent_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  agent_version: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  messages_count: Type.Optional(NonNegativeInt),
  token_usage: Type.Optional(Type.Union([FreeFormObject, Type.Null()])),
  result: Type.Optional(Type.Array(FreeFormObject))
}, { additionalProperties: false })
export type FixtureSession = Static<typeof FixtureSessionSchema>

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
  const [error] = Value.Errors(schema, record)
  if (error === undefined) return record as Static<T>
  const field = error.path === '' ? '(record)' : error.path.slice(1).replace(/\//g, '.')
  throw fieldError(place, field, error.message.toLowerCase())
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

export const toAgentRecord = ({ agent_id, agent_name, agent_version }: FixtureAgent): AgentRecord =>
  ({ agent_id, agent_name, agent_version })
