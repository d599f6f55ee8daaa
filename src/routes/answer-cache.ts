// Finished List Sessions answers, kept as bytes: a polling client or a test
// suite asks the same page again and again, and an answer kept as a Buffer
// costs neither the SQLite reads nor the UTF-8 encoding of its body (the
// fixtures hold é, —, 日本語, so V8 keeps a page as a UTF-16 string that
// would be measured and re-encoded on every send).
//
// Keys are the normalised query (src/store/sessions-store.ts's ListQuery),
// so spellings of one query (`limit=020`, parameter order) share an entry.
// The key scope is checked before the cache (an agent a key does not own
// gets the constant empty list), so an answer for an owned agent is the same
// whatever the key. Every entry is valid for one "data as of" token of the
// store (store.version(): bumped by every write), and a new token drops them
// all, so a write is visible to the very next request.
// Bounded by entries and bytes; the least recently used goes first.
import type { ListQuery } from '../store/sessions-store.js'

export interface AnswerCache {
  // The answer kept for `key` as of `asOf`, or undefined.
  get: (key: string, asOf: string) => Buffer | undefined
  set: (key: string, asOf: string, body: Buffer) => void
  readonly size: number
  readonly bytes: number
}

export interface AnswerCacheLimits {
  maxEntries: number
  maxBytes: number
}

// About 1,000 default pages of 20 sessions (10 KB each), 8 MiB at most: a
// bound on memory, not a working set. An answer over a sixteenth of the
// bytes is not kept at all.
const ANSWER_CACHE_LIMITS: AnswerCacheLimits = { maxEntries: 1024, maxBytes: 8 * 1024 * 1024 }

// Lengths make every field's boundary unambiguous (an agent_id or a status
// may hold any character).
export const answerKey = (q: ListQuery): string =>
  `${q.agentId.length}:${q.agentId}|${q.status === null ? '-' : `${q.status.length}:${q.status}`}|${q.sortBy}|${q.sortOrder}|${q.offset}|${q.limit ?? '-'}`

export const makeAnswerCache = ({ maxEntries, maxBytes }: AnswerCacheLimits = ANSWER_CACHE_LIMITS): AnswerCache => {
  // A Map keeps insertion order: the first key is the least recently used.
  const entries = new Map<string, Buffer>()
  // The most recently used key: asked again (a polling client, a load test),
  // it is already last, and the Map is left as it is.
  let newest: string | null = null
  let asOfKept: string | null = null
  let bytes = 0
  const sync = (asOf: string): void => {
    if (asOf === asOfKept) return
    entries.clear()
    bytes = 0
    newest = null
    asOfKept = asOf
  }
  return {
    get: (key, asOf) => {
      sync(asOf)
      const body = entries.get(key)
      if (body !== undefined && key !== newest) {
        entries.delete(key)
        entries.set(key, body)
        newest = key
      }
      return body
    },
    set: (key, asOf, body) => {
      sync(asOf)
      if (body.length > maxBytes / 16 || entries.has(key)) return
      entries.set(key, body)
      newest = key
      bytes += body.length
      for (const [oldest, old] of entries) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break
        entries.delete(oldest)
        bytes -= old.length
      }
    },
    get size () { return entries.size },
    get bytes () { return bytes }
  }
}
