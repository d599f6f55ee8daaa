// The request journal: the last N requests to the emulated API (/v2...), for
// GET /__admin/requests, within a byte budget. Recording keeps no object of
// the request's: each entry's strings (method, URL, header names and values,
// agent_id, fault) are written into one growing byte arena and its numbers
// into typed arrays, and they are turned into the answer's shape (masked
// headers, parsed query, ISO time) only when someone reads them. Kept as JS
// objects, every entry outlived a few young-generation collections and was
// then garbage in the old one: under load that alone made the process 10-15
// MiB larger (README "Performance": peak RSS). Header values over 1 KiB are
// cut, and the oldest entries go once the kept entries' strings add up to
// more than the budget, so the journal's memory is bounded by both its size
// and its bytes.
import { constants } from 'node:buffer'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { paramsOfTarget, splitTarget } from '../fastapi/routing.js'
import { parseQueryString } from '../fastapi/urllib.js'
import { EMULATED_ROUTES } from '../routes/emulated-routes.js'

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

// An entry's headers as text: a newline, the name, a newline, the value, for
// each (for each value of an array, its name after a NUL). Node's parser
// refuses newlines and NULs in a head's names and values, so the text splits
// back into exactly these. `bytes` adds up the names' and kept values' lengths.
const headerText = (headers: IncomingHttpHeaders): { text: string, bytes: number } => {
  let text = ''
  let bytes = 0
  for (const name in headers) {
    const value = headers[name]!
    bytes += name.length
    if (typeof value === 'string') {
      const kept = truncatedValue(value)
      text += `\n${name}\n${kept}`
      bytes += kept.length
    } else {
      for (const v of value) {
        const kept = truncatedValue(v)
        text += `\n\0${name}\n${kept}`
        bytes += kept.length
      }
    }
  }
  return { text, bytes }
}

// headerText's text back as Node's headers object (an array for a name after a NUL).
const headersOf = (lines: string[], from: number): IncomingHttpHeaders => {
  const headers: IncomingHttpHeaders = {}
  for (let i = from; i < lines.length; i += 2) {
    const name = lines[i]!
    if (name[0] !== '\0') {
      headers[name] = lines[i + 1]!
      continue
    }
    const values = headers[name.slice(1)] as string[] | undefined
    if (values === undefined) headers[name.slice(1)] = [lines[i + 1]!]
    else values.push(lines[i + 1]!)
  }
  return headers
}

// An entry as the journal keeps it, read back out of the arena.
interface Entry {
  id: number
  // Arrival, whole ms since the epoch: what the answer shows is what filters compare.
  timeMs: number
  agentId: string | null
  status: number | null
  latencyMs: number
  fault: string | null
  // The rest of its text: method, URL, headers (headerText's).
  text: string
}

