// The JSON the real service sends for List Sessions, driven by the contract's
// TypeBox schemas: fast-json-stringify compiled from SessionSummarySchema
// writes each session once, when it is stored (key order, nulls and defaults
// as pydantic writes them, §9); a page is then only those stored bytes in the
// SessionListResponse envelope, with no per-request parsing or serialization.
import fastJson from 'fast-json-stringify'
import { SessionSummarySchema, type StoredSession } from './list-sessions.js'

export const serializeSession: (session: StoredSession) => string = fastJson(SessionSummarySchema)

// SessionListResponseSchema's key order: data, then total.
export const sessionListBody = (sessions: readonly string[], total: number): string =>
  `{"data":[${sessions.join(',')}],"total":${total}}`
