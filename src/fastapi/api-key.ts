// FastAPI's APIKeyHeader(name="Meibel-API-Key") check, as an onRequest hook
// so it runs after routing and before query validation (§3 ORDER).
import type { FastifyReply, onRequestHookHandler } from 'fastify'
import { API_KEY_CHALLENGE, INVALID_API_KEY_BODY, NOT_AUTHENTICATED_BODY } from './errors.js'
import { isHeaderNamed } from './header-names.js'
import { sendJsonBytes } from './json-reply.js'

const API_KEY_HEADER = 'meibel-api-key'

// Each accepted key and the agents it owns; null: every agent.
export type ApiKeyScopes = ReadonlyMap<string, ReadonlySet<string> | null>

// --api-keys: every listed key owns every agent.
export const scopesOwningAll = (keys: readonly string[]): ApiKeyScopes => new Map(keys.map((k) => [k, null]))

declare module 'fastify' {
  interface FastifyRequest {
    // Set by the key hook: the agents the request's key owns; null: every agent.
    agentScope: ReadonlySet<string> | null
  }
}

// §7 AUTH: Starlette's headers.get() returns the first of duplicate headers
// (Node joins duplicates with ", "), so read the raw list.
const firstHeader = (rawHeaders: readonly string[], lowerName: string): string | undefined => {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (isHeaderNamed(rawHeaders[i]!, lowerName)) return rawHeaders[i + 1]
  }
  return undefined
}

// §3.1: h11 drops spaces and tabs around header values; `if not api_key` then
// rejects the empty string (§7).
const trimOws = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, '')

const notAuthenticated = Buffer.from(NOT_AUTHENTICATED_BODY)
const invalidApiKey = Buffer.from(INVALID_API_KEY_BODY)

const unauthorized = (reply: FastifyReply, body: Buffer): void => {
  sendJsonBytes(reply.code(401).header('www-authenticate', API_KEY_CHALLENGE), body)
}

// `scopes` null: any non-empty key passes, as APIKeyHeader itself does, and
// owns every agent. The routes' plugin decorates the request with
// `agentScope: null` (src/routes/emulated-routes.ts).
export const makeApiKeyHook = (scopes: ApiKeyScopes | null): onRequestHookHandler =>
  // Synchronous (no promise per request); a hook that answers does not call done.
  (request, reply, done) => {
    const raw = firstHeader(request.raw.rawHeaders, API_KEY_HEADER)
    const key = raw === undefined ? '' : trimOws(raw)
    if (key === '') return unauthorized(reply, notAuthenticated)
    if (scopes !== null) {
      const scope = scopes.get(key)
      // Emulator's choice for a wrong key (§11.3), see README "Where the emulator decides".
      if (scope === undefined) return unauthorized(reply, invalidApiKey)
      request.agentScope = scope
    }
    done()
  }
