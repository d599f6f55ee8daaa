// GET /v2/agents/{agent_id}/sessions: List Sessions. Glue only: routing,
// key and query checks run as hooks and the validator before the handler.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { makeApiKeyHook, type ApiKeyScopes } from '../fastapi/api-key.js'
import { JSON_CONTENT_TYPE } from '../fastapi/errors.js'
import { compileQueryValidator } from '../fastapi/query-validator.js'
import { sendNotFound } from '../fastapi/routing.js'
import {
  HTTPValidationErrorSchema, ListSessionsParamsSchema, ListSessionsQuerySchema, SESSION_STATUSES,
  SessionListResponseSchema, SORT_FIELDS, type ListSessionsQuery
} from '../schemas/list-sessions.js'
import { sessionListBody } from '../schemas/serialize.js'
import type { ListQuery, SessionsStore } from '../store/sessions-store.js'

export interface ListSessionsOptions {
  store: SessionsStore
  // null: any non-empty key, owning every agent.
  apiKeys: ApiKeyScopes | null
  strict: boolean
  // Runs after routing, before the key check (src/faults/fault-hook.ts).
  faults: onRequestAsyncHookHandler
}

// The operation's responses, as the spec lists them.
const RESPONSES = {
  200: { description: 'Successful Response', content: { 'application/json': { schema: Type.Ref(SessionListResponseSchema) } } },
  422: { description: 'Validation Error', content: { 'application/json': { schema: Type.Ref(HTTPValidationErrorSchema) } } }
}
export const LISTED_STATUSES: ReadonlySet<number> = new Set(Object.keys(RESPONSES).map(Number))

// What an unknown agent gets; also what a key gets for an agent it does not
// own, so no key learns anything about another tenant's data.
const EMPTY_LIST = sessionListBody([], 0)

// The emulator's reading of the validated query (README "Where the emulator
// decides"): an unknown sort_by sorts by start_time, an empty status is no filter.
export const toListQuery = (agentId: string, q: ListSessionsQuery): ListQuery => ({
  agentId,
  status: q.status === '' || q.status === undefined ? null : q.status,
  sortBy: q.sort_by === 'status' ? 'status' : 'start_time',
  sortOrder: q.sort_order === 'asc' ? 'asc' : 'desc',
  // The validator fills every default (src/fastapi/query-validator.ts).
  offset: q.offset!,
  limit: q.limit ?? null
})

// Starlette's `[^/]+` does not match an empty agent_id; find-my-way does (§7 R404).
const rejectEmptyAgentId = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
  if ((request.params as { agent_id: string }).agent_id === '') return sendNotFound(reply) as unknown as undefined
}

const passThrough = (): true => true

export const listSessionsRoute: FastifyPluginAsync<ListSessionsOptions> = async (app, { store, apiKeys, strict, faults }) => {
  app.decorateRequest('agentScope', null)
  app.decorateRequest('faultId', null)
  const validateQuery = compileQueryValidator(ListSessionsQuerySchema, strict ? { literals: { sort_by: SORT_FIELDS, status: SESSION_STATUSES } } : {})
  app.withTypeProvider<TypeBoxTypeProvider>().get('/agents/:agent_id/sessions', {
    schema: {
      tags: ['Agents'],
      summary: 'List Sessions',
      operationId: 'listSessions',
      params: ListSessionsParamsSchema,
      querystring: ListSessionsQuerySchema,
      security: [{ APIKeyHeader: [] }],
      // For the OpenAPI document: the 200 body is sent as stored bytes
      // (src/schemas/serialize.ts), so the schema is not asked to type it.
      response: RESPONSES as Record<number, unknown>
    },
    // Query validation is FastAPI's, not AJV's (§4, §5): src/fastapi/query-validator.ts.
    validatorCompiler: ({ httpPart }) => httpPart === 'querystring' ? validateQuery : passThrough,
    onRequest: [rejectEmptyAgentId, faults, makeApiKeyHook(apiKeys)]
  }, async (request, reply) => {
    const agentId = request.params.agent_id
    // The body is the stored sessions' bytes in the envelope (src/schemas/serialize.ts).
    if (request.agentScope !== null && !request.agentScope.has(agentId)) return reply.type(JSON_CONTENT_TYPE).send(EMPTY_LIST)
    const { sessions, total } = store.listSessions(toListQuery(agentId, request.query))
    return reply.type(JSON_CONTENT_TYPE).send(sessionListBody(sessions, total))
  })
}
