// buildServer(config): an un-listened Fastify instance with everything
// registered explicitly, in one visible order. Only src/cli.ts listens.
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import { ADMIN_PREFIX, adminPlugin } from './admin/plugin.js'
import { loadApiKeysFile } from './auth/api-keys-file.js'
import type { Config } from './config.js'
import { scopesOwningAll, type ApiKeyScopes } from './fastapi/api-key.js'
import { fastApiErrorHandler } from './fastapi/error-handler.js'
import { JSON_CONTENT_TYPE } from './fastapi/errors.js'
import { parseQueryString } from './fastapi/urllib.js'
import { canonicalTarget, makeNotFoundHandler } from './fastapi/routing.js'
import { makeFaultHook } from './faults/fault-hook.js'
import { makeFaultRules, type FaultRules } from './faults/fault-rules.js'
import { makeJournal, makeJournalHook, maskSecretHeaders, type Journal } from './journal/request-journal.js'
import { registerCors } from './plugins/cors.js'
import { registerOpenApi } from './plugins/openapi.js'
import { healthRoutes } from './routes/health.js'
import { EMULATED_ROUTES, emulatedApi } from './routes/emulated-routes.js'
import { HTTPValidationErrorSchema, SessionListResponseSchema, SessionSummarySchema, ValidationErrorSchema } from './schemas/list-sessions.js'
import { makeDataset, type Dataset } from './seed/dataset.js'
import { loadFixtures, type Fixtures } from './seed/fixtures.js'
import { seedStore } from './seed/seed-store.js'
import { openSessionsStore, type SessionsStore } from './store/sessions-store.js'

// Fastify's own JSON media type; Starlette sends no charset (§6, §9).
const FASTIFY_JSON = 'application/json; charset=utf-8'

// A bad --db file is a StartupError from openSessionsStore (src/store/database.ts).
const openSeededStore = (config: Config, fixtures: Fixtures): SessionsStore => {
  const store = openSessionsStore(config.db)
  try {
    if (store.isEmpty()) seedStore(store, fixtures, { seed: config.seed })
  /* c8 ignore start: seeding a fresh store fails only on a full disk or a bug */
  } catch (err) {
    store.close()
    throw err
  }
  /* c8 ignore stop */
  return store
}

const adminState = (store: SessionsStore, fixtures: Fixtures, config: Config): { dataset: Dataset, journal: Journal, faults: FaultRules } => {
  const dataset = makeDataset(store, fixtures, config.seed)
  return { dataset, journal: makeJournal(config.journalSize, config.journalBytes), faults: makeFaultRules(() => dataset.seed) }
}

// --api-keys-file, --api-keys, or any non-empty key (null).
const apiKeyScopes = (config: Config): ApiKeyScopes | null => {
  if (config.apiKeysFile !== null) return loadApiKeysFile(config.apiKeysFile)
  return config.apiKeys === null ? null : scopesOwningAll(config.apiKeys)
}

export interface BuildOptions {
  // Where the logs go (default stdout); tests read them from here.
  logStream?: { write: (line: string) => void }
}

export const buildServer = async (config: Config, { logStream }: BuildOptions = {}): Promise<FastifyInstance> => {
  // Fixtures and the keys file are checked on every start, so a bad file
  // fails fast even when a --db file was seeded before.
  const fixtures = loadFixtures(config.fixturesDir)
  const apiKeys = apiKeyScopes(config)
  const store = openSeededStore(config, fixtures)
  // The control API's state: the dataset (with a snapshot of the state right
  // after start), the request journal and the fault rules. None of it exists
  // with --no-admin, so the emulated API then records nothing.
  const admin = config.admin ? adminState(store, fixtures, config) : null

  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(logStream === undefined ? {} : { stream: logStream }),
      // At debug, each request is logged with its headers (what did my client
      // send?), the secret ones (API key, credentials, cookies) redacted as
      // in the journal.
      serializers: { req: (req) => ({ method: req.method, url: req.url, headers: maskSecretHeaders(req.headers, '[redacted]') }) }
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
    // §3.1: route on the path as uvicorn decodes it (src/fastapi/routing.ts).
    rewriteUrl: (req) => canonicalTarget(req.url!)
  })

  // 1. Replies: FastAPI's bodies and Starlette's content type.
  app.setErrorHandler(fastApiErrorHandler)
  const notFoundHandler = makeNotFoundHandler(EMULATED_ROUTES)
  app.setNotFoundHandler(notFoundHandler)
  // Once close() has begun, answers in flight tell keep-alive clients not to
  // reuse the connection, instead of letting their next request hit a reset.
  // Synchronous on purpose: Fastify closes the listening socket right after
  // the last preClose hook, in the same tick, so once this line is logged no
  // new connection is accepted.
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    app.log.info('no longer accepting connections')
    done()
  })
  // Synchronous, and a no-op for answers that set their headers in this
  // order already (src/fastapi/json-reply.ts): no promise per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    const type = reply.getHeader('content-type')
    const length = reply.getHeader('content-length')
    if ((type === FASTIFY_JSON || type === JSON_CONTENT_TYPE) && (closing || length === undefined)) {
      // Starlette's header order: content-length, then content-type, after
      // any header the response set itself (www-authenticate, allow). An
      // empty content-length holds its place; Fastify fills in the byte
      // length right after this hook, as it would anyway.
      reply.removeHeader('content-type')
      reply.removeHeader('content-length')
      reply.header('content-length', length ?? '')
      reply.header('content-type', JSON_CONTENT_TYPE)
    }
    done(null, payload)
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

  // 3. The request journal: a root hook, so it also sees the not-found
  // handler's 404, 405 and 307 answers under /v2.
  if (admin !== null) app.addHook('onResponse', makeJournalHook(admin.journal))

  // 3b. CORS for browser front ends (--cors, src/plugins/cors.ts): root
  // onRequest hooks, so a preflight is answered before routing answers 405 or
  // any route's key check runs; after the journal hook, which then records
  // preflights too. Off, nothing is registered and OPTIONS keeps FastAPI's 405.
  if (config.cors !== null) {
    await registerCors(app, { origins: config.cors, adminPrefix: admin === null ? null : ADMIN_PREFIX, unrouted: notFoundHandler })
  }

  // 4. Documentation, then routes; the control API last, outside the emulated
  // API's document (its routes are hidden there).
  await registerOpenApi(app, EMULATED_ROUTES.prefix)
  await app.register(healthRoutes, { store })
  await app.register(emulatedApi, {
    prefix: EMULATED_ROUTES.prefix,
    store,
    apiKeys,
    strict: config.strict,
    // Prefer headers work with or without the control API; rules need it.
    faults: (listed) => makeFaultHook({ rules: admin?.faults ?? null, journal: admin?.journal ?? null, listed })
  })
  if (admin !== null) await app.register(adminPlugin, { prefix: ADMIN_PREFIX, ...admin, token: config.adminToken })

  // A database failure while running: one error line per kind (SQLITE_CORRUPT,
  // SQLITE_IOERR, ...), not one per request; /ready answers 503 from then on.
  store.onFailure(({ kind, message }) => {
    app.log.error({ kind }, `database failure ${kind}: ${message}; GET /ready answers 503 until a restart`)
  })
  app.addHook('onClose', async () => { store.close() })
  return app
}
