// The one way tests build the app: buildServer over makeConfig with logs
// silenced, closed when the test ends. Requests go through app.inject.
// Only tests of buildServer's own start-up may call it directly, and say why.
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { makeConfig, type Config } from '../src/config.js'
import { buildServer, type BuildOptions } from '../src/server.js'

// Small hand-written fixtures whose bytes the golden cases spell out.
export const GOLDEN_FIXTURES = fileURLToPath(new URL('fixtures/golden', import.meta.url))
export const KEY = { 'meibel-api-key': 'test-key' }

// The sessions of test/fixtures/golden as pydantic serializes them (§9), written
// from the fixtures (test/routes/list-sessions.golden.json spells them out again
// in each expected body, as literal bytes).
export const S1 = '{"session_id":"s1","status":"COMPLETED","start_time":"2026-01-02T03:04:05Z","end_time":"2026-01-02T03:05:06.120000Z","agent_name":"Agent One","agent_version":"2.0.0","messages_count":4,"token_usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15},"result":[{"type":"message","content":"done é"}]}'
export const S2 = '{"session_id":"s2","status":"RUNNING","start_time":"2026-01-03T00:00:00.000007Z","end_time":null,"agent_name":"Agent One","agent_version":"2.0.0","messages_count":0,"token_usage":null,"result":[]}'
export const S3 = '{"session_id":"s3","status":"FAILED","start_time":"2026-01-02T03:04:05Z","end_time":"2026-01-02T03:04:06Z","agent_name":"Agent One","agent_version":"1.9.9","messages_count":1,"token_usage":null,"result":[]}'
export const S4 = '{"session_id":"s4","status":"CANCELED","start_time":"2025-12-31T23:59:59.999999Z","end_time":"2026-01-01T00:00:00Z","agent_name":null,"agent_version":null,"messages_count":0,"token_usage":null,"result":[]}'

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
