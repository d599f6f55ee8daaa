// What every emulated route's file implements: a Fastify plugin that
// registers its one operation at the method, path and operationId of its
// entry in the table (src/routes/emulated-routes.ts), with what buildServer
// hands every route.
import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify'
import type { ApiKeyScopes } from '../fastapi/api-key.js'
import type { CompiledRoute, RouteSpec } from '../fastapi/route-table.js'
import type { SessionsStore } from '../store/sessions-store.js'

export interface EmulatedApiOptions {
  store: SessionsStore
  // null: any non-empty key, owning every agent.
  apiKeys: ApiKeyScopes | null
  strict: boolean
  // The fault hook for a route, given the statuses its spec lists; it runs
  // after routing, before the key check (src/faults/fault-hook.ts).
  faults: (listed: ReadonlySet<number>) => onRequestHookHandler
}

export interface EmulatedOperation extends RouteSpec {
  // The spec's operationId, also the OpenAPI document's.
  readonly operationId: string
  readonly plugin: FastifyPluginAsync<EmulatedRouteOptions>
}

export interface EmulatedRouteOptions extends EmulatedApiOptions {
  // The route's table entry, with its find-my-way path (`url`).
  route: CompiledRoute<EmulatedOperation>
}
