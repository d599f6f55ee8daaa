// The control API, registered by buildServer with prefix /__admin after the
// emulated API, as an encapsulated plugin: its JSON body parser, validator,
// serializer, error handler, token check and OpenAPI document stay inside
// this scope, so the emulated API still parses no bodies, keeps FastAPI's
// errors and its own document (/openapi.json, /docs) lists no admin route.
import { PassThrough } from 'node:stream'
import type { FastifyPluginAsync, preParsingAsyncHookHandler } from 'fastify'
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { Type, type TSchema } from '@sinclair/typebox'
import { InvalidError } from '../errors.js'
import { HTTP_STATUS_PHRASES } from '../fastapi/status-phrases.js'
import type { FaultRules } from '../faults/fault-rules.js'
import type { Journal } from '../journal/request-journal.js'
import { ErrorSchema } from '../schemas/admin.js'
import type { Dataset } from '../seed/dataset.js'
import type { Clock } from '../clock/clock.js'
import { agentRoutes } from './agents.js'
import { clockRoutes } from './clock.js'
import { datasetRoutes } from './dataset.js'
import { adminErrorHandler } from './errors.js'
import { faultRoutes } from './faults.js'
import { requestRoutes } from './requests.js'
import { makeAdminTokenHook } from './token.js'
import { versionRoutes } from './version.js'
import { checkParsedBody, nestsTooDeep, TOO_DEEP, typeBoxValidatorCompiler } from './validation.js'

export const ADMIN_PREFIX = '/__admin'

// The bodies the control API takes: at most Fastify's bodyLimit (1 MiB, the
// bulk insert 64 MiB: src/admin/agents.ts), counted while the body streams
// in, and whole within BODY_TIMEOUT_MS of the headers being read, else a 408
// and the connection is closed. A stalled upload is not kept waiting (with a
// token it is not read at all: the onRequest check answers first).
export const BODY_TIMEOUT_MS = 10_000
export const BODY_TIMEOUT_DETAIL = `The request body did not arrive within ${BODY_TIMEOUT_MS / 1000} s`

// The body reaches the JSON parser through a stream that fails with a 408
// when the time is up. Cleared when the body has arrived, and when the
// answer is over (a 401 or 415 answered before the body was read).
const bodyTimeout: preParsingAsyncHookHandler = async (_request, reply, payload) => {
  const timed = new PassThrough()
  const timer = setTimeout(() => {
    payload.unpipe(timed)
    reply.header('connection', 'close')
    timed.destroy(Object.assign(new Error(BODY_TIMEOUT_DETAIL), { statusCode: 408 }))
  }, BODY_TIMEOUT_MS)
  const stop = (): void => { clearTimeout(timer) }
  payload.once('end', stop)
  reply.raw.once('close', stop)
  payload.on('error', (error) => { stop(); timed.destroy(error) })
  return payload.pipe(timed)
}

export interface AdminOptions {
  dataset: Dataset
  journal: Journal
  faults: FaultRules
  clock: Clock
  // null: no token needed.
  token: string | null
}

interface RouteSchema {
  hide?: boolean
  operationId?: string
  response?: Record<string, TSchema>
}

// How an admin route appears in the control API's document. Every admin
// route is `hide: true`, which keeps it out of the emulated API's document
// (the root @fastify/swagger sees every route); here the documented ones,
// those with an operationId, are shown again. A response is described by its
// schema's description below 400, else by its status phrase (not by the
// referenced AdminError's description); with a token, every operation can
// answer a 401.
export const adminOperation = (secured: boolean) => ({ schema, url }: { schema?: RouteSchema, url: string }): { schema?: RouteSchema, url: string } => {
  if (schema?.operationId === undefined) return { schema, url }
  const response: Record<string, TSchema> = {}
  const listed = Object.entries(schema.response ?? {})
  if (secured) listed.push(['401', ErrorSchema])
  for (const [status, answer] of listed) {
    const own = Number(status) < 400 ? answer.description as string | undefined : undefined
    const description = own ?? HTTP_STATUS_PHRASES.get(Number(status))!
    // A schema with an $id (AdminError) is a component, referred to by name.
    response[status] = typeof answer.$id === 'string'
      ? Type.Unsafe({ $ref: `#/components/schemas/${answer.$id}`, description })
      : { ...answer, 'x-response-description': description }
  }
  return { schema: { ...schema, hide: false, ...(listed.length === 0 ? {} : { response }) }, url }
}

