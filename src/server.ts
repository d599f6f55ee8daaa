// buildServer(config): an un-listened Fastify instance with everything
// registered explicitly, in one visible order. Only src/cli.ts listens.
import { createRequire } from 'node:module'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import { ADMIN_PREFIX, adminPlugin } from './admin/plugin.js'
import { loadApiKeysFile } from './auth/api-keys-file.js'
import type { Config } from './config.js'
import { scopesOwningAll, type ApiKeyScopes } from './fastapi/api-key.js'
import { fastApiErrorHandler } from './fastapi/error-handler.js'
import { invalidRequestHandler, makeServerFactory } from './fastapi/http-server.js'
import { makeRequestScheme } from './fastapi/proxy-headers.js'
import { JSON_CONTENT_TYPE } from './fastapi/errors.js'
import { parseQueryString } from './fastapi/urllib.js'
import { canonicalTarget, makeNotFoundHandler } from './fastapi/routing.js'
import { makeFaultHook } from './faults/fault-hook.js'
import { makeFaultRules, type FaultRules } from './faults/fault-rules.js'
import { makeJournal, makeJournalHook, maskSecretHeaders, type Journal } from './journal/request-journal.js'
import { lazyChildLogger } from './log/lazy-child-logger.js'
import { stdoutDestination, type LineSink } from './log/stdout-destination.js'
import { registerCors } from './plugins/cors.js'
import { DOCS_PATH, registerOpenApi } from './plugins/openapi.js'
import { healthRoutes } from './routes/health.js'
import { EMULATED_ROUTES, emulatedApi } from './routes/emulated-routes.js'
import { lazySerializers } from './schemas/lazy-serializers.js'
import { HTTPValidationErrorSchema, SessionListResponseSchema, SessionSummarySchema, ValidationErrorSchema } from './schemas/list-sessions.js'
import { makeClock, type Clock } from './clock/clock.js'
import { WORKER_SEED_THRESHOLD } from './seed/build-seeded-database.js'
import { makeDataset, type Dataset, type SeedApart } from './seed/dataset.js'
import { loadFixtures, type Fixtures } from './seed/fixtures.js'
import { SEED_CLOCK_US } from './seed/generate.js'
import { makeLiveSessions, type LiveSessions } from './seed/lifecycle.js'
import { seedStore } from './seed/seed-store.js'
import { buildSeededFile, seededTotal, scratchPath } from './seed/seeded-file.js'
import { parseDateTimeMicros } from './store/datetime.js'
import type { Seeding } from './store/seeding.js'
import { openSessionsStore, type SessionsStore } from './store/sessions-store.js'
import { makeSwappableStore, type SwappableStore } from './store/swappable-store.js'

// Fastify's own JSON media type; Starlette sends no charset (§6, §9).
const FASTIFY_JSON = 'application/json; charset=utf-8'

const describeSeeding = ({ seed, sessionsPerAgent }: Seeding): string =>
  `--seed ${seed} and ${sessionsPerAgent === null ? "the fixtures' sessions per agent" : `--sessions-per-agent ${sessionsPerAgent}`}`

interface SeededStore {
  store: SessionsStore
  // How the data it serves was seeded: as asked, or as the --db file records.
  seeding: Seeding
  // Set when a --db file's data, kept, was seeded otherwise than asked.
  kept: string | null
}

// Seeds an empty store, or any with --reseed; a --db file holding data keeps
// it, and its seed. A bad --db file is a StartupError from openSessionsStore
// (src/store/database.ts). A seed of more than `threshold` sessions in all
// (seededTotal) is built in worker threads (src/seed/seeded-file.ts), so generating and
// writing run on two cores; a small one is seeded in-process, which starts
// faster than a worker.
const openSeededStore = async (config: Config, fixtures: Fixtures, threshold: number): Promise<SeededStore> => {
  const store = openSessionsStore(config.db)
  const asked: Seeding = { seed: config.seed, sessionsPerAgent: config.sessionsPerAgent }
  try {
    if (config.reseed || store.isEmpty()) {
      if (seededTotal(fixtures, asked.sessionsPerAgent) <= threshold) {
        seedStore(store, fixtures, asked)
        return { store, seeding: asked, kept: null }
      }
      // The --db file stays open (and locked) while the new one is built next to it.
      const built = await buildSeededFile(config.db, config.fixturesDir, asked)
      store.close()
      return { store: built.open(), seeding: asked, kept: null }
    }
  /* c8 ignore start: seeding a fresh store fails only on a full disk or a bug */
  } catch (err) {
    store.close()
    throw err
  }
  /* c8 ignore stop */
  // null: a file seeded before the record existed; its seed is not known.
  const recorded = store.seeding()
  if (recorded === null) return { store, seeding: asked, kept: null }
  const same = recorded.seed === asked.seed && recorded.sessionsPerAgent === asked.sessionsPerAgent
  return {
    store,
    seeding: recorded,
    kept: same
      ? null
      : `--db ${config.db}: keeping the file's data, seeded with ${describeSeeding(recorded)}, not with ${describeSeeding(asked)} as this start asks; ` +
        'start with --reseed (MEIBEL_MOCK_RESEED=1) to replace it with data seeded from the options given'
  }
}

