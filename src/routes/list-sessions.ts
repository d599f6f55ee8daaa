// List Sessions, at its entry in src/routes/emulated-routes.ts. Glue only:
// routing, key and query checks run as hooks and the validator before the handler.
import { Readable } from 'node:stream'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { makeApiKeyHook } from '../fastapi/api-key.js'
import { sendJsonBytes, setJsonHeaders } from '../fastapi/json-reply.js'
import { compileQueryValidator } from '../fastapi/query-validator.js'
import {
  HTTPValidationErrorSchema, ListSessionsParamsSchema, ListSessionsQuerySchema, SESSION_STATUSES,
  SessionListResponseSchema, SORT_FIELDS, type ListSessionsQuery
} from '../schemas/list-sessions.js'
import { sessionListBody } from '../schemas/serialize.js'
import type { ListQuery, SessionStream } from '../store/sessions-store.js'
import { answerKey, makeAnswerCache, sendAnswer } from './answer-cache.js'
import type { EmulatedRouteOptions } from './operation.js'

// The operation's responses, as the spec lists them.
const RESPONSES = {
  200: { description: 'Successful Response', content: { 'application/json': { schema: Type.Ref(SessionListResponseSchema) } } },
  422: { description: 'Validation Error', content: { 'application/json': { schema: Type.Ref(HTTPValidationErrorSchema) } } }
}
const LISTED_STATUSES: ReadonlySet<number> = new Set(Object.keys(RESPONSES).map(Number))

// What an unknown agent gets; also what a key gets for an agent it does not
// own, so no key learns anything about another tenant's data.
const EMPTY_LIST = Buffer.from(sessionListBody([], 0))

// A list without limit is read from the store and written in chunks of this
// many sessions, so its memory stays flat whatever its size; one whose
// sessions add up to at most this many bytes is sent whole (and kept, when
// the answer cache keeps one that large: src/routes/answer-cache.ts).
const STREAM_CHUNK_SESSIONS = 256
const WHOLE_BYTES = 256 * 1024

// sessionListBody's envelope around its sessions, split where they go: a
// streamed list is written (and measured) in the one format it has.
const envelope = (total: number): [string, string] => {
  const empty = sessionListBody([], total)
  const at = empty.indexOf('[') + 1
  return [empty.slice(0, at), empty.slice(at)]
}

// The bytes sessionListBody would write, without building them: the
// envelope, the sessions and the commas between them.
const listBodyLength = (count: number, sessionBytes: number, total: number): number =>
  Buffer.byteLength(sessionListBody([], total)) + sessionBytes + Math.max(0, count - 1)

// sessionListBody's bytes, chunk by chunk; the store's read ends with the
// stream (also when the client goes away).
const listBodyStream = (stream: SessionStream): Readable => {
  const [head, tail] = envelope(stream.total)
  let opened = false
  return new Readable({
    // A streamed list has at least one session (a short one is sent whole).
    read () {
      const sessions = stream.next(STREAM_CHUNK_SESSIONS)
      if (sessions.length === 0) {
        this.push(tail)
        this.push(null)
        return
      }
      this.push(Buffer.from(`${opened ? ',' : head}${sessions.join(',')}`))
      opened = true
    },
    destroy (err, callback) {
      stream.close()
      callback(err)
    }
  })
}

// The emulator's reading of the validated query (README "Where the emulator
// decides"): an unknown sort_by sorts by start_time, an empty status is no filter.
const toListQuery = (agentId: string, q: ListSessionsQuery): ListQuery => ({
  agentId,
  status: q.status === '' || q.status === undefined ? null : q.status,
  sortBy: q.sort_by === 'status' ? 'status' : 'start_time',
  sortOrder: q.sort_order === 'asc' ? 'asc' : 'desc',
  // The validator fills every default (src/fastapi/query-validator.ts).
  offset: q.offset!,
  limit: q.limit ?? null
})

const passThrough = (): true => true

// An empty agent_id never gets here: Starlette's `[^/]+` does not match it
// (src/fastapi/routing.ts, makeEmptyParamHook).
export const listSessionsRoute: FastifyPluginAsync<EmulatedRouteOptions> = async (app, { route, store, apiKeys, strict, faults }) => {
  const cache = makeAnswerCache()
  // Kept only when the read saw the data `asOf` names: a live clock may have
  // moved between the token and the read (which then names a later instant).
  const keep = (key: string, asOf: string, body: string): Buffer =>
    store.version() === asOf ? cache.keep(key, asOf, body) : Buffer.from(body)
  // The cache's entry for a query, and the token it is looked up (and kept) under.
  const lookUp = (query: ListQuery): { key: string, asOf: string, kept: Buffer | undefined } => {
    const key = answerKey(query)
    const asOf = store.version()
    return { key, asOf, kept: cache.get(key, asOf) }
  }
  const send = (reply: FastifyReply, body: Buffer): FastifyReply => sendAnswer(cache, reply, body)
  // The body from the cache, else from the store (then kept).
  const page = (query: ListQuery): Buffer => {
    const { key, asOf, kept } = lookUp(query)
    if (kept !== undefined) return kept
    const { sessions, total } = store.listSessions(query)
    return keep(key, asOf, sessionListBody(sessions, total))
  }
  const unlimited = (reply: FastifyReply, query: ListQuery): FastifyReply => {
    const { key, asOf, kept } = lookUp(query)
    if (kept !== undefined) return send(reply, kept)
    const stream = store.streamSessions(query)
    if (stream.bytes > WHOLE_BYTES) {
      // Starlette sends a content-length, which the store's byte count gives up front.
      return setJsonHeaders(reply, listBodyLength(stream.count, stream.bytes, stream.total)).send(listBodyStream(stream))
    }
    const body = keep(key, asOf, sessionListBody(stream.next(stream.count), stream.total))
    stream.close()
    return send(reply, body)
  }
  const validateQuery = compileQueryValidator(ListSessionsQuerySchema, strict ? { literals: { sort_by: SORT_FIELDS, status: SESSION_STATUSES } } : {})
  app.withTypeProvider<TypeBoxTypeProvider>().route({
    method: route.spec.method,
    url: route.url,
    schema: {
      tags: ['Agents'],
      summary: 'List Sessions',
      operationId: route.spec.operationId,
      params: ListSessionsParamsSchema,
      querystring: ListSessionsQuerySchema,
      security: [{ APIKeyHeader: [] }],
      // For the OpenAPI document: the 200 body is sent as stored bytes
      // (src/schemas/serialize.ts), so the schema is not asked to type it.
      response: RESPONSES as Record<number, unknown>
    },
    // Query validation is FastAPI's, not AJV's (§4, §5): src/fastapi/query-validator.ts.
    validatorCompiler: ({ httpPart }) => httpPart === 'querystring' ? validateQuery : passThrough,
    onRequest: [faults(LISTED_STATUSES), makeApiKeyHook(apiKeys)],
    // Synchronous: no promise per request.
    handler: (request, reply) => {
      const agentId = request.params.agent_id
      // The body is the stored sessions' bytes in the envelope (src/schemas/serialize.ts).
      if (request.agentScope !== null && !request.agentScope.has(agentId)) return sendJsonBytes(reply, EMPTY_LIST)
      const query = toListQuery(agentId, request.query)
      return query.limit === null ? unlimited(reply, query) : send(reply, page(query))
    }
  })
}
