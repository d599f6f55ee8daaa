// Fault rules: POST, GET and DELETE /faults, DELETE /faults/{id}.
import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { NotFoundError } from '../errors.js'
import type { FaultRules } from '../faults/fault-rules.js'
import { DeletedSchema, ErrorSchema, FaultListSchema, FaultParamsSchema, FaultRuleInputSchema, FaultRuleSchema } from '../schemas/admin.js'

const TAGS = ['Faults']

export const faultRoutes: FastifyPluginAsync<{ faults: FaultRules }> = async (plain, { faults }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()

  app.post('/faults', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Add a fault rule for List Sessions',
      description: 'Rules apply after routing and before the API-key check, in the order they were added: the first ' +
        'matching rule that is not used up applies, and wins over a Prefer header. Without status and body the normal ' +
        'answer follows (after delay_ms, with headers).',
      operationId: 'addFault',
      body: FaultRuleInputSchema,
      response: { 201: FaultRuleSchema, 422: ErrorSchema }
    }
  }, async (request, reply) => reply.code(201).send(faults.add(request.body)))

  app.get('/faults', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'List the fault rules',
      operationId: 'listFaults',
      response: { 200: FaultListSchema }
    }
  }, async () => {
    const data = faults.list()
    return { data, total: data.length }
  })

  app.delete('/faults', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Remove every fault rule',
      operationId: 'clearFaults',
      response: { 200: DeletedSchema }
    }
  }, async () => ({ deleted: faults.clear() }))

  app.delete('/faults/:id', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Remove one fault rule',
      operationId: 'deleteFault',
      params: FaultParamsSchema,
      response: { 200: DeletedSchema, 404: ErrorSchema }
    }
  }, async (request) => {
    if (!faults.remove(request.params.id)) throw new NotFoundError(`fault rule ${JSON.stringify(request.params.id)} not found`)
    return { deleted: 1 }
  })
}
