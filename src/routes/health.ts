// GET /health (the process is up) and GET /ready (the database is open,
// seeded and working): no API key, outside the emulated API and its OpenAPI
// document.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { Readiness, SessionsStore } from '../store/sessions-store.js'

const HealthSchema = Type.Object({ status: Type.String() })

// 503 bodies: before the data is there ('starting'), and after a database
// failure while running ('unavailable', until a restart; see README, Reliability).
const NOT_READY: Record<Exclude<Readiness, 'ready'>, { status: string }> = {
  starting: { status: 'starting' },
  unavailable: { status: 'unavailable' }
}

export const healthRoutes: FastifyPluginAsync<{ store: SessionsStore }> = async (app, { store }) => {
  const schema = { hide: true, response: { 200: HealthSchema, 503: HealthSchema } }
  app.get('/health', { schema }, async () => ({ status: 'ok' }))
  app.get('/ready', { schema }, async (_request, reply) => {
    const readiness = store.readiness()
    if (readiness === 'ready') return { status: 'ready' }
    return reply.code(503).send(NOT_READY[readiness])
  })
}
