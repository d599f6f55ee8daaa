// GET /version: which emulator and which upstream contract answer, and the
// current seed, for a test suite's report or a bug filed against it.
import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { VersionSchema } from '../schemas/admin.js'
import type { Dataset } from '../seed/dataset.js'
import { CONTRACT_VERSION, EMULATOR_VERSION } from '../version.js'

export const versionRoutes: FastifyPluginAsync<{ dataset: Dataset }> = async (plain, { dataset }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/version', {
    schema: {
      hide: true,
      tags: ['Instance'],
      summary: "The emulator's version, the contract's and the seed",
      operationId: 'version',
      response: { 200: VersionSchema }
    }
  }, async () => ({ emulator: EMULATOR_VERSION, contract: CONTRACT_VERSION, seed: dataset.seed }))
}