type Json = Record<string, unknown>

// The components the document refers to, with the ones those refer to: the
// scope also sees the emulated API's shared schemas (SessionListResponse, ...),
// which no control route uses.
const referencedOnly = (document: Json & { components: { schemas: Json } }): Json => {
  const { schemas } = document.components
  const used = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(visit); return }
    if (typeof node !== 'object' || node === null) return
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '')
        if (!used.has(name)) { used.add(name); visit(schemas[name]) }
      } else visit(value)
    }
  }
  visit({ ...document, components: { ...document.components, schemas: {} } })
  document.components.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)))
  return document
}

const withoutId = ({ $id, ...schema }: TSchema): Json => JSON.parse(JSON.stringify(schema)) as Json

const documentOptions = (secured: boolean): FastifyDynamicSwaggerOptions => ({
  // Its own decorator, beside the emulated API's `swagger`.
  decorator: 'adminSwagger',
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'meibel-mock control API',
      version: '1.0.0',
      description: 'Test-suite controls of the emulator: its data, a journal of the requests to the emulated API, ' +
        'and faults. Not part of the emulated Meibel AI API or its document (/openapi.json).'
    },
    tags: [
      { name: 'Data', description: 'Agents and sessions, reset and reseed' },
      { name: 'Request journal', description: 'The last requests to the emulated API' },
      { name: 'Faults', description: 'Errors, delays and dropped connections for List Sessions' },
      { name: 'Clock', description: 'The emulator clock that sessions run, end and start by' },
      { name: 'Instance', description: 'Which emulator, contract and seed answer' }
    ],
    ...(secured ? { security: [{ AdminToken: [] }] } : {}),
    components: {
      schemas: { [ErrorSchema.$id!]: withoutId(ErrorSchema) },
      securitySchemes: { AdminToken: { type: 'http', scheme: 'bearer', description: 'MEIBEL_MOCK_ADMIN_TOKEN' } }
    }
  },
  transform: adminOperation(secured) as FastifyDynamicSwaggerOptions['transform'],
  transformObject: (documentObject) => referencedOnly((documentObject as { openapiObject: Json & { components: { schemas: Json } } }).openapiObject),
  // Components keep their names (AdminError, SessionSummary), not def-N.
  refResolver: { buildLocalReference: (json) => json.$id as string }
})

declare module 'fastify' {
  interface FastifyInstance {
    adminSwagger: FastifyInstance['swagger']
  }
}

export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (app, { dataset, journal, faults, clock, token }) => {
  // The root removed every parser; JSON comes back here only. An empty body
  // counts as none, since clients send `content-type: application/json` on a
  // bare POST /reset. A body is refused (422) when it nests too deep or holds
  // a number out of a double's range (src/admin/validation.ts), before its
  // schema is checked.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    if (bytes.length === 0) { done(null, undefined); return }
    parseJson(request, bytes.toString('utf8'), (error, value: unknown) => {
      if (error !== null) { done(nestsTooDeep(bytes) ? new InvalidError(`body: ${TOO_DEEP}`) : error, undefined); return }
      try {
        checkParsedBody(value)
      } catch (invalid) {
        done(invalid as Error, undefined)
        return
      }
      done(null, value)
    })
  })
  app.addHook('preParsing', bodyTimeout)
  app.setErrorHandler(adminErrorHandler)
  app.setValidatorCompiler(typeBoxValidatorCompiler)
  // Answers are written by Fastify's default serializer, fast-json-stringify
  // compiled from each route's response schemas (keys in schema order).
  // Before the docs: the token guards them too.
  if (token !== null) app.addHook('onRequest', makeAdminTokenHook(token))

  // Before the routes, whose onRoute hooks it collects.
  await app.register(swagger, documentOptions(token !== null))
  await app.register(agentRoutes, { dataset })
  await app.register(datasetRoutes, { dataset, journal, faults })
  await app.register(requestRoutes, { journal })
  await app.register(faultRoutes, { faults })
  await app.register(versionRoutes, { dataset })
  await app.register(clockRoutes, { clock })

  // The document has no response schema (it is one of any shape); the
  // default serializer writes it with JSON.stringify.
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.adminSwagger())
  // Swagger UI reads the `swagger` decorator, the emulated API's document:
  // its JSON route is pointed at this scope's instead.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    indexPrefix: ADMIN_PREFIX,
    transformSpecification: () => app.adminSwagger(),
    transformSpecificationClone: false
  })
}
