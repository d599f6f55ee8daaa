// POST /reset (the state right after start) and POST /seed (a dataset from
// another seed). Both answer the agents, as GET /agents does.
import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FaultRules } from '../faults/fault-rules.js'
import type { Journal } from '../journal/request-journal.js'
import { AgentListSchema, SeedBodySchema } from '../schemas/admin.js'
import type { Dataset } from '../seed/dataset.js'

export interface DatasetRoutesOptions {
  dataset: Dataset
  journal: Journal
  faults: FaultRules
}

const TAGS = ['Data']

export const datasetRoutes: FastifyPluginAsync<DatasetRoutesOptions> = async (plain, { dataset, journal, faults }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const agents = (): { data: ReturnType<Dataset['listAgents']>, total: number } => {
    const data = dataset.listAgents()
    return { data, total: data.length }
  }

  app.post('/reset', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Back to the state right after start',
      description: 'The data as right after start (the same bytes), the start seed, the clock at its start instant, mode and speed, no fault rules, an empty journal; ' +
        'rule and journal ids start from 1 again.',
      operationId: 'reset',
      response: { 200: AgentListSchema }
    }
  }, async () => {
    dataset.reset()
    faults.reset()
    journal.reset()
    return agents()
  })

  app.post('/seed', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Regenerate the dataset from another seed',
      description: 'Replaces every agent and session with the fixtures plus sessions generated from `seed`; ' +
        'later inserts draw their generated fields from it too. Fault rules and the journal stay.',
      operationId: 'seed',
      body: SeedBodySchema,
      response: { 200: AgentListSchema }
    }
  }, async (request) => {
    // Answers once the new data is served: the next request sees it.
    await dataset.reseed(request.body.seed, request.body.sessions_per_agent)
    return agents()
  })
}
