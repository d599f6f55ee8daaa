// The data: GET /agents, POST and DELETE /agents/{agent_id}/sessions,
// DELETE /agents/{agent_id}/sessions/{session_id}. Glue over the dataset.
import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  AgentListSchema, AgentParamsSchema, DeletedSchema, ErrorSchema, InsertSessionsBodySchema,
  InsertSessionsResponseSchema, SessionParamsSchema
} from '../schemas/admin.js'
import type { Dataset } from '../seed/dataset.js'

const TAGS = ['Data']

export const agentRoutes: FastifyPluginAsync<{ dataset: Dataset }> = async (plain, { dataset }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/agents', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'List the agents with their names and session counts',
      operationId: 'listAgents',
      response: { 200: AgentListSchema }
    }
  }, async () => {
    const data = dataset.listAgents()
    return { data, total: data.length }
  })

  app.post('/agents/:agent_id/sessions', {
    // Bulk inserts are larger than Fastify's 1 MiB default.
    bodyLimit: 64 * 1024 * 1024,
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Insert one session or a list of them, all or nothing',
      description: 'Fields left out are generated from the current seed, deterministically. An unknown agent is created ' +
        '(named after the first record giving agent_name); an empty list only creates it. Every change is visible to the next List Sessions call.',
      operationId: 'insertSessions',
      params: AgentParamsSchema,
      body: InsertSessionsBodySchema,
      response: { 201: InsertSessionsResponseSchema, 409: ErrorSchema, 422: ErrorSchema }
    }
  }, async (request, reply) => {
    const { body } = request
    const stored = dataset.insertSessions(request.params.agent_id, Array.isArray(body) ? body : [body])
    return reply.code(201).send(Array.isArray(body) ? stored : stored[0]!)
  })

  app.delete('/agents/:agent_id/sessions', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Delete every session of an agent (the agent stays, with none)',
      operationId: 'deleteAgentSessions',
      params: AgentParamsSchema,
      response: { 200: DeletedSchema, 404: ErrorSchema }
    }
  }, async (request) => ({ deleted: dataset.deleteSessions(request.params.agent_id) }))

  app.delete('/agents/:agent_id/sessions/:session_id', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Delete one session of an agent',
      operationId: 'deleteSession',
      params: SessionParamsSchema,
      response: { 200: DeletedSchema, 404: ErrorSchema }
    }
  }, async (request) => {
    dataset.deleteSession(request.params.agent_id, request.params.session_id)
    return { deleted: 1 }
  })
}
