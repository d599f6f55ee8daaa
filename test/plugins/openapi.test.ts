// The served OpenAPI document is generated from the TypeBox route schemas; it
// must stay equivalent to the vendored upstream document for this operation.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { asUpstreamLayout } from '../../src/plugins/openapi.js'
import { build } from '../helper.js'

interface Doc {
  servers: Array<{ url: string }>
  paths: Record<string, Record<string, Record<string, unknown>>>
  components: { schemas: Record<string, unknown>, securitySchemes: Record<string, unknown> }
}

const upstream = parse(readFileSync(new URL('../../openapi/meibel-api-v2.list-sessions.yaml', import.meta.url), 'utf8')) as Doc
const app = await build(t)
const res = await app.inject({ url: '/openapi.json' })
const served = JSON.parse(res.body) as Doc
const PATH = '/agents/{agent_id}/sessions'

t.test('served without a key, as JSON', async (t) => {
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
})

t.test('the operation is equivalent to upstream', async (t) => {
  const { 'x-codeSamples': samples, ...operation } = upstream.paths[PATH]!.get!
  t.ok(samples, 'upstream has code samples (documentation only, not served)')
  t.strictSame(served.paths[PATH]!.get, operation)
  t.same(Object.keys(served.paths), [PATH], 'only the emulated operation is documented')
  t.same(Object.keys(served.paths[PATH]!), ['get'])
})

t.test('parameters in upstream order', async (t) => {
  const names = (doc: Doc): string[] => (doc.paths[PATH]!.get!.parameters as Array<{ name: string }>).map((p) => p.name)
  t.same(names(served), names(upstream))
})

t.test('component schemas and security scheme are equivalent', async (t) => {
  t.strictSame(served.components.schemas, upstream.components.schemas)
  t.strictSame(served.components.securitySchemes, upstream.components.securitySchemes)
})

t.test('the server is this emulator at the /v2 prefix', async (t) => {
  t.same(served.servers.map((s) => s.url), ['/v2'])
  t.ok(upstream.servers.some((s) => s.url === 'http://localhost:8000/v2'))
})

t.test('an operation without parameters is left as it is', async (t) => {
  t.strictSame(asUpstreamLayout({ paths: { '/agents': { post: {} } } }), { paths: { '/agents': { post: {} } } })
})

t.test('docs page', async (t) => {
  const docs = await app.inject({ url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /^text\/html/)
  t.match(docs.body, /swagger/i)
})