const view = (e: Entry): JournalEntryView => {
  const lines = e.text.split('\n')
  const { path, query } = splitTarget(lines[1]!)
  return {
    id: e.id,
    time: new Date(e.timeMs).toISOString(),
    method: lines[0]!,
    path,
    agent_id: e.agentId,
    query: { ...parseQueryString(query) },
    headers: maskSecretHeaders(headersOf(lines, 2)),
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

// The arena's first size, and the most it grows to (Node's largest Buffer).
const FIRST_ARENA_BYTES = 64 * 1024
const MAX_ARENA_BYTES = constants.MAX_LENGTH

// Without a byte budget (maxBytes), only the size bounds it.
export const makeJournal = (size: number, maxBytes = Infinity, maxArenaBytes = MAX_ARENA_BYTES): Journal => {
  // By slot: where the entry's text is in the arena and what it holds.
  const at = new Float64Array(size)
  const length = new Float64Array(size)
  const timeMs = new Float64Array(size)
  const latencyMs = new Float64Array(size)
  // -1 for none: the status (a dropped connection has none), and the lengths
  // of the agent_id and the fault that start the entry's text.
  const status = new Int16Array(size)
  const agentLength = new Int32Array(size)
  const faultLength = new Int32Array(size)
  // The budget's measure of each entry (its strings' lengths).
  const entryBytes = new Float64Array(size)
  // The entries' texts, UTF-16 (every JS string, as it is), in id order from
  // its start; `tail` is where the next goes, `live` the kept entries' bytes.
  let arena = Buffer.allocUnsafeSlow(0)
  let tail = 0
  let live = 0
  // Ids: `recorded` is the last one given, `first` the oldest kept (not
  // overwritten, cleared or evicted); `bytes` adds up the kept entries'.
  let recorded = 0
  let first = 1
  let bytes = 0
  const slot = (id: number): number => (id - 1) % size
  const dropFirst = (): void => {
    const s = slot(first)
    bytes -= entryBytes[s]!
    live -= length[s]!
    first++
  }
  // Room for n more bytes at the tail (n at most the largest arena): the kept
  // entries moved to the start of the arena, or of one twice its size once
  // they fill three quarters of it. At the largest arena, the oldest go until
  // it fits.
  const reserve = (n: number): number => {
    if (tail + n > arena.length) {
      let capacity = Math.max(arena.length, Math.min(FIRST_ARENA_BYTES, maxArenaBytes))
      while (live + n > capacity * 0.75 && capacity < maxArenaBytes) capacity = Math.min(capacity * 2, maxArenaBytes)
      // eslint-disable-next-line no-unmodified-loop-condition -- dropFirst lowers `live` and raises `first`
      while (live + n > capacity && first < recorded) dropFirst()
      const next = capacity === arena.length ? arena : Buffer.allocUnsafeSlow(capacity)
      let to = 0
      for (let id = first; id < recorded; id++) {
        const s = slot(id)
        arena.copy(next, to, at[s], at[s]! + length[s]!)
        at[s] = to
        to += length[s]!
      }
      arena = next
      tail = to
    }
    const from = tail
    tail += n
    live += n
    return from
  }

  const entry = (id: number): Entry => {
    const s = slot(id)
    const text = arena.toString('utf16le', at[s], at[s]! + length[s]!)
    const agent = agentLength[s]!
    const fault = faultLength[s]!
    const rest = Math.max(agent, 0) + Math.max(fault, 0)
    return {
      id,
      timeMs: timeMs[s]!,
      agentId: agent < 0 ? null : text.slice(0, agent),
      status: status[s]! < 0 ? null : status[s]!,
      latencyMs: latencyMs[s]!,
      fault: fault < 0 ? null : text.slice(Math.max(agent, 0), rest),
      text: text.slice(rest)
    }
  }
  const kept = (): Entry[] => {
    const out: Entry[] = []
    for (let id = first; id <= recorded; id++) out.push(entry(id))
    return out
  }
  const empty = (): void => {
    first = recorded + 1
    bytes = 0
    tail = 0
    live = 0
  }

  return {
    size,
    maxBytes,
    record: (request, statusCode, latency) => {
      if (size === 0) return
      const id = ++recorded
      // The ring is full: the new entry takes the oldest one's place.
      if (first <= id - size) dropFirst()
      const url = request.originalUrl
      // Routed requests have the decoded agent_id; the 404, 405 and 307 answers
      // take it from the route FastAPI's router answers for, and so does
      // OPTIONS (with --cors, the preflight route takes it).
      const agentId = (request.is404 || request.method === 'OPTIONS' ? paramsOfTarget(EMULATED_ROUTES, url)?.agent_id : (request.params as { agent_id?: string }).agent_id) || null
      const fault = request.faultId ?? null
      const headers = headerText(request.headers)
      const text = `${agentId ?? ''}${fault ?? ''}${request.method}\n${url}${headers.text}`
      const s = slot(id)
      // Over the largest arena (2^32 bytes, far past any budget): like an
      // entry over the budget, not kept, and the older ones gone.
      if (text.length * 2 > maxArenaBytes) {
        empty()
        return
      }
      at[s] = reserve(text.length * 2)
      arena.write(text, at[s], 'utf16le')
      length[s] = text.length * 2
      timeMs[s] = Math.round(Date.now() - latency)
      latencyMs[s] = latency
      status[s] = statusCode ?? -1
      agentLength[s] = agentId === null ? -1 : agentId.length
      faultLength[s] = fault === null ? -1 : fault.length
      entryBytes[s] = url.length + request.method.length + (agentId?.length ?? 0) + headers.bytes + (fault?.length ?? 0)
      bytes += entryBytes[s]!
      // Over the budget: the oldest go first (the new one too when it alone is over).
      // eslint-disable-next-line no-unmodified-loop-condition -- dropFirst lowers `bytes`
      while (bytes > maxBytes) dropFirst()
    },
    list: ({ agentId, status: statusFilter, sinceMs, untilMs, limit }) => {
      const statusMatches = statusMatcher(statusFilter)
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
      empty()
      return n
    },
    reset: () => {
      recorded = 0
      empty()
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
