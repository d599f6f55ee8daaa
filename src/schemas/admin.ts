// The control API's schemas (src/admin/): the single source for its body,
// path and query validation (src/admin/validation.ts), the serialization of
// its answers (fast-json-stringify, through the routes' response schemas) and
// its own OpenAPI document at /__admin/openapi.json (src/admin/plugin.ts).
// None of them is part of the emulated API or its document.
import { Type, type Static } from '@sinclair/typebox'
import { SessionSummarySchema } from './list-sessions.js'
import { AgentSummarySchema, refineSession, SessionStatusSchema } from './records.js'

// The statuses a running session can end with.
const OUTCOMES = ['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED'] as const

const DATE_TIME = 'RFC 3339 date-time with at most 6 fractional digits, e.g. 2026-11-20T10:15:30.123456Z'

// Inline in each route's responses, not a shared schema (addSchema): the
// emulated API's document lists every shared schema, from any scope.
export const ErrorSchema = Type.Object({
  detail: Type.String()
}, { $id: 'AdminError', title: 'AdminError', description: 'What was wrong' })

export const DeletedSchema = Type.Object({
  deleted: Type.Integer({ minimum: 0, description: 'How many were deleted' })
}, { title: 'Deleted' })

// --- Data -------------------------------------------------------------------

const MAX_SESSIONS_PER_INSERT = 10_000
// Also the bound of --sessions-per-agent (src/config.ts).
export const MAX_SESSIONS_PER_AGENT = 1_000_000

export const AgentParamsSchema = Type.Object({
  agent_id: Type.String({ minLength: 1, description: 'Created by POST when unknown' })
})
export const SessionParamsSchema = Type.Object({
  agent_id: Type.String({ minLength: 1 }),
  session_id: Type.String({ minLength: 1 })
})

// A session in the SessionSummary shape; every field left out is generated
// from the current seed, consistent with the given ones.
const { agent_name: agentName, agent_version: agentVersion } = SessionSummarySchema.properties
export const SessionInputSchema = Type.Partial(refineSession({
  session_id: Type.String({ minLength: 1, description: 'Unique across all agents' }),
  status: SessionStatusSchema,
  start_time: Type.String({ description: DATE_TIME }),
  end_time: Type.Union([Type.String(), Type.Null()], { description: `${DATE_TIME}, not before start_time; null while running` }),
  // The contract's variants, with their own description (a spread of the
  // contract's schema would carry TypeBox's symbols, which declarations cannot name).
  agent_name: Type.Union(agentName.anyOf, { title: agentName.title, description: "Default: the agent's" }),
  agent_version: Type.Union(agentVersion.anyOf, { title: agentVersion.title, description: "Default: the agent's" }),
  messages_count: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  // Not part of SessionSummary: kept by the emulator, never sent back.
  lifecycle: Type.Object({
    ends_at: Type.String({ description: `${DATE_TIME}: when the emulator clock ends it, not before start_time` }),
    outcome: Type.Union(OUTCOMES.map((s) => Type.Literal(s)), { description: 'The status it ends with' })
  }, {
    additionalProperties: false,
    title: 'SessionLifecycle',
    description: 'For a RUNNING session (the default status with it): it ends by itself, with this outcome, when the clock passes ends_at; ' +
      'without it a running session runs until deleted'
  })
}), { additionalProperties: false, title: 'SessionInput' })
export type SessionInput = Static<typeof SessionInputSchema>

export const InsertSessionsBodySchema = Type.Union([
  SessionInputSchema,
  Type.Array(SessionInputSchema, { maxItems: MAX_SESSIONS_PER_INSERT })
], { description: 'One session, or a list inserted all or nothing' })

const SessionSummaryRef = Type.Ref(SessionSummarySchema)
export const InsertSessionsResponseSchema = Type.Union([SessionSummaryRef, Type.Array(SessionSummaryRef)], {
  description: 'The stored sessions as List Sessions sends them: one, or a list in the order given'
})

export const AgentListSchema = Type.Object({
  data: Type.Array(AgentSummarySchema),
  total: Type.Integer({ minimum: 0 })
}, { title: 'AgentList', description: 'Every agent, by agent_id' })

export const SeedBodySchema = Type.Object({
  seed: Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 }),
  sessions_per_agent: Type.Optional(Type.Integer({
    minimum: 0, maximum: MAX_SESSIONS_PER_AGENT, description: "Generated sessions per agent; default: each fixture agent's generated_sessions"
  }))
}, { additionalProperties: false, title: 'SeedRequest' })

// --- Versions ---------------------------------------------------------------

export const VersionSchema = Type.Object({
  emulator: Type.String({ description: "meibel-mock's version (its package.json)" }),
  contract: Type.String({ description: 'The version of the Meibel AI API contract it emulates (info.version of its OpenAPI document)' }),
  seed: Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1, description: 'The seed generated fields are drawn from now (POST /seed changes it, POST /reset restores the start\'s)' })
}, { title: 'Version', description: 'Which emulator and which contract answer' })
// --- Clock ------------------------------------------------------------------

const ClockModeSchema = Type.Union([Type.Literal('pinned'), Type.Literal('live')])
// The fastest a live clock runs (--clock-speed and POST /clock).
export const MAX_CLOCK_SPEED = 1_000_000

export const ClockSchema = Type.Object({
  now: Type.String({ description: 'The emulator instant, as pydantic writes a datetime' }),
  mode: ClockModeSchema,
  speed: Type.Number({ description: 'Emulated seconds per real second while live' })
}, { title: 'Clock', description: 'The emulator clock' })

