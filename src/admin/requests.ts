// The request journal: GET /requests (filtered) and DELETE /requests.
import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { InvalidError } from '../errors.js'
import type { Journal } from '../journal/request-journal.js'
import { DeletedSchema, ErrorSchema, JournalListSchema, JournalQuerySchema } from '../schemas/admin.js'
import { parseDateTimeMicros } from '../store/datetime.js'

const TAGS = ['Request journal']

const toMs = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  const us = parseDateTimeMicros(text)
  if (us === null) throw new InvalidError(`query parameter "${name}": expected an RFC 3339 date-time with at most 6 fractional digits`)
  return us / 1000
}

export const requestRoutes: FastifyPluginAsync<{ journal: Journal }> = async (plain, { journal }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/requests', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'The last requests to the emulated API',
      description: `Oldest first; at most the journal size (--journal-size, now ${journal.size}). ` +
        'Every /v2 request is recorded, 401, 404, 405, 307, 422 and faulted ones included; API keys are masked.',
      operationId: 'listRequests',
      querystring: JournalQuerySchema,
      response: { 200: JournalListSchema, 422: ErrorSchema }
    }
  }, async (request) => {
    const { agent_id: agentId, status, since, until, limit } = request.query
    return journal.list({ agentId, status, sinceMs: toMs('since', since), untilMs: toMs('until', until), limit })
  })

  app.delete('/requests', {
    schema: {
      hide: true,
      tags: TAGS,
      summary: 'Clear the journal',
      operationId: 'clearRequests',
      response: { 200: DeletedSchema }
    }
  }, async () => ({ deleted: journal.clear() }))
}
