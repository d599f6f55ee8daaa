// The emulated API: one entry per operation of the Meibel API the emulator
// serves, under API_PREFIX. A new endpoint is one entry here and one route
// file (src/routes/operation.ts says what it implements). Everything that
// depends on the routes' paths is derived from this table: the Fastify
// registration, FastAPI's 404/405/307 answers and the agent_id of journal
// entries (src/fastapi/routing.ts), the OpenAPI server (src/plugins/openapi.ts).
import type { FastifyPluginAsync } from 'fastify'
import { compileRouteTable } from '../fastapi/route-table.js'
import { makeEmptyParamHook } from '../fastapi/routing.js'
import { listSessionsRoute } from './list-sessions.js'
import type { EmulatedApiOptions, EmulatedOperation } from './operation.js'

export const API_PREFIX = '/v2'

const OPERATIONS: readonly EmulatedOperation[] = [
  { method: 'GET', path: '/agents/{agent_id}/sessions', operationId: 'listSessions', plugin: listSessionsRoute }
]

export const EMULATED_ROUTES = compileRouteTable(API_PREFIX, OPERATIONS)

// Registered with `prefix: EMULATED_ROUTES.prefix`.
export const emulatedApi: FastifyPluginAsync<EmulatedApiOptions> = async (app, { store, apiKeys, strict, faults }) => {
  // Set by the routes' hooks (declared in src/fastapi/api-key.ts and src/faults/fault-hook.ts).
  app.decorateRequest('agentScope', null)
  app.decorateRequest('faultId', null)
  // Before the routes' own onRequest hooks.
  app.addHook('onRequest', makeEmptyParamHook(EMULATED_ROUTES))
  // Each route's own options: not this plugin's, whose `prefix` would apply twice.
  for (const route of EMULATED_ROUTES.routes) await app.register(route.spec.plugin, { store, apiKeys, strict, faults, route })
}
