// Delays and dropped connections need a real server: listening on 127.0.0.1:0.
import t from 'tap'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GOLDEN_FIXTURES, S1, S2, S3, build, call } from '../helper.js'
import { makeConfig } from '../../src/config.js'
import { buildServer } from '../../src/server.js'

const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as AddressInfo
t.beforeEach(async () => { await call(app, 'POST', '/__admin/reset') })

interface Answer { status?: number, body?: string, error?: string, ms: number }

// One request on a fresh connection, as a client would send it.
const get = async (path: string, headers: Record<string, string> = { 'meibel-api-key': 'k' }): Promise<Answer> => {
  const started = performance.now()
  return await new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode!, body, ms: performance.now() - started }) })
    })
    req.on('error', (err: NodeJS.ErrnoException) => { resolve({ error: err.code ?? err.message, ms: performance.now() - started }) })
    req.end()
  })
}

const ALL = `{"data":[${S2},${S3},${S1}],"total":3}`
const SESSIONS = '/v2/agents/a1/sessions'

t.test('delay_ms: the answer comes after the delay', async (t) => {
  await call(app, 'POST', '/__admin/faults', { match: { agent_id: 'a1' }, delay_ms: 250, times: 1 })
  const slow = await get(SESSIONS)
  t.same([slow.status, slow.body], [200, ALL], 'then the normal answer')
  t.ok(slow.ms >= 245, `took ${slow.ms} ms`)
  const fast = await get(SESSIONS)
  t.ok(fast.ms < 200, `the next one is not delayed (${fast.ms} ms)`)
  const [entry] = (await call(app, 'GET', '/__admin/requests')).json.data
  t.ok(entry.latency_ms >= 245, 'the journal latency includes the delay')
  t.equal(entry.fault, 'f1')
})

t.test('a [min, max] delay with a status', async (t) => {
  await call(app, 'POST', '/__admin/faults', { match: {}, status: 503, delay_ms: [100, 150] })
  const res = await get(SESSIONS)
  t.same([res.status, res.body], [503, '{"detail":"Service Unavailable"}'])
  t.ok(res.ms >= 95 && res.ms < 1000, `took ${res.ms} ms`)
})

t.test('drop: the connection closes without an answer', async (t) => {
  await call(app, 'POST', '/__admin/faults', { match: { agent_id: 'a1' }, drop: true, times: 1 })
  const dropped = await get(SESSIONS)
  t.equal(dropped.status, undefined)
  t.match(dropped.error, /ECONNRESET|socket hang up/)
  const next = await get(SESSIONS)
  t.same([next.status, next.body], [200, ALL], 'times: 1, so the next one is answered')
  const journal = (await call(app, 'GET', '/__admin/requests')).json
  t.same(journal.data.map((e: any) => [e.status, e.fault]), [[null, 'f1'], [200, null]], 'the journal records the dropped request')
  t.same((await call(app, 'GET', '/__admin/requests?status=5xx')).json.total, 0, 'a dropped request has no status')
})

t.test('drop after a delay: a timeout as a client sees it', async (t) => {
  await call(app, 'POST', '/__admin/faults', { match: {}, drop: true, delay_ms: 150 })
  const res = await get(SESSIONS)
  t.match(res.error, /ECONNRESET|socket hang up/)
  t.ok(res.ms >= 145, `took ${res.ms} ms`)
})

t.test('Prefer: delay=250 and code=503, delay=100', async (t) => {
  const slow = await get(SESSIONS, { 'meibel-api-key': 'k', prefer: 'delay=250' })
  t.same([slow.status, slow.body], [200, ALL])
  t.ok(slow.ms >= 245, `took ${slow.ms} ms`)
  const both = await get(SESSIONS, { 'meibel-api-key': 'k', prefer: 'code=503, delay=100' })
  t.same([both.status, both.body], [503, '{"detail":"Service Unavailable"}'])
  t.ok(both.ms >= 95, `took ${both.ms} ms`)
})

t.test('a delay asked for after the shutdown deadline has passed is not waited for', async (t) => {
  // The signal is aborted already: a ten-minute delay that were waited for would outlast the test's timeout.
  const app = await buildServer(makeConfig({ logLevel: 'silent', fixturesDir: GOLDEN_FIXTURES, apiKeys: ['k'] }), { deadline: AbortSignal.abort() })
  t.teardown(async () => { await app.close() })
  const res = await app.inject({ url: '/v2/agents/a1/sessions?status=RUNNING', headers: { 'meibel-api-key': 'k', prefer: 'code=503, delay=600000' } })
  t.same([res.statusCode, res.body], [503, '{"detail":"Service Unavailable"}'])
})
