// buildServer beyond the List Sessions route (test/routes/list-sessions.test.ts):
// the database file, error bodies for other failures, closing, and logs.
import t from 'tap'
import { join } from 'node:path'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { INTERNAL_SERVER_ERROR_BODY } from '../src/fastapi/error-handler.js'
import { GOLDEN_FIXTURES, KEY, build } from './helper.js'

t.test('a --db file is seeded only when empty and kept across restarts', async (t) => {
  const db = join(t.testdir(), 'mock.db')
  const url = '/v2/agents/demo-agent/sessions?limit=3'
  const first = await build(t, { db, seed: 1 })
  const before = (await first.inject({ url, headers: KEY })).body
  // Closed here, so that the next server reopens the file.
  await first.close()
  const inMemoryOtherSeed = await build(t, { seed: 2 })
  const seed2 = (await inMemoryOtherSeed.inject({ url, headers: KEY })).body
  // Another seed gives other data in memory, but the existing file is not reseeded.
  const second = await build(t, { db, seed: 2 })
  const after = (await second.inject({ url, headers: KEY })).body
  t.not(seed2, before, 'seeds differ in memory')
  t.equal(after, before, 'the file kept the first seed')
})

t.test('other failures get FastAPI-style bodies', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  app.get('/__test/client-error', async () => { throw Object.assign(new Error('teapot'), { statusCode: 418 }) })
  app.get('/__test/unlisted-client-error', async () => { throw Object.assign(new Error('odd'), { statusCode: 499 }) })
  app.get('/__test/server-error', async () => { throw new Error('boom') })
  app.get('/__test/too-large', async () => { throw Object.assign(new Error('big'), { statusCode: 413 }) })
  const teapot = await app.inject({ url: '/__test/client-error' })
  t.equal(teapot.statusCode, 418)
  t.equal(teapot.body, '{"detail":"I\'m a Teapot"}')
  t.equal(teapot.headers['content-type'], 'application/json')
  const odd = await app.inject({ url: '/__test/unlisted-client-error' })
  t.equal(odd.statusCode, 500, 'a status without a Python phrase fails as in FastAPI')
  t.equal(odd.body, INTERNAL_SERVER_ERROR_BODY)
  const big = await app.inject({ url: '/__test/too-large' })
  t.equal(big.body, '{"detail":"Request Entity Too Large"}', "Python's phrase, not Node's")
  const boom = await app.inject({ url: '/__test/server-error' })
  t.equal(boom.statusCode, 500)
  t.equal(boom.body, INTERNAL_SERVER_ERROR_BODY)
  t.equal(boom.headers['content-type'], 'text/plain; charset=utf-8')
})

t.test('answers in flight during close() say Connection: close', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const answer = new Promise<{ status: number, connection: string | undefined }>((resolve, reject) => {
    // Prefer: delay keeps the request in flight while close() starts.
    const req = request({ host: '127.0.0.1', port, path: '/v2/agents/a1/sessions', headers: { ...KEY, prefer: 'delay=300' }, agent: false }, (res) => {
      res.resume()
      res.on('end', () => { resolve({ status: res.statusCode!, connection: res.headers.connection }) })
    })
    req.on('error', reject)
    req.end()
  })
  await new Promise((resolve) => setTimeout(resolve, 100))
  const closed = app.close()
  t.same(await answer, { status: 200, connection: 'close' })
  await closed
})

t.test('debug logs show request headers with the key redacted', async (t) => {
  const lines: string[] = []
  const app = await build(t, { logLevel: 'debug', fixturesDir: GOLDEN_FIXTURES }, { logStream: { write: (line) => { lines.push(line) } } })
  await app.inject({ url: '/v2/agents/a1/sessions', headers: { 'meibel-api-key': 'secret-123', 'x-trace': 'abc' } })
  const incoming = lines.map((l) => JSON.parse(l) as { msg: string, req?: { headers: Record<string, string> } }).find((l) => l.msg === 'incoming request')
  t.equal(incoming?.req?.headers['meibel-api-key'], '[redacted]')
  t.equal(incoming?.req?.headers['x-trace'], 'abc')
  t.notMatch(lines.join(''), 'secret-123')
})
