// A typed client of the control API (/__admin), for test suites: `mock.admin`
// of a started instance, or createAdminClient(url) for one started elsewhere
// (a container). Its types are the control API's own TypeBox schemas
// (src/schemas/admin.ts) through Static<>, imported as types only, so this
// module loads nothing but global fetch (Node 20) and can be used without the
// emulator's dependencies.
import type { Static } from '@sinclair/typebox'
import type {
  AgentListSchema, ClockBodySchema, ClockSchema, DeletedSchema, FaultListSchema, FaultRuleInputSchema, FaultRuleSchema, JournalListSchema,
  JournalQuerySchema, SeedBodySchema, SessionInputSchema, VersionSchema
} from './schemas/admin.js'
import type { SessionSummarySchema } from './schemas/list-sessions.js'

// Mirrors ADMIN_PREFIX of src/admin/plugin.ts, which this module may not import
// (only src/server.ts reaches into src/admin/); test/admin-client.test.ts
// checks that the two agree.
export const ADMIN_PATH = '/__admin'

export type AgentList = Static<typeof AgentListSchema>
export type Deleted = Static<typeof DeletedSchema>
export type SeedBody = Static<typeof SeedBodySchema>
export type SessionInput = Static<typeof SessionInputSchema>
export type SessionSummary = Static<typeof SessionSummarySchema>
export type JournalList = Static<typeof JournalListSchema>
export type JournalQuery = Static<typeof JournalQuerySchema>
// since and until also as Date objects, sent as their ISO strings.
export type RequestsQuery = Omit<JournalQuery, 'since' | 'until'> & {
  since?: JournalQuery['since'] | Date
  until?: JournalQuery['until'] | Date
}
export type FaultRuleInput = Static<typeof FaultRuleInputSchema>
export type FaultRule = Static<typeof FaultRuleSchema>
export type FaultList = Static<typeof FaultListSchema>
export type Version = Static<typeof VersionSchema>
export type Clock = Static<typeof ClockSchema>
export type ClockChange = Static<typeof ClockBodySchema>

export interface AdminClient {
  // Back to the state right after start; also clears fault rules and the journal.
  reset: () => Promise<AgentList>
  // Regenerates the dataset from another seed.
  seed: (body: SeedBody) => Promise<AgentList>
  agents: () => Promise<AgentList>
  sessions: {
    // One session or a list (all or nothing); fields left out are generated.
    insert: {
      (agentId: string, session: SessionInput): Promise<SessionSummary>
      (agentId: string, sessions: SessionInput[]): Promise<SessionSummary[]>
    }
    // Every session of the agent, or the one named.
    delete: (agentId: string, sessionId?: string) => Promise<Deleted>
  }
  // The journal of requests to /v2, oldest first.
  requests: (query?: RequestsQuery) => Promise<JournalList>
  clearRequests: () => Promise<Deleted>
  faults: {
    add: (rule: FaultRuleInput) => Promise<FaultRule>
    list: () => Promise<FaultList>
    clear: () => Promise<Deleted>
    remove: (id: string) => Promise<Deleted>
  }
  // The emulator's version, the contract's and the current seed.
  version: () => Promise<Version>
  // The emulator clock; with a change (advance, set, speed, mode), moves it first.
  clock: (change?: ClockChange) => Promise<Clock>
}

export interface AdminClientOptions {
  // MEIBEL_MOCK_ADMIN_TOKEN of the instance, sent as `Authorization: Bearer <token>`.
  token?: string | null
}

// A control call that got a 4xx or 5xx answer: its status and the `detail`
// of the body (the body as text when it has none).
export class AdminClientError extends Error {
  override name = 'AdminClientError'
  readonly status: number
  readonly detail: string
  constructor (method: string, path: string, status: number, detail: string) {
    super(`${method} ${path}: ${status} ${detail}`)
    this.status = status
    this.detail = detail
  }
}

const detailOf = (text: string): string => {
  try {
    const body: unknown = JSON.parse(text)
    if (typeof body === 'object' && body !== null && typeof (body as { detail?: unknown }).detail === 'string') {
      return (body as { detail: string }).detail
    }
  } catch {}
  return text
}

const queryString = (query: RequestsQuery): string => {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue
    params.set(name, value instanceof Date ? value.toISOString() : String(value))
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

// `url` is the instance's root (http://localhost:8000), not its /v2 base URL.
export const createAdminClient = (url: string | URL, { token = null }: AdminClientOptions = {}): AdminClient => {
  const root = String(url).replace(/\/+$/, '')
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token !== null) headers.authorization = `Bearer ${token}`
    const res = await fetch(`${root}${ADMIN_PATH}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await res.text()
    if (!res.ok) throw new AdminClientError(method, `${ADMIN_PATH}${path}`, res.status, detailOf(text))
    return JSON.parse(text) as T
  }
  const agentPath = (agentId: string): string => `/agents/${encodeURIComponent(agentId)}/sessions`

  return {
    reset: async () => await call('POST', '/reset'),
    seed: async (body) => await call('POST', '/seed', body),
    agents: async () => await call('GET', '/agents'),
    sessions: {
      insert: (async (agentId: string, sessions: SessionInput | SessionInput[]) =>
        await call('POST', agentPath(agentId), sessions)) as AdminClient['sessions']['insert'],
      delete: async (agentId, sessionId) =>
        await call('DELETE', sessionId === undefined ? agentPath(agentId) : `${agentPath(agentId)}/${encodeURIComponent(sessionId)}`)
    },
    requests: async (query = {}) => await call('GET', `/requests${queryString(query)}`),
    clearRequests: async () => await call('DELETE', '/requests'),
    faults: {
      add: async (rule) => await call('POST', '/faults', rule),
      list: async () => await call('GET', '/faults'),
      clear: async () => await call('DELETE', '/faults'),
      remove: async (id) => await call('DELETE', `/faults/${encodeURIComponent(id)}`)
    },
    clock: async (change) => await (change === undefined ? call('GET', '/clock') : call('POST', '/clock', change)),
    version: async () => await call('GET', '/version')
  }
}
