// List Sessions, at its entry in src/routes/emulated-routes.ts. Glue only:
// routing, key and query checks run as hooks and the validator before the handler.
import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { makeApiKeyHook } from '../fastapi/api-key.js'
import { JSON_CONTENT_TYPE } from '../fastapi/errors.js'
import { compileQueryValidator } from '../fastapi/query-validator.js'
import {
  HTTPValidationErrorSchema, ListSessionsParamsSchema, ListSessionsQuerySchema, SESSION_STATUSES,
  SessionListResponseSchema, SORT_FIELDS, type ListSessionsQuery
} from '../schemas/list-sessions.js'
import { sessionListBody } from '../schemas/serialize.js'
import type { ListQuery } from '../store/sessions-store.js'
import type { EmulatedRouteOptions } from './operation.js'

// The operation's responses, as the spec lists them.
const RESPONSES = {
  200: { description: 'Successful Response', content: { 'application/json': { schema: Type.Ref(SessionListResponseSchema) } } },
  422: { description: 'Validation Error', content: { 'application/json': { schema: Type.Ref(HTTPValidationErrorSchema) } } }
}
const LISTED_STATUSES: ReadonlySet<number> = new Set(Object.keys(RESPONSES).map(Number))

// What an unknown agent gets; also what a key gets for an agent it does not
// own, so no key learns anything about another tenant's data.
const EMPTY_LIST = sessionListBody([], 0)

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
    handler: async (request, reply) => {
      const agentId = request.params.agent_id
      // The body is the stored sessions' bytes in the envelope (src/schemas/serialize.ts).
      if (request.agentScope !== null && !request.agentScope.has(agentId)) return reply.type(JSON_CONTENT_TYPE).send(EMPTY_LIST)
      const { sessions, total } = store.listSessions(toListQuery(agentId, request.query))
      return reply.type(JSON_CONTENT_TYPE).send(sessionListBody(sessions, total))
    }
  })
}