// --clock: pinned or live from the pinned instant, or pinned at the one given
// (checked by src/config.ts).
const makeEmulatorClock = (config: Config): Clock => makeClock({
  mode: config.clock === 'live' ? 'live' : 'pinned',
  speed: config.clockSpeed,
  startUs: config.clock === 'live' || config.clock === 'pinned' ? SEED_CLOCK_US : parseDateTimeMicros(config.clock)!
})

interface AdminState { dataset: Dataset, journal: Journal, faults: FaultRules, clock: Clock }

// A big reseed is built apart, then swapped in: the old database closes, the
// new one is opened in its place (with --db, renamed over the --db file).
const seedApart = (store: SwappableStore, config: Config, threshold: number): SeedApart => ({
  threshold,
  build: async (seeding) => {
    const built = await buildSeededFile(config.db, config.fixturesDir, seeding)
    // A build that ends after the server closed is not swapped in (the
    // closed store cannot hand its snapshot on): its file goes.
    try {
      store.swap(built.open, scratchPath(config.db, 'snapshot'))
    } finally {
      built.discard()
    }
  }
})

const adminState = (store: SwappableStore, fixtures: Fixtures, config: Config, seed: number, live: LiveSessions, clock: Clock, threshold: number): AdminState => {
  const dataset = makeDataset(store, fixtures, seed, live, seedApart(store, config, threshold))
  return { dataset, journal: makeJournal(config.journalSize, config.journalBytes), faults: makeFaultRules(() => dataset.seed), clock }
}

// --api-keys-file, --api-keys, or any non-empty key (null).
const apiKeyScopes = (config: Config): ApiKeyScopes | null => {
  if (config.apiKeysFile !== null) return loadApiKeysFile(config.apiKeysFile)
  return config.apiKeys === null ? null : scopesOwningAll(config.apiKeys)
}

export interface BuildOptions {
  // Where the logs go (default stdout, src/log/stdout-destination.ts); tests read them from here.
  logStream?: LineSink
  // Aborted when the shutdown deadline is reached (src/start.ts): pending
  // delays (Prefer: delay, a fault's delay_ms) end at once.
  deadline?: AbortSignal
  // Whether stdout is a terminal (only the CLI knows): the default log
  // format is pretty there, colored when the logs go to stdout.
  terminal?: boolean
  // Seeds of more sessions in all than this are built in worker threads
  // (default WORKER_SEED_THRESHOLD); tests lower it to go that way quickly.
  workerSeedThreshold?: number
}

// What start.ts's banner tells about the instance, as it was at start.
export interface StartupSummary {
  // ':memory:' or the --db path.
  db: string
  seeding: Seeding
  agents: number
  sessions: number
  // Paths under the instance's URL; control is null with --no-admin.
  paths: { api: string, docs: string, control: string | null }
}

declare module 'fastify' {
  interface FastifyInstance {
    startupSummary: StartupSummary
  }
}

// --log-format pretty: pino-pretty's formatting of each JSON line, written
// synchronously (loaded only then: the programmatic API and JSON logs never
// pay for it). The banner's fields are in its message already. Required,
// not imported: the bundled CLI runs from a code cache, where V8 has no way
// back to a dynamic import (scripts/cli-entry.mjs).
const prettyLines = (out: LineSink, colorize: boolean): LineSink => {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty')
  const pretty = prettyFactory({ colorize, ignore: 'pid,hostname,banner', translateTime: 'SYS:HH:MM:ss.l' })
  return { write: (line) => { out.write(pretty(line)) } }
}

