// The request journal: the last N requests to the emulated API (/v2...), for
// GET /__admin/requests. Recording is one small object per request written
// into a fixed ring; the request's own objects (its URL string and Node's
// headers object) are kept by reference and turned into the answer's shape
// (masked headers, parsed query, ISO time) only when someone reads them.
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { parseQueryString } from '../fastapi/query.js'
import { agentIdOfTarget, splitTarget } from '../fastapi/routing.js'

interface Entry {
  id: number
  // Arrival, whole ms since the epoch: what the answer shows is what filters compare.
  timeMs: number
  method: string
  // As sent: path and query string.
  url: string
  agentId: string | null
  headers: IncomingHttpHeaders
  status: number | null
  latencyMs: number
  fault: string | null
}

export interface JournalEntryView {
  id: number
  time: string
  method: string
  path: string
  agent_id: string | null
  query: Record<string, string>
  headers: Record<string, string | string[]>
  status: number | null
  latency_ms: number
  fault: string | null
}

export interface JournalFilter {
  agentId?: string | undefined
  // A status code (503) or a class (5xx).
  status?: string | undefined
  // Arrival bounds, ms since the epoch, inclusive.
  sinceMs?: number | undefined
  untilMs?: number | undefined
  // The last N matching entries.
  limit?: number | undefined
}

export interface Journal {
  readonly size: number
  record: (request: FastifyRequest, status: number | null, latencyMs: number) => void
  list: (filter: JournalFilter) => { data: JournalEntryView[], total: number }
  // The number of entries removed; ids keep increasing.
  clear: () => number
  // Empty, with ids from 1 again, as right after start.
  reset: () => void
}

// Secrets a test suite may send: the API key, and a bearer token sent by mistake.
const MASKED_HEADERS = new Set(['meibel-api-key', 'authorization'])
export const MASK = '***'

const maskHeaders = (headers: IncomingHttpHeaders): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {}
  // Node's values are strings, or arrays for set-cookie; never undefined.
  for (const [name, value] of Object.entries(headers) as Array<[string, string | string[]]>) {
    // An empty key is no secret, and seeing it explains a 401.
    out[name] = MASKED_HEADERS.has(name) && value !== '' ? MASK : value
  }
  return out
}

const view = (e: Entry): JournalEntryView => {
  const { path, query } = splitTarget(e.url)
  return {
    id: e.id,
    time: new Date(e.timeMs).toISOString(),
    method: e.method,
    path,
    agent_id: e.agentId,
    query: { ...parseQueryString(query) },
    headers: maskHeaders(e.headers),
    status: e.status,
    latency_ms: Math.round(e.latencyMs * 1000) / 1000,
    fault: e.fault
  }
}

const statusMatcher = (status: string | undefined): ((s: number | null) => boolean) => {
  if (status === undefined) return () => true
  if (status.endsWith('xx')) {
    const cls = Number(status[0])
    return (s) => s !== null && Math.floor(s / 100) === cls
  }
  const code = Number(status)
  return (s) => s === code
}

export const makeJournal = (size: number): Journal => {
  const ring: Array<Entry | undefined> = new Array<Entry | undefined>(size)
  // Ids: `recorded` is the last one given, `firstKept` the oldest not cleared.
  let recorded = 0
  let firstKept = 1

  const kept = (): Entry[] => {
    const out: Entry[] = []
    for (let id = Math.max(firstKept, recorded - size + 1); id <= recorded; id++) out.push(ring[(id - 1) % size]!)
    return out
  }

  return {
    size,
    record: (request, status, latencyMs) => {
      if (size === 0) return
      const id = ++recorded
      const params = request.params as { agent_id?: string }
      ring[(id - 1) % size] = {
        id,
        timeMs: Math.round(Date.now() - latencyMs),
        method: request.method,
        url: request.originalUrl,
        // Routed requests have the decoded agent_id; the 404, 405 and 307
        // answers do not, nor OPTIONS (no route of FastAPI's: with --cors, the
        // preflight route takes them).
        agentId: request.is404 || request.method === 'OPTIONS' ? agentIdOfTarget(request.originalUrl) : (params.agent_id || null),
        headers: request.headers,
        status,
        latencyMs,
        fault: request.faultId ?? null
      }
    },
    list: ({ agentId, status, sinceMs, untilMs, limit }) => {
      const statusMatches = statusMatcher(status)
      const matching = kept().filter((e) =>
        (agentId === undefined || e.agentId === agentId) &&
        statusMatches(e.status) &&
        (sinceMs === undefined || e.timeMs >= sinceMs) &&
        (untilMs === undefined || e.timeMs <= untilMs))
      const page = limit === undefined ? matching : matching.slice(-limit)
      return { data: page.map(view), total: matching.length }
    },
    clear: () => {
      const n = kept().length
      ring.fill(undefined)
      firstKept = recorded + 1
      return n
    },
    reset: () => {
      ring.fill(undefined)
      recorded = 0
      firstKept = 1
    }
  }
}

// Only the emulated API is journaled: `/v2` and everything below it.
const isEmulatedApi = (url: string): boolean =>
  url.startsWith('/v2') && (url.length === 3 || url[3] === '/' || url[3] === '?')

// A root onResponse hook (so it also sees the 404, 405 and 307 answers, which
// come from the root's not-found handler). Dropped connections never get
// here; the fault hook records those.
export const makeJournalHook = (journal: Journal) =>
  (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (isEmulatedApi(request.url)) journal.record(request, reply.statusCode, reply.elapsedTime)
    done()
  }
