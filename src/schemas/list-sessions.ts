// The List Sessions contract as TypeBox schemas: the single source for request
// validation (through src/fastapi/query-validator.ts), 200 serialization
// (fast-json-stringify) and the served OpenAPI document. Each schema mirrors
// openapi/meibel-api-v2.list-sessions.yaml, property order included, because
// the property order is the key order of the JSON the real service sends (§9).
import { Kind, Type, TypeRegistry, type Static } from '@sinclair/typebox'

export const SESSION_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED'] as const
export type SessionStatus = (typeof SESSION_STATUSES)[number]
export const SORT_FIELDS = ['start_time', 'status'] as const

export const ListSessionsParamsSchema = Type.Object({
  agent_id: Type.String({ title: 'Agent Id' })
})

const OFFSET_DESCRIPTION = 'Number of items to skip'
const LIMIT_DESCRIPTION = 'Maximum number of items to return'
const SORT_BY_DESCRIPTION = 'Field to sort by: start_time, status'
const SORT_ORDER_DESCRIPTION = 'Sort order: asc or desc'
const STATUS_DESCRIPTION = 'Filter by execution status: RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED'
const SORT_ORDER_PATTERN = '^(asc|desc)$'

// Declaration order is validation order and so the order of 422 entries (§6).
export const ListSessionsQuerySchema = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, description: OFFSET_DESCRIPTION, default: 0, title: 'Offset' })),
  limit: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: LIMIT_DESCRIPTION, title: 'Limit'
  })),
  sort_by: Type.Optional(Type.String({ description: SORT_BY_DESCRIPTION, default: 'start_time', title: 'Sort By' })),
  sort_order: Type.Optional(Type.String({
    pattern: SORT_ORDER_PATTERN, description: SORT_ORDER_DESCRIPTION, default: 'desc', title: 'Sort Order'
  })),
  status: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: STATUS_DESCRIPTION, title: 'Status' }))
})
export type ListSessionsQuery = Static<typeof ListSessionsQuerySchema>

// `additionalProperties: true` objects: free-form JSON, exactly as the spec
// writes them (Type.Object would add an empty `properties` to the served
// document). The one definition for the contract, the control API and the
// fixtures: a kind of its own, registered with TypeBox so that its Value
// checks it (any object, not an array) where sessions are given.
const FREE_FORM_OBJECT = 'FreeFormObject'
TypeRegistry.Set(FREE_FORM_OBJECT, (_schema, value) => typeof value === 'object' && value !== null && !Array.isArray(value))
const FreeFormObject = Type.Unsafe<Record<string, unknown>>({ [Kind]: FREE_FORM_OBJECT, type: 'object', additionalProperties: true })

export const SessionSummarySchema = Type.Object({
  session_id: Type.String({ title: 'Session Id' }),
  status: Type.String({ title: 'Status' }),
  start_time: Type.String({ format: 'date-time', title: 'Start Time' }),
  end_time: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { title: 'End Time' })),
  agent_name: Type.Optional(Type.Union([Type.String(), Type.Null()], { title: 'Agent Name' })),
  agent_version: Type.Optional(Type.Union([Type.String(), Type.Null()], { title: 'Agent Version' })),
  messages_count: Type.Optional(Type.Integer({ title: 'Messages Count', default: 0 })),
  token_usage: Type.Optional(Type.Union([FreeFormObject, Type.Null()], { title: 'Token Usage' })),
  result: Type.Optional(Type.Array(FreeFormObject, { title: 'Result', default: [] }))
}, { $id: 'SessionSummary', title: 'SessionSummary' })
type SessionSummary = Static<typeof SessionSummarySchema>

export const SessionListResponseSchema = Type.Object({
  data: Type.Array(Type.Ref(SessionSummarySchema), { title: 'Data' }),
  total: Type.Integer({ title: 'Total' })
}, { $id: 'SessionListResponse', title: 'SessionListResponse' })

// A session as the emulator stores and sends it: the contract's type with
// every field present, as the real service serializes them (nulls and
// defaults included, §9).
export type StoredSession = Required<SessionSummary>

export const ValidationErrorSchema = Type.Object({
  loc: Type.Array(Type.Union([Type.String(), Type.Integer()]), { title: 'Location' }),
  msg: Type.String({ title: 'Message' }),
  type: Type.String({ title: 'Error Type' }),
  input: Type.Optional(Type.Unknown({ title: 'Input' })),
  ctx: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', title: 'Context' }))
}, { $id: 'ValidationError', title: 'ValidationError' })

export const HTTPValidationErrorSchema = Type.Object({
  detail: Type.Optional(Type.Array(Type.Ref(ValidationErrorSchema), { title: 'Detail' }))
}, { $id: 'HTTPValidationError', title: 'HTTPValidationError' })
