// GET /health (the process is up) and GET /ready (the database is open and
// seeded): no API key, outside the emulated API and its OpenAPI document.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { SessionsStore } from '../store/sessions-store.js'

const HealthSchema = Type.Object({ status: Type.String() })

export const healthRoutes: FastifyPluginAsync<{ store: SessionsStore }> = async (app, { store }) => {
  const schema = { hide: true, response: { 200: HealthSchema, 503: HealthSchema } }
  app.get('/health', { schema }, async () => ({ status: 'ok' }))
  app.get('/ready', { schema }, async (_request, reply) => {
    if (store.open && !store.isEmpty()) return { status: 'ready' }
    return reply.code(503).send({ status: 'starting' })
  })
}
