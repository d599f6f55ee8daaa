// A route table in FastAPI's syntax, compiled for find-my-way and for
// Starlette's router (§3.2, §7). Expected regexes are Starlette's
// compile_path output for the same paths.
import t from 'tap'
import { allowHeader, compileRouteTable, type RouteSpec } from '../../src/fastapi/route-table.js'

t.test('each {param} is find-my-way\'s :param and Starlette\'s [^/]+, below the prefix', async (t) => {
  const table = compileRouteTable('/v2', [
    { method: 'GET', path: '/agents/{agent_id}/sessions/{session_id}' },
    { method: 'POST', path: '/agents' }
  ])
  t.equal(table.prefix, '/v2')
  t.strictSame(table.routes.map((r) => r.url), ['/agents/:agent_id/sessions/:session_id', '/agents'])
  // re.compile('^/v2/agents/(?P<agent_id>[^/]+)/sessions/(?P<session_id>[^/]+)$')
  // Python's `$` also matches before a final newline: `\n?$` here (§3.2).
  t.equal(table.routes[0]!.regex.source, '^\\/v2\\/agents\\/(?<agent_id>[^/]+)\\/sessions\\/(?<session_id>[^/]+)\\n?$')
  t.equal(table.routes[1]!.regex.source, '^\\/v2\\/agents\\n?$')
  t.equal(table.routes[1]!.strict.source, '^\\/v2\\/agents$')
})

t.test("Python's $ before one final newline: the route matches, find-my-way routes the path without it (§3.2)", async (t) => {
  const table = compileRouteTable('/v2', [
    { method: 'GET', path: '/agents/{agent_id}/sessions' },
    { method: 'GET', path: '/items/{item_id}' }
  ])
  // re.match(r'^/v2/agents/(?P<agent_id>[^/]+)/sessions$', path) and the same for items.
  t.equal(table.routedPath('/v2/agents/a/sessions\n'), '/v2/agents/a/sessions', 'the newline matched by $ is left out')
  t.equal(table.routedPath('/v2/agents/a/sessions'), '/v2/agents/a/sessions')
  t.equal(table.routedPath('/v2/agents/a/sessions\n\n'), '/v2/agents/a/sessions\n\n', 'two newlines: no match')
  t.equal(table.routedPath('/v2/items/a\n'), '/v2/items/a\n', '[^/]+ takes the newline itself')
  t.equal(table.routedPath('/v2/nope\n'), '/v2/nope\n')
  t.same(table.unrouted('/v2/agents/a/sessions\n'), { kind: 'method-not-allowed', route: table.routes[0]!.spec, params: { agent_id: 'a' } })
  t.same(table.unrouted('/v2/agents/a/sessions\n/'), { kind: 'redirect', path: '/v2/agents/a/sessions\n', route: table.routes[0]!.spec, params: { agent_id: 'a' } })
  t.same(table.unrouted('/v2/agents/a/sessions/\n'), { kind: 'not-found' })
})

t.test('static parts match literally, the prefix included', async (t) => {
  const table = compileRouteTable('/v2.0', [{ method: 'GET', path: '/a.b(c)+' }])
  t.ok(table.routes[0]!.regex.test('/v2.0/a.b(c)+'))
  t.notOk(table.routes[0]!.regex.test('/v2x0/a.b(c)+'))
  t.notOk(table.routes[0]!.regex.test('/v2.0/aXb(c)+'))
})

t.test('paths the emulation does not cover are refused at start', async (t) => {
  const bad: Array<[string, string]> = [
    ['agents', "the path must start with '/'"],
    ['/agents/{agent_id:path}', "path convertors ('{agent_id:path}') are not emulated"],
    ['/a/{x}/b/{x}', 'duplicated param name x'],
    ['/a/:b', "'/a/:b' is not a plain path segment"],
    ['/a/*', "'/a/*' is not a plain path segment"],
    ['/a/{1x}', "'/a/{1x}' is not a plain path segment"]
  ]
  for (const [path, message] of bad) {
    t.throws(() => compileRouteTable('/v2', [{ method: 'GET', path }]), { message: `route GET ${path}: ${message}` }, path)
  }
})

const table = compileRouteTable('/v2', [
  { method: 'GET', path: '/agents/{agent_id}/sessions' },
  { method: 'POST', path: '/agents/{agent_id}/sessions' },
  { method: 'DELETE', path: '/agents/{agent_id}/sessions/{session_id}' },
  { method: 'PUT', path: '/files/{name}/' }
] satisfies RouteSpec[])

t.test('405: the first route whose path matches answers, with its methods (Starlette\'s first PARTIAL match)', async (t) => {
  const unrouted = table.unrouted('/v2/agents/a b/sessions')
  t.strictSame(unrouted, { kind: 'method-not-allowed', route: { method: 'GET', path: '/agents/{agent_id}/sessions' }, params: { agent_id: 'a b' } })
  t.equal(allowHeader(table.routes[0]!.spec), 'GET', 'FastAPI adds no HEAD')
  t.strictSame(table.unrouted('/v2/agents/x/sessions/s1'),
    { kind: 'method-not-allowed', route: table.routes[2]!.spec, params: { agent_id: 'x', session_id: 's1' } })
})

t.test('307: trailing slashes removed, or one added, when that matches a route with any method', async (t) => {
  t.strictSame(table.unrouted('/v2/agents/x/sessions///'),
    { kind: 'redirect', path: '/v2/agents/x/sessions', route: table.routes[0]!.spec, params: { agent_id: 'x' } })
  t.strictSame(table.unrouted('/v2/files/f'),
    { kind: 'redirect', path: '/v2/files/f/', route: table.routes[3]!.spec, params: { name: 'f' } })
  t.strictSame(table.unrouted('/v2/files/f//'), { kind: 'not-found' }, 'all trailing slashes go, as rstrip("/") does')
})

t.test('404: nothing matches, with or without trailing slashes; `/` is never redirected', async (t) => {
  t.strictSame(table.unrouted('/v2/agents//sessions'), { kind: 'not-found' })
  t.strictSame(table.unrouted('/v2/agents/a/b/sessions/'), { kind: 'not-found' })
  t.strictSame(table.unrouted('/'), { kind: 'not-found' })
  const root = compileRouteTable('', [{ method: 'GET', path: '/' }, { method: 'GET', path: '/x/' }])
  t.equal(root.unrouted('/').kind, 'method-not-allowed')
  t.strictSame(root.unrouted('//'), { kind: 'not-found' }, 'rstrip("/") gives the empty path, which no route matches')
  t.strictSame(root.unrouted('/x'), { kind: 'redirect', path: '/x/', route: root.routes[1]!.spec, params: {} })
})
