// The control client against real instances on 127.0.0.1 (port 0): every
// method, the errors it rejects with, the token, and what it does with
// answers that are not the control API's.
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ADMIN_PREFIX } from '../src/admin/plugin.js'
import { ADMIN_PATH, AdminClientError, createAdminClient, type AdminClient } from '../src/admin-client.js'
import { makeConfig, type Config } from '../src/config.js'
import { startServer, type RunningServer } from '../src/start.js'
import { GOLDEN_FIXTURES, KEY } from './helper.js'

// test/fixtures/golden: a1 ("Agent One" 2.0.0) with 3 sessions, "café agent" (no name, no version) with 1.
const GOLDEN_AGENTS = {
  data: [
    { agent_id: 'a1', agent_name: 'Agent One', agent_version: '2.0.0', sessions_count: 3 },
    { agent_id: 'café agent', agent_name: null, agent_version: null, sessions_count: 1 }
  ],
  total: 2
}

const start = async (t: Test, overrides: Partial<Config> = {}): Promise<RunningServer> => {
  const server = await startServer(makeConfig({ logLevel: 'silent', port: 0, fixturesDir: GOLDEN_FIXTURES, ...overrides }))
  t.teardown(server.close)
  return server
}

const listSessions = async (server: RunningServer, agentId: string, query = ''): Promise<{ status: number, body: any }> => {
  const res = await fetch(`${server.url}/v2/agents/${encodeURIComponent(agentId)}/sessions${query}`, { headers: KEY })
  return { status: res.status, body: await res.json() }
}

// The rejection of a call, checked to be an AdminClientError.
const rejection = async (t: Test, promise: Promise<unknown>): Promise<AdminClientError> => {
  const error = await promise.then(() => undefined, (err: unknown) => err)
  t.ok(error instanceof AdminClientError, 'rejects with an AdminClientError')
  return error as AdminClientError
}

t.test('ADMIN_PATH is the prefix the control API is registered with', async (t) => {
  t.equal(ADMIN_PATH, ADMIN_PREFIX)
})

t.test('agents, sessions.insert (one and a list), sessions.delete (one and all), seed and reset', async (t) => {
  const server = await start(t)
  const admin = createAdminClient(server.url)
  t.same(await admin.agents(), GOLDEN_AGENTS, 'agents() lists the fixtures\' agents')

  const one = await admin.sessions.insert('checkout-bot', { session_id: 's-1', status: 'RUNNING', start_time: '2026-11-20T09:00:00Z' })
  t.match(one, { session_id: 's-1', status: 'RUNNING', start_time: '2026-11-20T09:00:00Z', end_time: null }, 'one session in, one out')
  const list = await admin.sessions.insert('checkout-bot', [{ session_id: 's-2', status: 'FAILED' }, { session_id: 's-3', messages_count: 4 }])
  t.same(list.map((s) => s.session_id), ['s-2', 's-3'], 'a list in, a list out, in the order given')
  t.equal(list[1]!.messages_count, 4)
  t.equal((await listSessions(server, 'checkout-bot')).body.total, 3, 'List Sessions sees the three')
  t.same((await admin.agents()).data.find((a) => a.agent_id === 'checkout-bot'),
    { agent_id: 'checkout-bot', agent_name: null, agent_version: null, sessions_count: 3 }, 'the agent was created')

  t.same(await admin.sessions.delete('checkout-bot', 's-2'), { deleted: 1 }, 'one session deleted')
  t.same(await admin.sessions.delete('checkout-bot'), { deleted: 2 }, 'the rest deleted')
  t.equal((await listSessions(server, 'checkout-bot')).body.total, 0)

  const reseeded = await admin.seed({ seed: 5, sessions_per_agent: 2 })
  t.same(reseeded.data.map((a) => [a.agent_id, a.sessions_count]), [['a1', 5], ['café agent', 3]],
    'seed(): the fixtures plus 2 generated sessions per agent, the inserted agent gone')
  t.same(await admin.reset(), GOLDEN_AGENTS, 'reset(): the state right after start')
})

