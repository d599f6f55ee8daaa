// The package's main export: startMeibelMock on real ports (127.0.0.1, port
// 0), with the options of the CLI by their config keys.
import t, { type Test } from 'tap'
import { createServer, type AddressInfo } from 'node:net'
import * as api from '../src/index.js'
import { AdminClientError, ListenError, PROGRAMMATIC_DEFAULTS, StartupError, createAdminClient, startMeibelMock, type MeibelMock, type MeibelMockOptions } from '../src/index.js'
import { AdminClientError as ClientError, createAdminClient as createClient } from '../src/admin-client.js'
import { StartupError as DomainStartupError } from '../src/errors.js'
import { ListenError as StartListenError } from '../src/start.js'
import { tryConnect } from './cli/cli-process.js'
import { GOLDEN_FIXTURES, KEY } from './helper.js'

const start = async (t: Test, options: MeibelMockOptions = {}): Promise<MeibelMock> => {
  const mock = await startMeibelMock({ fixturesDir: GOLDEN_FIXTURES, ...options })
  t.teardown(mock.close)
  return mock
}

const total = async (mock: MeibelMock, agentId: string): Promise<number> => {
  const res = await fetch(`${mock.baseUrl}/agents/${encodeURIComponent(agentId)}/sessions`, { headers: KEY })
  return ((await res.json()) as { total: number }).total
}

t.test('exports the start function, the client, and the errors they reject with', async (t) => {
  t.same(Object.keys(api).sort(), ['AdminClientError', 'ListenError', 'PROGRAMMATIC_DEFAULTS', 'StartupError', 'createAdminClient', 'startMeibelMock'])
  t.equal(AdminClientError, ClientError)
  t.equal(createAdminClient, createClient)
  t.equal(StartupError, DomainStartupError)
  t.equal(ListenError, StartListenError)
})

t.test('defaults: 127.0.0.1, any free port, no logs; url, baseUrl, port and close()', async (t) => {
  t.same(PROGRAMMATIC_DEFAULTS, { port: 0, logLevel: 'silent' })
  const mock = await startMeibelMock({ fixturesDir: GOLDEN_FIXTURES })
  t.ok(mock.port > 0, `a free port (${mock.port})`)
  t.equal(mock.url, `http://127.0.0.1:${mock.port}`)
  t.equal(mock.baseUrl, `http://127.0.0.1:${mock.port}/v2`)
  t.match(mock.config, { host: '127.0.0.1', port: 0, logLevel: 'silent', admin: true, strict: false })
  t.ok(Object.isFrozen(mock.config), 'the config is frozen')
  t.equal(await total(mock, 'a1'), 3, 'List Sessions at baseUrl: the 3 sessions of a1 in test/fixtures/golden')
  await mock.close()
  await mock.close()
  t.equal(await tryConnect(mock.port), 'ECONNREFUSED', 'closed (twice is fine)')
})

t.test('options are the CLI\'s by their config keys, undefined counting as not given', async (t) => {
  const mock = await start(t, { seed: 7, apiKeys: ['k1'], strict: true, journalSize: 1, logLevel: undefined, port: undefined })
  t.match(mock.config, { seed: 7, apiKeys: ['k1'], strict: true, journalSize: 1, logLevel: 'silent', port: 0 })
  const wrongKey = await fetch(`${mock.baseUrl}/agents/a1/sessions`, { headers: { 'meibel-api-key': 'k2' } })
  t.same({ status: wrongKey.status, body: await wrongKey.json() }, { status: 401, body: { detail: 'Invalid API key' } }, 'apiKeys')
  const strict = await fetch(`${mock.baseUrl}/agents/a1/sessions?sort_by=name`, { headers: { 'meibel-api-key': 'k1' } })
  t.equal(strict.status, 422, 'strict')
})

t.test('mock.admin is the control client, with the admin token when one is set', async (t) => {
  const mock = await start(t, { adminToken: 'sesame' })
  await mock.admin.sessions.insert('fresh', [{ session_id: 'x1' }, { session_id: 'x2' }])
  t.equal(await total(mock, 'fresh'), 2)
  const anonymous = await createAdminClient(mock.url).agents().catch((err: unknown) => err)
  t.match(anonymous, { status: 401, detail: 'Not authenticated' }, 'the token is needed, and mock.admin sends it')
})

t.test('two instances in one process are independent: data, journal, faults, reset, close', async (t) => {
  const one = await start(t)
  const two = await start(t, { seed: 1 })
  t.not(one.port, two.port, 'two ports')
  await one.admin.sessions.insert('a1', { session_id: 'only-in-one' })
  await one.admin.faults.add({ match: { agent_id: 'café agent' }, status: 500 })
  t.equal(await total(one, 'a1'), 4, 'the insert shows in one')
  t.equal(await total(two, 'a1'), 3, 'and not in two')
  const faulted = await fetch(`${one.baseUrl}/agents/caf%C3%A9%20agent/sessions`, { headers: KEY })
  t.equal(faulted.status, 500, 'the fault applies in one')
  t.equal(await total(two, 'café agent'), 1, 'and not in two')
  t.same((await one.admin.requests()).data.map((e) => e.status), [200, 500], 'one\'s journal')
  t.same((await two.admin.requests()).data.map((e) => e.status), [200, 200], 'two\'s journal')
  t.same(await two.admin.faults.list(), { data: [], total: 0 }, 'two has no fault rules')
  await two.admin.sessions.insert('a1', { session_id: 'only-in-two' })
  await one.admin.reset()
  t.equal(await total(one, 'a1'), 3, 'reset takes one back')
  t.equal(await total(two, 'a1'), 4, 'and leaves two as it was')
  await one.close()
  t.equal(await tryConnect(one.port), 'ECONNREFUSED', 'one closed')
  t.equal(await total(two, 'a1'), 4, 'two still answers')
})

t.test('start-up errors reject with a StartupError whose message is one line', async (t) => {
  const cases: Array<{ name: string, options: Record<string, unknown>, message: RegExp | string }> = [
    {
      name: 'an unknown option (the flag name fixtures instead of fixturesDir)',
      options: { fixtures: GOLDEN_FIXTURES },
      message: 'unknown option fixtures (expected one of port, host, db, seed, sessionsPerAgent, reseed, fixturesDir, apiKeys, apiKeysFile, strict, logLevel, logFormat, admin, adminToken, journalSize, journalBytes, cors, shutdownTimeout, forwardedAllowIps, clock, clockSpeed)'
    },
    { name: 'a bad value', options: { seed: -1 }, message: 'invalid option seed -1: expected a whole number from 0 to 4294967295' },
    { name: 'options that exclude each other', options: { apiKeys: ['k'], apiKeysFile: '/x.json' }, message: '--api-keys and --api-keys-file cannot be combined' },
    { name: 'a missing fixtures folder', options: { fixturesDir: '/nonexistent-meibel-mock' }, message: /^\/nonexistent-meibel-mock\/agents\.json: cannot read: ENOENT$/ }
  ]
  for (const c of cases) {
    const error = await startMeibelMock(c.options as MeibelMockOptions).catch((err: unknown) => err)
    t.ok(error instanceof StartupError, `${c.name}: a StartupError`)
    if (typeof c.message === 'string') t.equal((error as Error).message, c.message, c.name)
    else t.match((error as Error).message, c.message, c.name)
  }
})

t.test('a port in use rejects with a ListenError', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => { resolve() })))
  const { port } = blocker.address() as AddressInfo
  await t.rejects(startMeibelMock({ port }), { name: 'ListenError', message: `cannot listen on 127.0.0.1:${port}: EADDRINUSE` })
})
