import t from 'tap'
import { boundAuthority, canonicalTarget, paramsOfTarget, quoteLocation } from '../../src/fastapi/routing.js'
import { EMULATED_ROUTES } from '../../src/routes/emulated-routes.js'

t.test('the bound address, as Starlette writes it when Host is unusable (§7 R307)', async (t) => {
  t.equal(boundAuthority({ localAddress: '127.0.0.1', localPort: 8000 }), '127.0.0.1:8000')
  t.equal(boundAuthority({ localAddress: '10.0.0.5', localPort: 80 }), '10.0.0.5', 'the default port is left out')
  t.equal(boundAuthority({ localAddress: '::1', localPort: 8000 }), '[::1]:8000', 'IPv6 in brackets')
})

t.test("Starlette's quote(url, safe=\":/%#?=@[]!$&'()*+,;\")", async (t) => {
  // Expected strings from CPython's urllib.parse.quote with that safe set.
  t.equal(quoteLocation('http://h/a b?x="y"&z=<1>|^`{}'), 'http://h/a%20b?x=%22y%22&z=%3C1%3E%7C%5E%60%7B%7D')
  t.equal(quoteLocation("http://h/~_.-:/%#?=@[]!$&'()*+,;"), "http://h/~_.-:/%#?=@[]!$&'()*+,;")
  t.equal(quoteLocation('http://h/café/\u{1F600}'), 'http://h/caf%C3%A9/%F0%9F%98%80')
})

t.test("the sessions route's path pattern", async (t) => {
  const [sessions] = EMULATED_ROUTES.routes
  t.ok(sessions!.regex.test('/v2/agents/x/sessions'))
  t.notOk(sessions!.regex.test('/v2/agents//sessions'))
  t.notOk(sessions!.regex.test('/v2/agents/a/b/sessions'))
  t.notOk(sessions!.regex.test('/v2/agents/x/sessions/'))
})

t.test('the agent a target names for the router: routed, 405 or 307 (§7)', async (t) => {
  const agentIdOfTarget = (url: string): string | null => paramsOfTarget(EMULATED_ROUTES, url)?.agent_id ?? null
  t.equal(agentIdOfTarget('/v2/agents/caf%C3%A9/sessions//?x=1'), 'café')
  t.equal(agentIdOfTarget('/v2/agents/x/sessions'), 'x')
  t.equal(agentIdOfTarget('/v2/agents/a/b/sessions'), null)
  t.equal(agentIdOfTarget('/v2/agents/a%2Fb/sessions'), null, 'a decoded %2F is a separator')
  t.equal(agentIdOfTarget('/'), null)
})

t.test('the target find-my-way routes: the path as uvicorn decodes it (§3.1)', async (t) => {
  t.equal(canonicalTarget('/v2/agents/a b/sessions?x=%20', EMULATED_ROUTES), '/v2/agents/a b/sessions?x=%20', 'no % and no #: unchanged')
  t.equal(canonicalTarget('/v2/agents/a%2Fb/sessions?x=%2F', EMULATED_ROUTES), '/v2/agents/a/b/sessions?x=%2F', 'the query stays raw')
  t.equal(canonicalTarget('/v2/agents/%ZZ/sessions', EMULATED_ROUTES), '/v2/agents/%25ZZ/sessions', 'a malformed escape is a literal %')
  t.equal(canonicalTarget('/v2/agents/x/sessions#f', EMULATED_ROUTES), '/v2/agents/x/sessions%23f')
  t.equal(canonicalTarget('/v2/agents/caf%C3%A9/sessions?', EMULATED_ROUTES), '/v2/agents/caf%C3%A9/sessions?')
})