export const ClockBodySchema = Type.Object({
  set: Type.Optional(Type.String({ description: `${DATE_TIME}; never before now (409)` })),
  advance: Type.Optional(Type.String({ description: 'An ISO 8601 duration such as PT10M or P1DT2H30.5S (days, hours, minutes, seconds; weeks alone)' })),
  advance_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 * 365 * 86_400_000, description: 'Milliseconds to advance' })),
  speed: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_CLOCK_SPEED })),
  mode: Type.Optional(ClockModeSchema)
}, {
  additionalProperties: false,
  title: 'ClockChange',
  description: 'Applied in this order: set, advance, advance_ms, speed, mode. Whatever happens in the time skipped happens: sessions end and agents start new ones.'
})
export type ClockBody = Static<typeof ClockBodySchema>

// --- Request journal --------------------------------------------------------

export const JournalQuerySchema = Type.Object({
  agent_id: Type.Optional(Type.String({ description: 'Only requests for this agent' })),
  status: Type.Optional(Type.String({ pattern: '^[1-5]([0-9]{2}|xx)$', description: 'A status code (503) or class (5xx)' })),
  since: Type.Optional(Type.String({ description: `Received at or after this ${DATE_TIME}` })),
  until: Type.Optional(Type.String({ description: `Received at or before this ${DATE_TIME}` })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Only the last N matching requests' }))
})

const JournalEntrySchema = Type.Object({
  id: Type.Integer({ minimum: 1, description: 'Sequence number, increasing' }),
  time: Type.String({ description: 'When the request arrived (RFC 3339, milliseconds)' }),
  method: Type.String(),
  path: Type.String({ description: 'As sent, without the query string' }),
  agent_id: Type.Union([Type.String(), Type.Null()], { description: 'Decoded; null when the path names no agent' }),
  query: Type.Record(Type.String(), Type.String(), { description: 'As FastAPI parses it (the last duplicate wins)' }),
  headers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), {
    description: 'Lower-case names; Meibel-API-Key and Authorization masked'
  }),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'null when a fault dropped the connection' }),
  latency_ms: Type.Number({ minimum: 0 }),
  fault: Type.Union([Type.String(), Type.Null()], { description: 'The fault rule id, "prefer" for a Prefer header, or null' })
}, { title: 'JournalEntry' })

export const JournalListSchema = Type.Object({
  data: Type.Array(JournalEntrySchema, { description: 'Oldest first' }),
  total: Type.Integer({ minimum: 0, description: 'Matching entries, before limit' })
}, { title: 'JournalList' })

// --- Faults -----------------------------------------------------------------

export const MAX_DELAY_MS = 600_000
export const MAX_FAULT_TIMES = 1_000_000
const DelayMs = Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS })
// Node refuses other characters in header names and values.
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
const HEADER_VALUE = '^[\\t\\x20-\\x7e\\x80-\\xff]*$'

const FaultMatchSchema = Type.Object({
  agent_id: Type.Optional(Type.String({ description: 'The decoded agent_id; default: any' })),
  query: Type.Optional(Type.Record(Type.String(), Type.String(), {
    description: 'Query params that must have exactly these values, as FastAPI parses them'
  }))
}, { additionalProperties: false, title: 'FaultMatch' })

export const FaultRuleInputSchema = Type.Object({
  match: FaultMatchSchema,
  status: Type.Optional(Type.Integer({ minimum: 200, maximum: 599, description: 'Default: 200 with a body, else the normal answer' })),
  headers: Type.Optional(Type.Record(Type.String({ pattern: HEADER_NAME }), Type.String({ pattern: HEADER_VALUE }), {
    additionalProperties: false, description: 'Added to the answer (the fault one or the normal one)'
  })),
  body: Type.Optional(Type.Unknown({
    description: 'Sent as JSON; a string is sent as is when headers set a non-JSON Content-Type. Default with status: FastAPI\'s {"detail":"<status phrase>"}'
  })),
  delay_ms: Type.Optional(Type.Union([DelayMs, Type.Tuple([DelayMs, DelayMs])], {
    description: 'Milliseconds, or [min, max] drawn from the seed for each request'
  })),
  drop: Type.Optional(Type.Boolean({ description: 'Close the connection without an answer (after delay_ms)' })),
  times: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FAULT_TIMES, description: 'Only the next N matching requests; default: all' }))
}, { additionalProperties: false, title: 'FaultRuleInput' })
export type FaultRuleInput = Static<typeof FaultRuleInputSchema>

// fast-json-stringify writes an object's required properties before its
// optional ones, and a rule's body, absent when FastAPI's body for the status
// applies, sits in the middle: so a rule is one of two objects with only
// required properties, with its body or without.
const FaultRuleWithBodySchema = Type.Object({
  id: Type.String(),
  match: FaultMatchSchema,
  status: Type.Union([Type.Integer(), Type.Null()]),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.Unknown(),
  delay_ms: Type.Union([DelayMs, Type.Tuple([DelayMs, DelayMs]), Type.Null()]),
  drop: Type.Boolean(),
  times: Type.Union([Type.Integer(), Type.Null()]),
  hits: Type.Integer({ minimum: 0, description: 'Requests it applied to' }),
  remaining: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'null: unlimited; 0: used up, no longer applies' })
}, { title: 'FaultRuleWithBody' })
export const FaultRuleSchema = Type.Union([
  FaultRuleWithBodySchema,
  Type.Omit(FaultRuleWithBodySchema, ['body'], { title: 'FaultRuleWithoutBody' })
], { title: 'FaultRule', description: 'Without a body: FastAPI\'s body for the status' })

export const FaultListSchema = Type.Object({
  data: Type.Array(FaultRuleSchema, { description: 'In the order they are tried' }),
  total: Type.Integer({ minimum: 0 })
}, { title: 'FaultList' })

export const FaultParamsSchema = Type.Object({ id: Type.String() })
