// The control API, registered by buildServer with prefix /__admin after the
// emulated API, as an encapsulated plugin: its JSON body parser, validator,
// serializer, error handler and token check stay inside this scope, so the
// emulated API still parses no bodies and keeps FastAPI's errors.
import type { FastifyPluginAsync } from 'fastify'
import type { FaultRules } from '../faults/fault-rules.js'
import type { Journal } from '../journal/request-journal.js'
import type { Dataset } from '../seed/dataset.js'
import { agentRoutes } from './agents.js'
import { datasetRoutes } from './dataset.js'
import { adminErrorHandler } from './errors.js'
import { faultRoutes } from './faults.js'
import { buildAdminDocument, collectRoute, type CollectedRoute } from './openapi.js'
import { requestRoutes } from './requests.js'
import { makeAdminTokenHook } from './token.js'
import { typeBoxValidatorCompiler } from './validation.js'

export const ADMIN_PREFIX = '/__admin'

export interface AdminOptions {
  dataset: Dataset
  journal: Journal
  faults: FaultRules
  // null: no token needed.
  token: string | null
}

export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (app, { dataset, journal, faults, token }) => {
  // The root removed every parser; JSON comes back here only. An empty body
  // counts as none, since clients send `content-type: application/json` on a
  // bare POST /reset.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') { done(null, undefined); return }
    parseJson(request, body as string, done)
  })
  app.setErrorHandler(adminErrorHandler)
  app.setValidatorCompiler(typeBoxValidatorCompiler)
  // Response schemas document the answers; JSON.stringify writes them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  if (token !== null) app.addHook('onRequest', makeAdminTokenHook(token))

  const routes: CollectedRoute[] = []
  app.addHook('onRoute', collectRoute(routes))
  await app.register(agentRoutes, { dataset })
  await app.register(datasetRoutes, { dataset, journal, faults })
  await app.register(requestRoutes, { journal })
  await app.register(faultRoutes, { faults })

  let document: string | undefined
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    document ??= JSON.stringify(buildAdminDocument(routes, { secured: token !== null }))
    return reply.type('application/json').send(document)
  })
}
