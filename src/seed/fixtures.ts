// Hand-written fixtures: fixtures/agents.json and fixtures/sessions.json.
// A record that does not fit stops startup with one line naming the file, the
// record and the field (the CLI exits 2 and serves nothing).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { SESSION_STATUSES } from '../schemas/list-sessions.js'
import { parseDateTimeMicros } from '../store/datetime.js'
import type { AgentRecord, SessionRecord } from '../store/sessions-store.js'

export class FixtureError extends Error {
  override name = 'FixtureError'
}

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
    throw new FixtureError(`${label}: cannot read: ${String((err as NodeJS.ErrnoException).code)}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new FixtureError(`${label}: not valid JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(parsed)) throw new FixtureError(`${label}: expected a JSON array of records`)
  return parsed
}

const recordLabel = (label: string, index: number, record: unknown, idKey: string): string => {
  const id = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[idKey] : undefined
  return typeof id === 'string' ? `${label}: record ${index} (${idKey} "${id}")` : `${label}: record ${index}`
}

const check = <T extends TSchema>(schema: T, record: unknown, where: string): Static<T> => {
  const [error] = Value.Errors(schema, record)
  if (error === undefined) return record as Static<T>
  const field = error.path === '' ? '(record)' : error.path.slice(1).replace(/\//g, '.')
  throw new FixtureError(`${where}: field "${field}": ${error.message.toLowerCase()}`)
}

const fieldError = (where: string, field: string, message: string): FixtureError =>
  new FixtureError(`${where}: field "${field}": ${message}`)

export const loadFixtures = (dir: string): Fixtures => {
  const agentsLabel = join(dir, 'agents.json')
  const sessionsLabel = join(dir, 'sessions.json')
  const agents = readJsonArray(agentsLabel, agentsLabel).map((record, i) =>
    check(FixtureAgentSchema, record, recordLabel(agentsLabel, i, record, 'agent_id')))
  const byId = new Map<string, FixtureAgent>()
  agents.forEach((agent, i) => {
    if (byId.has(agent.agent_id)) throw fieldError(recordLabel(agentsLabel, i, agent, 'agent_id'), 'agent_id', 'duplicate agent_id')
    byId.set(agent.agent_id, agent)
  })

  const seen = new Set<string>()
  const sessions = readJsonArray(sessionsLabel, sessionsLabel).map((record, i): SessionRecord => {
    const where = recordLabel(sessionsLabel, i, record, 'session_id')
    const s = check(FixtureSessionSchema, record, where)
    const agent = byId.get(s.agent_id)
    if (agent === undefined) throw fieldError(where, 'agent_id', `unknown agent "${s.agent_id}" (not in agents.json)`)
    if (seen.has(s.session_id)) throw fieldError(where, 'session_id', 'duplicate session_id')
    seen.add(s.session_id)
    const startUs = parseDateTimeMicros(s.start_time)
    if (startUs === null) throw fieldError(where, 'start_time', 'expected an RFC 3339 date-time with at most 6 fractional digits')
    const endUs = s.end_time === null ? null : parseDateTimeMicros(s.end_time)
    if (endUs === null && s.end_time !== null) throw fieldError(where, 'end_time', 'expected an RFC 3339 date-time with at most 6 fractional digits')
    if (endUs !== null && endUs < startUs) throw fieldError(where, 'end_time', 'ends before it starts')
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