t.test('version: the emulator\'s, the contract\'s and the current seed', async (t) => {
  const server = await start(t, { seed: 11 })
  const admin = createAdminClient(server.url)
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  t.same(await admin.version(), { emulator: pkg.version, contract: '0.6.4', seed: 11 })
  await admin.seed({ seed: 12 })
  t.same(await admin.version(), { emulator: pkg.version, contract: '0.6.4', seed: 12 }, 'after POST /seed')
})

t.test('an agent id and a session id with characters that need percent-encoding (space, ?, #, non-ASCII)', async (t) => {
  const server = await start(t)
  const admin = createAdminClient(server.url)
  await admin.sessions.insert('café b?c', { session_id: 's 1?x#y' })
  t.equal((await listSessions(server, 'café b?c')).body.data[0].session_id, 's 1?x#y')
  t.same(await admin.sessions.delete('café b?c', 's 1?x#y'), { deleted: 1 })
})

t.test('requests (filtered) and clearRequests', async (t) => {
  const server = await start(t)
  const admin = createAdminClient(`${server.url}/`)
  const before = new Date(Date.now() - 1000)
  await listSessions(server, 'a1', '?status=RUNNING')
  await listSessions(server, 'a1', '?limit=0')
  await listSessions(server, 'café agent')

  const all = await admin.requests()
  t.equal(all.total, 3, 'three requests recorded')
  t.same(all.data.map((e) => [e.agent_id, e.status]), [['a1', 200], ['a1', 422], ['café agent', 200]], 'oldest first')
  t.same(all.data[0]!.query, { status: 'RUNNING' })
  t.equal(all.data[0]!.headers['meibel-api-key'], '***', 'the key is masked')

  const filtered = await admin.requests({ agent_id: 'a1', status: '2xx', since: before, until: new Date(Date.now() + 60_000), limit: 5 })
  t.same(filtered.data.map((e) => e.query), [{ status: 'RUNNING' }], 'agent_id, status class, since and until as Dates')
  const last = await admin.requests({ agent_id: 'a1', limit: 1, since: before.toISOString() })
  t.same({ total: last.total, statuses: last.data.map((e) => e.status) }, { total: 2, statuses: [422] }, 'limit keeps the last N; since as a string')
  t.same((await admin.requests({ status: '422', until: undefined })).data.map((e) => e.status), [422], 'undefined values are not sent')

  t.same(await admin.clearRequests(), { deleted: 3 })
  t.equal((await admin.requests()).total, 0, 'the journal is empty')
})

t.test('clock: read it, move it; reset puts it back', async (t) => {
  const admin = createAdminClient((await start(t)).url)
  t.same(await admin.clock(), { now: '2026-11-20T12:00:00Z', mode: 'pinned', speed: 1 })
  t.same(await admin.clock({ advance: 'PT1H30M', speed: 60 }), { now: '2026-11-20T13:30:00Z', mode: 'pinned', speed: 60 })
  const backwards = await rejection(t, admin.clock({ set: '2026-11-20T12:00:00Z' }))
  t.equal(backwards.status, 409)
  await admin.reset()
  t.same(await admin.clock(), { now: '2026-11-20T12:00:00Z', mode: 'pinned', speed: 1 })
})

t.test('faults: add, list, remove, clear', async (t) => {
  const server = await start(t)
  const admin = createAdminClient(new URL(server.url))
  const rule = await admin.faults.add({ match: { agent_id: 'a1' }, status: 503, headers: { 'Retry-After': '2' }, times: 1 })
  t.match(rule, { id: 'f1', match: { agent_id: 'a1' }, status: 503, headers: { 'Retry-After': '2' }, times: 1, hits: 0, remaining: 1 })
  const second = await admin.faults.add({ match: { query: { status: 'FAILED' } }, delay_ms: [0, 5] })
  t.equal(second.id, 'f2')

  const listed = await admin.faults.list()
  t.same({ ids: listed.data.map((r) => r.id), total: listed.total }, { ids: ['f1', 'f2'], total: 2 })
  const failed = await listSessions(server, 'a1')
  t.same(failed, { status: 503, body: { detail: 'Service Unavailable' } }, 'the rule applies')
  t.equal((await listSessions(server, 'a1')).status, 200, 'once (times: 1)')

  t.same(await admin.faults.remove('f1'), { deleted: 1 })
  t.same((await admin.faults.list()).data.map((r) => r.id), ['f2'])
  t.same(await admin.faults.clear(), { deleted: 1 })
  t.same(await admin.faults.list(), { data: [], total: 0 })
})

