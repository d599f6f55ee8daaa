// /__admin/openapi.json: the control API's own document; the emulated API's
// document (/openapi.json) does not mention it (test/plugins/openapi.test.ts).
import t from 'tap'
import { adminOperation } from '../../src/admin/plugin.js'
import { build, call } from '../helper.js'

const app = await build(t)
const res = await call(app, 'GET', '/__admin/openapi.json')
const doc = res.json

t.test('served as JSON, the same bytes every time', async (t) => {
  t.equal(res.status, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.equal((await call(app, 'GET', '/__admin/openapi.json')).body, res.body)
  t.equal(doc.openapi, '3.1.0')
  t.equal(doc.security, undefined, 'no token configured')
})

t.test('every control route, and nothing else', async (t) => {
  const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`))
  t.same(operations.sort(), [
    'DELETE /__admin/agents/{agent_id}/sessions deleteAgentSessions',
    'DELETE /__admin/agents/{agent_id}/sessions/{session_id} deleteSession',
    'DELETE /__admin/faults clearFaults',
    'DELETE /__admin/faults/{id} deleteFault',
    'DELETE /__admin/requests clearRequests',
    'GET /__admin/agents listAgents',
    'GET /__admin/clock getClock',
    'GET /__admin/faults listFaults',
    'GET /__admin/requests listRequests',
    'GET /__admin/version version',
    'POST /__admin/agents/{agent_id}/sessions insertSessions',
    'POST /__admin/clock setClock',
    'POST /__admin/faults addFault',
    'POST /__admin/reset reset',
    'POST /__admin/seed seed'
  ])
  const main = (await call(app, 'GET', '/openapi.json')).body
  t.notMatch(main, /__admin/, 'the emulated API\'s document does not mention it')
})

// Every route the app serves, as `METHOD /path` (from Fastify's route tree).
const servedRoutes = async (): Promise<string[]> => {
  await app.ready()
  const parents: string[] = []
  const routes: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line)
    if (match === null) continue
    const depth = match[1]!.length / 4
    parents.length = depth
    const path = (parents[depth - 1] ?? '') + match[2]!
    parents.push(path)
    for (const method of match[3]!.split(', ')) routes.push(`${method} ${path}`)
  }
  return routes
}

t.test('every admin route the app serves is documented, but its document and docs page', async (t) => {
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
  const served = (await servedRoutes())
    .filter((route) => / \/__admin\//.test(route) && !/ \/__admin\/(openapi\.json|docs)/.test(route))
    .map((route) => route.replace(/:([A-Za-z_]+)/g, '{$1}'))
  t.ok(served.length >= 12, 'the route tree was read')
  t.same(documented.sort(), served.sort())
})

t.test('parameters, bodies and responses come from the TypeBox schemas', async (t) => {
  const insert = doc.paths['/__admin/agents/{agent_id}/sessions'].post
  t.same(insert.parameters, [{ name: 'agent_id', in: 'path', required: true, description: 'Created by POST when unknown', schema: { minLength: 1, type: 'string' } }])
  t.same(insert.requestBody.content['application/json'].schema.anyOf.map((s: { type: string }) => s.type), ['object', 'array'])
  t.same(Object.keys(insert.responses), ['201', '409', '422'])
  t.same(insert.responses['409'], { description: 'Conflict', content: { 'application/json': { schema: { $ref: '#/components/schemas/AdminError' } } } })
  t.same(insert.responses['201'].content['application/json'].schema.anyOf[0], { $ref: '#/components/schemas/SessionSummary' },
    'the stored sessions are SessionSummary, as List Sessions sends them')
  const requests = doc.paths['/__admin/requests'].get
  t.same(requests.parameters.map((p: { name: string, in: string, required: boolean }) => [p.name, p.in, p.required]),
    [['agent_id', 'query', false], ['status', 'query', false], ['since', 'query', false], ['until', 'query', false], ['limit', 'query', false]])
  t.equal(doc.paths['/__admin/reset'].post.requestBody, undefined)
  t.equal(doc.paths['/__admin/agents'].get.responses['200'].description, 'Every agent, by agent_id')
})

t.test('every $ref resolves, and components keep their names', async (t) => {
  const refs = [...res.body.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!)
  t.ok(refs.length > 0)
  for (const ref of new Set(refs)) t.ok(doc.components.schemas[ref], `${ref} is defined`)
  t.same(Object.keys(doc.components.schemas).sort(), ['AdminError', 'SessionSummary'])
  t.notMatch(res.body, /"\$id"/, 'no $id left inline')
  t.same(doc.components.securitySchemes.AdminToken, { type: 'http', scheme: 'bearer', description: 'MEIBEL_MOCK_ADMIN_TOKEN' })
})

t.test('routes without an operationId are left out; an operation may have no responses', async (t) => {
  const hidden = { hide: true }
  t.same(adminOperation(false)({ url: '/__admin/x' }), { schema: undefined, url: '/__admin/x' })
  t.same(adminOperation(false)({ url: '/__admin/y', schema: hidden }), { schema: hidden, url: '/__admin/y' }, 'stays hidden')
  t.same(adminOperation(false)({ url: '/__admin/z', schema: { operationId: 'z', hide: true } }),
    { schema: { operationId: 'z', hide: false }, url: '/__admin/z' })
  const secured = adminOperation(true)({ url: '/__admin/z', schema: { operationId: 'z', hide: true } })
  t.same(Object.keys(secured.schema!.response!), ['401'], 'with a token, every operation can answer a 401')
  for (const url of ['/__admin/openapi.json', '/__admin/docs/', '/__admin/docs/json']) t.notMatch(res.body, `"${url}"`, `${url} is not documented`)
})

t.test('/__admin/docs: Swagger UI over this document', async (t) => {
  const page = await call(app, 'GET', '/__admin/docs/')
  t.equal(page.status, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, /swagger-ui/)
  const bare = await call(app, 'GET', '/__admin/docs')
  t.equal(bare.status, 200)
  t.match(bare.body, /href="\/__admin\/docs\/static\/swagger-ui\.css"/, 'its assets under /__admin/docs')
  t.equal((await call(app, 'GET', '/__admin/docs/static/swagger-initializer.js')).status, 200)
  const json = await call(app, 'GET', '/__admin/docs/json')
  t.same(json.json, doc, 'it shows the control API\'s document')
  t.match((await call(app, 'GET', '/__admin/docs/yaml')).body, /title: meibel-mock control API/)
  const main = await call(app, 'GET', '/docs/json')
  t.equal(main.json.info.title, 'Meibel AI API', 'the emulated API\'s docs keep its own')
})
