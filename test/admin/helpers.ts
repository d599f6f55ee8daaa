// Shared by the control API's tests; the request helpers live in test/helper.ts.
import type { FastifyInstance } from 'fastify'
import { makeConfig, type Config } from '../../src/config.js'
import { buildServer } from '../../src/server.js'

export { GOLDEN_FIXTURES, KEY, call, listSessions, type Call } from '../helper.js'

export const makeApp = async (overrides: Partial<Config> = {}): Promise<FastifyInstance> =>
  await buildServer(makeConfig({ logLevel: 'silent', ...overrides }))
