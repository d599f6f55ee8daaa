// GET /health and GET /ready: no key, JSON bodies, 503 until the store has data.
import t from 'tap'
import { GOLDEN_FIXTURES, build } from '../helper.js'

t.test('health and readiness', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const health = await app.inject({ url: '/health' })
  t.equal(health.statusCode, 200)
  t.equal(health.body, '{"status":"ok"}')
  t.equal(health.headers['content-type'], 'application/json')
  const ready = await app.inject({ url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.body, '{"status":"ready"}')
  await app.close()
  const empty = await build(t, { fixturesDir: t.testdir({ 'agents.json': '[]', 'sessions.json': '[]' }) })
  const notReady = await empty.inject({ url: '/ready' })
  t.equal(notReady.statusCode, 503)
  t.equal(notReady.body, '{"status":"starting"}')
})
