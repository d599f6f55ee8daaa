// The request journal: the last N requests to the emulated API (/v2...), for
// GET /__admin/requests, within a byte budget. Recording is one small object
// per request written into a fixed ring; the request's own objects (its URL
// string and Node's headers object) are kept by reference and turned into
// the answer's shape (masked headers, parsed query, ISO time) only when
// someone reads them. Header values over 1 KiB are cut (a copy of the
// headers, only then), and the oldest entries go once the kept entries'
// strings add up to more than the budget, so the journal's memory is bounded
// by both its size and its bytes.
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { paramsOfTarget, splitTarget } from '../fastapi/routing.js'
import { parseQueryString } from '../fastapi/urllib.js'
import { EMULATED_ROUTES } from '../routes/emulated-routes.js'

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
  // The entry's strings' lengths (URL, method, agent_id, header names and values, fault).
  bytes: number
}

interface JournalEntryView {
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

interface JournalFilter {
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
  // The byte budget (--journal-bytes).
  readonly maxBytes: number
  record: (request: FastifyRequest, status: number | null, latencyMs: number) => void
  list: (filter: JournalFilter) => { data: JournalEntryView[], total: number }
  // The number of entries removed; ids keep increasing.
  clear: () => number
  // Empty, with ids from 1 again, as right after start.
  reset: () => void
}

// Secrets a client may send: the API key, credentials sent by mistake, and
// cookies. Node lower-cases the names of request.headers (so every casing is
// one name) and joins duplicates into one value or, for set-cookie, an array;
// duplicates of authorization and proxy-authorization it drops. Both the
// journal and the debug logs (src/server.ts) show request.headers masked.
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['meibel-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie'])
export const MASK = '***'

// Node's values are strings, or arrays for set-cookie; never undefined. An
// empty value is no secret, and seeing an empty key explains a 401.
export const maskSecretHeaders = (headers: IncomingHttpHeaders, censor = MASK): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers) as Array<[string, string | string[]]>) {
    if (!SECRET_HEADERS.has(name)) out[name] = value
    else out[name] = Array.isArray(value) ? value.map((v) => v === '' ? v : censor) : value === '' ? value : censor
  }
  return out
}

// Longer header values are cut to this length plus a marker naming what was cut.
export const MAX_HEADER_VALUE = 1024
export const truncatedValue = (value: string): string =>
  value.length <= MAX_HEADER_VALUE ? value : `${value.slice(0, MAX_HEADER_VALUE)}…[truncated ${value.length - MAX_HEADER_VALUE} bytes]`

// The headers as the journal keeps them: the request's own object unless a
// value is too long. Node's header values are latin1, one byte a character.
const keptHeaders = (headers: IncomingHttpHeaders): { headers: IncomingHttpHeaders, bytes: number } => {
  let bytes = 0
  let long = false
  for (const name in headers) {
    const value = headers[name]!
    bytes += name.length
    if (typeof value === 'string') {
      bytes += value.length
      long ||= value.length > MAX_HEADER_VALUE
    } else {
      for (const v of value) { bytes += v.length; long ||= v.length > MAX_HEADER_VALUE }
    }
  }
  if (!long) return { headers, bytes }
  const copy: IncomingHttpHeaders = {}
  bytes = 0
  for (const name in headers) {
    const value = headers[name]!
    const kept = typeof value === 'string' ? truncatedValue(value) : value.map(truncatedValue)
    copy[name] = kept as string
    bytes += name.length + (typeof kept === 'string' ? kept.length : kept.reduce((n, v) => n + v.length, 0))
  }
  return { headers: copy, bytes }
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
    headers: maskSecretHeaders(e.headers),
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

// Without a byte budget (maxBytes), only the size bounds it.
export const makeJournal = (size: number, maxBytes = Infinity): Journal => {
  const ring: Array<Entry | undefined> = new Array<Entry | undefined>(size)
  // Ids: `recorded` is the last one given, `first` the oldest kept (not
  // overwritten, cleared or evicted); `bytes` adds up the kept entries'.
  let recorded = 0
  let first = 1
  let bytes = 0
  const slot = (id: number): number => (id - 1) % size
  const dropFirst = (): void => {
    bytes -= ring[slot(first)]!.bytes
    ring[slot(first)] = undefined
    first++
  }

  const kept = (): Entry[] => {
    const out: Entry[] = []
    for (let id = first; id <= recorded; id++) out.push(ring[slot(id)]!)
    return out
  }

  return {
    size,
    maxBytes,
    record: (request, status, latencyMs) => {
      if (size === 0) return
      const id = ++recorded
      // The ring is full: the new entry takes the oldest one's place.
      if (first <= id - size) dropFirst()
      const params = request.params as { agent_id?: string }
      const url = request.originalUrl
      // Routed requests have the decoded agent_id; the 404, 405 and 307 answers do not.
      // Routed requests have the decoded agent_id; the 404, 405 and 307 answers
      // take it from the route FastAPI's router answers for, and so does
      // OPTIONS (with --cors, the preflight route takes it).
      const agentId = (request.is404 || request.method === 'OPTIONS' ? paramsOfTarget(EMULATED_ROUTES, url)?.agent_id : params.agent_id) || null
      const fault = request.faultId ?? null
      const headers = keptHeaders(request.headers)
      const entry: Entry = {
        id,
        timeMs: Math.round(Date.now() - latencyMs),
        method: request.method,
        url,
        agentId,
        headers: headers.headers,
        status,
        latencyMs,
        fault,
        bytes: url.length + request.method.length + (agentId?.length ?? 0) + headers.bytes + (fault?.length ?? 0)
      }
      ring[slot(id)] = entry
      bytes += entry.bytes
      // Over the budget: the oldest go first (the new one too when it alone is over).
      // eslint-disable-next-line no-unmodified-loop-condition -- dropFirst lowers `bytes`
      while (bytes > maxBytes) dropFirst()
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
      const n = recorded - first + 1
      ring.fill(undefined)
      first = recorded + 1
      bytes = 0
      return n
    },
    reset: () => {
      ring.fill(undefined)
      recorded = 0
      first = 1
      bytes = 0
    }
  }
}

// Only the emulated API is journaled: `/v2` and everything below it.
const { prefix } = EMULATED_ROUTES
const isEmulatedApi = (url: string): boolean =>
  url.startsWith(prefix) && (url.length === prefix.length || url[prefix.length] === '/' || url[prefix.length] === '?')

// A root onResponse hook (so it also sees the 404, 405 and 307 answers, which
// come from the root's not-found handler). Dropped connections never get
// here; the fault hook records those.
export const makeJournalHook = (journal: Journal) =>
  (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (isEmulatedApi(request.url)) journal.record(request, reply.statusCode, reply.elapsedTime)
    done()
  }
