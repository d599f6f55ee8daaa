// The shapes derived from the contract's SessionSummary (src/schemas/list-sessions.ts),
// so that a field is declared once: the records the store keeps, the agents,
// and the sessions given to the emulator (fixture files, the control API's POST).
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox'
import { ListSessionsParamsSchema, SESSION_STATUSES, SessionSummarySchema } from './list-sessions.js'

// The five statuses, where the emulator checks them (the contract's status is a string).
export const SessionStatusSchema = Type.Union(SESSION_STATUSES.map((s) => Type.Literal(s)))

type SessionProperties = typeof SessionSummarySchema.properties

// SessionSummary with the emulator's own rules on some fields, for sessions
// it is given. Replaced in place, so the keys keep the contract's order: the
// order fields are checked in, and so which error a record reports first.
// (The contract's date-time format is not among them: TypeBox checks no
// format it does not know, and the times are parsed after the check.)
export const refineSession = <R extends TProperties>(rules: R): TObject<Omit<SessionProperties, keyof R> & R> =>
  Type.Object({ ...SessionSummarySchema.properties, ...rules } as Omit<SessionProperties, keyof R> & R)

// An agent as the store keeps it: its id, and the name and version its sessions default to.
export const AgentRecordSchema = Type.Composite([
  ListSessionsParamsSchema,
  Type.Required(Type.Pick(SessionSummarySchema, ['agent_name', 'agent_version']))
])
export type AgentRecord = Static<typeof AgentRecordSchema>

export const AgentSummarySchema = Type.Composite([
  AgentRecordSchema,
  Type.Object({ sessions_count: Type.Integer({ minimum: 0 }) })
], { title: 'AgentSummary' })
export type AgentSummary = Static<typeof AgentSummarySchema>

// A session as the store keeps it: every field of the contract present (as
// the real service sends them, §9), its agent, and the times as microseconds
// since the epoch.
export const SessionRecordSchema = Type.Composite([
  Type.Pick(AgentRecordSchema, ['agent_id']),
  Type.Required(Type.Omit(SessionSummarySchema, ['start_time', 'end_time'])),
  Type.Object({ start_us: Type.Integer(), end_us: Type.Union([Type.Integer(), Type.Null()]) })
])
export type SessionRecord = Static<typeof SessionRecordSchema>
