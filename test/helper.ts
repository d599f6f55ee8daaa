// The one way tests build the app: buildServer over makeConfig with logs
// silenced, closed when the test ends. Requests go through app.inject.
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { makeConfig, type Config } from '../src/config.js'
import { buildServer, type BuildOptions } from '../src/server.js'

// Small hand-written fixtures whose bytes the golden cases spell out.
export const GOLDEN_FIXTURES = fileURLToPath(new URL('fixtures/golden', import.meta.url))
export const KEY = { 'meibel-api-key': 'test-key' }

export const build = async (t: Test, overrides: Partial<Config> = {}, options: BuildOptions = {}): Promise<FastifyInstance> => {
  const app = await buildServer(makeConfig({ logLevel: 'silent', ...overrides }), options)
  t.teardown(async () => await app.close())
  return app
}

export interface Call {
  status: number
  body: string
  json: any
  headers: LightMyRequestResponse['headers']
}

// A request with an optional JSON body; `json` is the parsed body when it is JSON.
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
