// Shared by the control API's tests: a server over the golden fixtures (or
// the default ones), and JSON requests through app.inject.
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { makeConfig, type Config } from '../../src/config.js'
import { buildServer } from '../../src/server.js'

export const GOLDEN_FIXTURES = fileURLToPath(new URL('../fixtures/golden', import.meta.url))
export const KEY = { 'meibel-api-key': 'test-key' }

export const makeApp = async (overrides: Partial<Config> = {}): Promise<FastifyInstance> =>
  await buildServer(makeConfig({ logLevel: 'silent', ...overrides }))

export interface Call {
  status: number
  body: string
  json: any
  headers: LightMyRequestResponse['headers']
}

export const call = async (app: FastifyInstance, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Call> => {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) })
  })
  let json: unknown
  try { json = JSON.parse(res.body) } catch { json = undefined }
  return { status: res.statusCode, body: res.body, json, headers: res.headers }
}

// List Sessions as a client calls it.
export const listSessions = async (app: FastifyInstance, agentId: string, query = '', headers: Record<string, string> = KEY): Promise<Call> =>
  await call(app, 'GET', `/v2/agents/${encodeURIComponent(agentId)}/sessions${query === '' ? '' : `?${query}`}`, undefined, headers)
