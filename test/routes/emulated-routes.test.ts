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

t.test("a final %0A: Starlette's $ matches before it, so the route answers (§3.2)", async (t) => {
  const app = await build(t)
  const listed = await call(app, 'GET', '/v2/agents/demo-agent/sessions?limit=1', undefined, KEY)
  const res = await call(app, 'GET', '/v2/agents/demo-agent/sessions%0A?limit=1', undefined, KEY)
  t.same([res.status, res.body], [200, listed.body], 'the list, as without it')
  t.equal((await call(app, 'GET', '/v2/agents/demo-agent/sessions%0A')).status, 401)
  t.equal((await call(app, 'GET', '/v2/agents/demo-agent/sessions%0A?offset=abc', undefined, KEY)).status, 422)
  const post = await call(app, 'POST', '/v2/agents/demo-agent/sessions%0a')
  t.same([post.status, post.headers.allow], [405, 'GET'])
  const slash = await call(app, 'GET', '/v2/agents/demo-agent/sessions%0A/?x=1', undefined, { host: 'h' })
  t.same([slash.status, slash.headers.location], [307, 'http://h/v2/agents/demo-agent/sessions%0A?x=1'])
  t.equal((await call(app, 'GET', '/v2/agents/demo-agent/sessions%0A%0A', undefined, KEY)).status, 404, 'two newlines')
})

t.test('no body handling: any Content-Type and QUERY reach FastAPI\'s 405, 307 or 404 (§3.2)', async (t) => {
  const app = await build(t)
  for (const type of ['', 'application', 'a/b c', 'application/json,text/plain', 'application/json']) {
    for (const [url, status] of [['/v2/agents/x/sessions', 405], ['/v2/agents/x/sessions/', 307], ['/v2/nope', 404]] as const) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: 'not json' })
      t.equal(res.statusCode, status, `POST ${url} with Content-Type ${JSON.stringify(type)}`)
    }
  }
  const query = await app.inject({ method: 'QUERY' as 'GET', url: '/v2/agents/x/sessions' })
  t.same([query.statusCode, query.headers.allow, query.body], [405, 'GET', '{"detail":"Method Not Allowed"}'], 'QUERY without a Content-Type')
})