export const buildServer = async (config: Config, { logStream, deadline, terminal = false, workerSeedThreshold = WORKER_SEED_THRESHOLD }: BuildOptions = {}): Promise<FastifyInstance> => {
  // Fixtures and the keys file are checked on every start, so a bad file
  // fails fast even when a --db file was seeded before.
  const fixtures = loadFixtures(config.fixturesDir)
  const apiKeys = apiKeyScopes(config)
  const seeded = await openSeededStore(config, fixtures, workerSeedThreshold)
  const { seeding, kept } = seeded
  // Every part holds this store; a reseed swaps the database under it.
  const store = makeSwappableStore(seeded.store)
  // The emulator clock, attached to the store: every read sees the data at
  // its instant (src/seed/lifecycle.ts). Sessions spawn from the data's seed.
  const clock = makeEmulatorClock(config)
  const live = makeLiveSessions(store, clock, fixtures.agents, seeding.seed)
  // The control API's state: the dataset (with a snapshot of the state right
  // after start), the request journal, the fault rules and the clock. None of
  // it exists with --no-admin, so the emulated API then records nothing.
  const admin = config.admin ? adminState(store, fixtures, config, seeding.seed, live, clock, workerSeedThreshold) : null
  // Only the control API reads request bodies (src/fastapi/http-server.ts).
  const readsBody = (url: string): boolean => admin !== null && (url === ADMIN_PREFIX || url.startsWith(`${ADMIN_PREFIX}/`) || url.startsWith(`${ADMIN_PREFIX}?`))

  // FastAPI's router for requests no route takes (§3.2), with uvicorn's proxy headers (§14).
  const requestScheme = makeRequestScheme(config.forwardedAllowIps)
  const notFoundHandler = makeNotFoundHandler(EMULATED_ROUTES, (request) => requestScheme(request.raw.rawHeaders, request.raw.socket.remoteAddress))
  const out = logStream ?? stdoutDestination()
  const stream = (config.logFormat ?? (terminal ? 'pretty' : 'json')) === 'pretty'
    ? prettyLines(out, terminal && logStream === undefined)
    : out

  const app = Fastify({
    logger: {
      level: config.logLevel,
      stream,
      // At debug, each request is logged with its headers (what did my client
      // send?), the secret ones (API key, credentials, cookies) redacted as
      // in the journal.
      serializers: { req: (req) => ({ method: req.method, url: req.url, headers: maskSecretHeaders(req.headers, '[redacted]') }) }
    },
    // Per-request logs only at debug and trace: they cost throughput.
    logController: new LogController({ disableRequestLogging: !['debug', 'trace'].includes(config.logLevel) }),
    // request.log made on its first use: most requests never log.
    childLoggerFactory: lazyChildLogger,
    // FastAPI adds no HEAD route to a GET route (§7 R405).
    exposeHeadRoutes: false,
    // A request that arrives while the drain runs (src/start.ts) is answered
    // as usual, with Connection: close, not with Fastify's own 503 body.
    return503OnClosing: false,
    routerOptions: {
      // Agent ids of any length reach the route instead of a 414 (Node's
      // 16 KiB header limit bounds the request line long before this).
      maxParamLength: 65536,
      // §4 QS: Starlette's parse_qsl, not Node's querystring.
      querystringParser: parseQueryString
    },
    // §3.1: route on the path as uvicorn decodes it (src/fastapi/routing.ts).
    rewriteUrl: (req) => canonicalTarget(req.url!, EMULATED_ROUTES),
    // §13: uvicorn's HTTP layer where Node lets the emulator choose.
    serverFactory: makeServerFactory(readsBody),
    clientErrorHandler: invalidRequestHandler,
    // §13.5: a target find-my-way cannot take (CONNECT's `host:port`) is
    // uvicorn's path as it stands, which no route matches. (The one other
    // framework error, of async constraints, cannot arise: no route has one.)
    frameworkErrors: (_error, request, reply) => { notFoundHandler(request, reply) },
    // Response serializers compiled on first use (src/schemas/lazy-serializers.ts).
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } }
  })

  if (kept !== null) app.log.warn({ db: config.db, seeded: seeding }, kept)
  const agents = store.listAgents()
  app.decorate('startupSummary', {
    db: config.db,
    seeding,
    agents: agents.length,
    sessions: agents.reduce((sum, agent) => sum + agent.sessions_count, 0),
    paths: { api: EMULATED_ROUTES.prefix, docs: DOCS_PATH, control: admin === null ? null : ADMIN_PREFIX }
  } satisfies StartupSummary)

  // 1. Replies: FastAPI's bodies and Starlette's content type.
  app.setErrorHandler(fastApiErrorHandler)
  app.setNotFoundHandler(notFoundHandler)
  // Once close() has begun, answers in flight tell keep-alive clients not to
  // reuse the connection, instead of letting their next request hit a reset.
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    done()
  })
  // Logged as Fastify closes the listening socket (after the preClose hooks),
  // so once the line is out (logs are written as they are logged,
  // src/log/stdout-destination.ts) no new connection is accepted.
  const stopListening = app.server.close.bind(app.server)
  app.server.close = (callback) => {
    stopListening(callback)
    app.log.info('no longer accepting connections')
    return app.server
  }
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

  // 3c. §3.2: a request no route takes gets FastAPI's 404, 405 or 307 from a
  // root onRequest hook, before Fastify looks at its body: FastAPI reads no
  // body there, so no Content-Type (empty, malformed, a list) and no method
  // (QUERY without one) gets Fastify's 415 or 400. After the CORS hooks, so
  // those answers keep their CORS headers.
  // §13.5: an absolute-form or `*` target is uvicorn's path as it stands, which no route matches.
  // Synchronous: no promise per request; answering, it does not call done.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.is404 || !request.raw.url!.startsWith('/')) notFoundHandler(request, reply)
    else done()
  })

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
    faults: (listed) => makeFaultHook({ rules: admin?.faults ?? null, journal: admin?.journal ?? null, listed, deadline })
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
