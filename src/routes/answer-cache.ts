// Finished List Sessions answers, kept as bytes: a polling client or a test
// suite asks the same page again and again, and an answer kept as bytes
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
//
// The answers' bytes are written one after another into one block of memory
// (a ring: at its end, the next starts again at its start; a block smaller
// than the bound is replaced by one twice its size instead), and each answer
// is a view of its bytes there; the oldest answers go as new ones need their
// room, or once the entries are as many as allowed. One block instead of a
// Buffer each: a Buffer kept a while outlived young-generation collections,
// and once dropped its memory waited for a full one (README "Performance":
// peak RSS). A view is sent as it is, so its bytes must not be overwritten
// while a socket may still read them: sendAnswer retires the block (the
// cache starts a new one, and the old goes once nothing uses it) when a send
// leaves bytes waiting.
import type { FastifyReply } from 'fastify'
import { sendJsonBytes } from '../fastapi/json-reply.js'
import type { ListQuery } from '../store/sessions-store.js'

export interface AnswerCache {
  // The answer kept for `key` as of `asOf`, or undefined.
  get: (key: string, asOf: string) => Buffer | undefined
  // `body`'s UTF-8 bytes: kept for `key` as of `asOf` (a view of the block),
  // or a Buffer of their own when not kept (too large).
  keep: (key: string, asOf: string, body: string) => Buffer
  // Whether `body` is a view of the cache's block.
  holds: (body: Buffer) => boolean
  // Drops every entry and leaves the block to whatever still reads it.
  retire: () => void
  readonly size: number
  readonly bytes: number
}

export interface AnswerCacheLimits {
  maxEntries: number
  // The block's size: the most bytes kept.
  maxBytes: number
}

// About 100 default pages of 20 sessions (10 KB each), 1 MiB: a bound on
// memory, not a working set (README "Performance": peak RSS). An answer over
// a sixteenth of the block (64 KiB) is not kept at all.
const ANSWER_CACHE_LIMITS: AnswerCacheLimits = { maxEntries: 1024, maxBytes: 1024 * 1024 }
const FIRST_BLOCK_BYTES = 64 * 1024

// Lengths make every field's boundary unambiguous (an agent_id or a status
// may hold any character).
export const answerKey = (q: ListQuery): string =>
  `${q.agentId.length}:${q.agentId}|${q.status === null ? '-' : `${q.status.length}:${q.status}`}|${q.sortBy}|${q.sortOrder}|${q.offset}|${q.limit ?? '-'}`

export const makeAnswerCache = ({ maxEntries, maxBytes }: AnswerCacheLimits = ANSWER_CACHE_LIMITS): AnswerCache => {
  // A Map keeps insertion order: the first key is the oldest, and its bytes
  // are the next the ring reaches.
  const entries = new Map<string, Buffer>()
  // Made on the first answer kept (and again after a retirement), then
  // twice as large each time it is full, up to maxBytes.
  let block: Buffer | null = null
  // Where the next answer's bytes go.
  let head = 0
  let asOfKept: string | null = null
  let bytes = 0
  const dropAll = (): void => {
    entries.clear()
    bytes = 0
    head = 0
  }
  const sync = (asOf: string): void => {
    if (asOf === asOfKept) return
    dropAll()
    asOfKept = asOf
  }
  return {
    get: (key, asOf) => {
      sync(asOf)
      return entries.get(key)
    },
    keep: (key, asOf, body) => {
      sync(asOf)
      // Equal tokens, equal answers: the first stays.
      const kept = entries.get(key)
      if (kept !== undefined) return kept
      const length = Buffer.byteLength(body)
      if (length > maxBytes / 16) return Buffer.from(body)
      if (block === null || head + length > block.length) {
        if (block !== null && block.length === maxBytes) {
          head = 0
        } else {
          // A larger block (the first one small: most uses keep a few pages);
          // what the smaller held goes with it.
          let size = block === null ? Math.min(FIRST_BLOCK_BYTES, maxBytes) : block.length * 2
          while (size < length) size *= 2
          dropAll()
          block = Buffer.allocUnsafeSlow(Math.min(size, maxBytes))
        }
      }
      // The entries the new bytes would overwrite are the oldest (the ring
      // reaches them in the order they were kept).
      for (const [oldest, old] of entries) {
        if (entries.size < maxEntries && (old.byteOffset >= head + length || old.byteOffset + old.length <= head)) break
        entries.delete(oldest)
        bytes -= old.length
      }
      block.write(body, head, length, 'utf8')
      const view = block.subarray(head, head + length)
      head += length
      entries.set(key, view)
      bytes += length
      return view
    },
    holds: (body) => block !== null && body.buffer === block.buffer,
    retire: () => {
      dropAll()
      block = null
    },
    get size () { return entries.size },
    get bytes () { return bytes }
  }
}

// Sends an answer, kept or not. A kept one is a view of the cache's block,
// which later answers overwrite: it goes to a socket with nothing waiting
// (else a copy goes); Node has handed it to the kernel by the time the send
// returns, unless the socket took only part, and then the cache leaves the
// block to that socket and starts a new one. Fastify's inject
// (light-my-request) copies what is written, and its socket drops it.
export const sendAnswer = (cache: AnswerCache, reply: FastifyReply, body: Buffer): FastifyReply => {
  if (!cache.holds(body) || (reply.raw as { isLightMyRequest?: boolean }).isLightMyRequest === true) return sendJsonBytes(reply, body)
  const socket = reply.raw.socket
  if (socket === null || socket.writableLength !== 0) return sendJsonBytes(reply, Buffer.from(body))
  sendJsonBytes(reply, body)
  if (!reply.raw.writableEnded || reply.raw.writableLength !== 0) cache.retire()
  return reply
}
