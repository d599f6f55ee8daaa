// buildServer(config): an un-listened Fastify instance with everything
// registered explicitly, in one visible order. Only src/cli.ts listens.
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import { fastApiErrorHandler } from './fastapi/error-handler.js'
import { JSON_CONTENT_TYPE } from './fastapi/errors.js'
import { parseQueryString, unquote } from './fastapi/query.js'
import { makeNotFoundHandler } from './fastapi/routing.js'
import { registerOpenApi } from './plugins/openapi.js'
import { healthRoutes } from './routes/health.js'
import { listSessionsRoute } from './routes/list-sessions.js'
import { HTTPValidationErrorSchema, SessionListResponseSchema, SessionSummarySchema, ValidationErrorSchema } from './schemas/list-sessions.js'
import { loadFixtures } from './seed/fixtures.js'
import { seedStore } from './seed/seed-store.js'
import { openSessionsStore, type SessionsStore } from './store/sessions-store.js'

// Fastify's own JSON media type; Starlette sends no charset (§6, §9).
const FASTIFY_JSON = 'application/json; charset=utf-8'

const openSeededStore = (config: Config): SessionsStore => {
  // Fixtures are checked on every start, so a bad file fails fast even when
  // a --db file was seeded before.
  const fixtures = loadFixtures(config.fixturesDir)
  const store = openSessionsStore(config.db)
  try {
    if (store.isEmpty()) seedStore(store, fixtures, { seed: config.seed })
  } catch (err) {
    /* c8 ignore next 2 */
    store.close()
    throw err
  }
  return store
}

export const buildServer = async (config: Config): Promise<FastifyInstance> => {
  const store = openSeededStore(config)

  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers["meibel-api-key"]', 'req.headers.authorization'], censor: '[redacted]' }
    },
    // Per-request logs only at debug and trace: they cost throughput.
    logController: new LogController({ disableRequestLogging: !['debug', 'trace'].includes(config.logLevel) }),
    // FastAPI adds no HEAD route to a GET route (§7 R405).
    exposeHeadRoutes: false,
    routerOptions: {
      // Agent ids of any length reach the route instead of a 414 (Node's
      // 16 KiB header limit bounds the request line long before this).
      maxParamLength: 65536,
      // §4 QS: Starlette's parse_qsl, not Node's querystring.
      querystringParser: parseQueryString
    },
    // §3.1: uvicorn percent-decodes the path before routing, so a `%2F` in an
    // agent_id is a path separator and a malformed escape stays literal.
    rewriteUrl: (req) => canonicalUrl(req.url ?? '/')
  })

  // 1. Replies: FastAPI's bodies and Starlette's content type.
  app.setErrorHandler(fastApiErrorHandler)
  app.setNotFoundHandler(makeNotFoundHandler(decodePath))
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type')
    if (type === FASTIFY_JSON || type === JSON_CONTENT_TYPE) {
      // Starlette's header order: content-length, then content-type, after
      // any header the response set itself (www-authenticate, allow).
      reply.removeHeader('content-type')
      reply.header('content-length', String(typeof payload === 'string' ? Buffer.byteLength(payload) : (payload as Buffer).length))
      reply.header('content-type', JSON_CONTENT_TYPE)
    }
    return payload
  })
  // The emulated API takes no request body; bodies are never parsed, so a
  // POST with any content type reaches the 405 like in FastAPI.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => { done(null) })

  // 2. Shared schemas (components of the OpenAPI document, refs for serialization).
  app.addSchema(SessionSummarySchema)
  app.addSchema(SessionListResponseSchema)
  app.addSchema(ValidationErrorSchema)
  app.addSchema(HTTPValidationErrorSchema)

  // 3. Documentation, then routes.
  await registerOpenApi(app)
  await app.register(healthRoutes, { store })
  await app.register(listSessionsRoute, { prefix: '/v2', store, apiKeys: config.apiKeys, strict: config.strict })

  app.addHook('onClose', async () => { store.close() })
  return app
}

// Python's unquote over the path (UTF-8, U+FFFD for invalid bytes, malformed
// escapes kept).
const decodePath = (rawPath: string): string => rawPath.includes('%') ? unquote(rawPath) : rawPath

// Re-encodes a decoded path so that find-my-way routes exactly the segments
// uvicorn would: every byte outside the unreserved/sub-delims set is escaped.
const PATH_SAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu
const canonicalUrl = (url: string): string => {
  const q = url.indexOf('?')
  const rawPath = q === -1 ? url : url.slice(0, q)
  if (!rawPath.includes('%')) return url
  const path = decodePath(rawPath).replace(PATH_SAFE, (c) => encodeURIComponent(c))
  return q === -1 ? path : path + url.slice(q)
}

