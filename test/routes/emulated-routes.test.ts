// The table of emulated routes and what is derived from it; the routes
// themselves are exercised through the server (test/server.test.ts, golden).
import t from 'tap'
import { API_PREFIX, EMULATED_ROUTES } from '../../src/routes/emulated-routes.js'
import { build, call, KEY } from '../helper.js'

t.test('List Sessions under /v2, registered at its find-my-way path', async (t) => {
  t.equal(API_PREFIX, '/v2')
  t.equal(EMULATED_ROUTES.prefix, '/v2')
  t.strictSame(EMULATED_ROUTES.routes.map(({ spec, url }) => [spec.method, spec.path, spec.operationId, url]),
    [['GET', '/agents/{agent_id}/sessions', 'listSessions', '/agents/:agent_id/sessions']])
  const app = await build(t)
  t.ok(app.hasRoute({ method: 'GET', url: '/v2/agents/:agent_id/sessions' }))
})

t.test('an empty agent_id is answered as FastAPI answers an unmatched path, before faults and the key (§7 R404)', async (t) => {
  const app = await build(t)
  const res = await call(app, 'GET', '/v2/agents//sessions', undefined, { ...KEY, prefer: 'code=503' })
  t.equal(res.status, 404)
  t.equal(res.body, '{"detail":"Not Found"}')
  t.equal((await call(app, 'GET', '/v2/agents//sessions')).status, 404, 'without a key')
})