t.test('4xx answers reject with the status and the detail of the body', async (t) => {
  const server = await start(t)
  const admin = createAdminClient(server.url)

  const notFound = await rejection(t, admin.faults.remove('f9'))
  t.same({ status: notFound.status, detail: notFound.detail }, { status: 404, detail: 'fault rule "f9" not found' })
  t.equal(notFound.message, 'DELETE /__admin/faults/f9: 404 fault rule "f9" not found', 'the message names the call')
  t.equal(notFound.name, 'AdminClientError')

  const noSession = await rejection(t, admin.sessions.delete('a1', 'nope'))
  t.same({ status: noSession.status, detail: noSession.detail }, { status: 404, detail: 'session "nope" of agent "a1" not found' })
  const noAgent = await rejection(t, admin.sessions.delete('ghost'))
  t.same({ status: noAgent.status, detail: noAgent.detail }, { status: 404, detail: 'agent "ghost" not found' })

  await admin.sessions.insert('a1', { session_id: 'dup' })
  const conflict = await rejection(t, admin.sessions.insert('a1', { session_id: 'dup' }))
  t.same({ status: conflict.status, detail: conflict.detail },
    { status: 409, detail: 'record 0 (session_id "dup"): field "session_id": a session with this id already exists' })

  const invalid = await rejection(t, admin.faults.add({ match: {}, status: 99 }))
  t.equal(invalid.status, 422)
  t.match(invalid.detail, /^field "status": /, `names the field: ${invalid.detail}`)
  const badQuery = await rejection(t, admin.requests({ since: 'yesterday' }))
  t.same({ status: badQuery.status, detail: badQuery.detail },
    { status: 422, detail: 'query parameter "since": expected an RFC 3339 date-time with at most 6 fractional digits' })
})

t.test('the admin token: sent as a bearer token when given, a 401 without or with a wrong one', async (t) => {
  const server = await start(t, { adminToken: 'sesame' })
  const missing = await rejection(t, createAdminClient(server.url).agents())
  t.same({ status: missing.status, detail: missing.detail }, { status: 401, detail: 'Not authenticated' })
  const wrong = await rejection(t, createAdminClient(server.url, { token: 'guess' }).agents())
  t.same({ status: wrong.status, detail: wrong.detail }, { status: 401, detail: 'Invalid admin token' })
  t.same(await createAdminClient(server.url, { token: 'sesame' }).agents(), GOLDEN_AGENTS)
})

t.test('with the control API off, calls reject with FastAPI\'s 404', async (t) => {
  const server = await start(t, { admin: false })
  const error = await rejection(t, createAdminClient(server.url).reset())
  t.same({ status: error.status, detail: error.detail }, { status: 404, detail: 'Not Found' })
})

// Something in front of the instance (a proxy, the wrong port) answering otherwise.
const foreign = async (t: Test, status: number, contentType: string, body: string): Promise<AdminClient> => {
  const server: Server = createServer((_req, res) => { res.writeHead(status, { 'content-type': contentType }).end(body) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => { resolve() })))
  return createAdminClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
}

t.test('an error answer without a string detail: the body as text is the detail', async (t) => {
  const text = await rejection(t, (await foreign(t, 502, 'text/plain', 'Bad Gateway')).agents())
  t.same({ status: text.status, detail: text.detail }, { status: 502, detail: 'Bad Gateway' }, 'plain text')
  const other = await rejection(t, (await foreign(t, 400, 'application/json', '{"error":"x"}')).agents())
  t.same({ status: other.status, detail: other.detail }, { status: 400, detail: '{"error":"x"}' }, 'JSON without detail')
  const notString = await rejection(t, (await foreign(t, 400, 'application/json', '{"detail":[1]}')).agents())
  t.equal(notString.detail, '{"detail":[1]}', 'a detail that is not a string')
  const nullBody = await rejection(t, (await foreign(t, 500, 'application/json', 'null')).agents())
  t.equal(nullBody.detail, 'null', 'a JSON null')
})
