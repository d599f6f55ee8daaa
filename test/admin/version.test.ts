// GET /__admin/version: package.json's version, the vendored contract's
// info.version and the seed, as the control API's schema writes them.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { build, call, GOLDEN_FIXTURES } from '../helper.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
const contract = parse(readFileSync(new URL('../../openapi/meibel-api-v2.list-sessions.yaml', import.meta.url), 'utf8')) as { info: { version: unknown } }

t.test('answers both versions and the seed, the seed following POST /seed and POST /reset', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, seed: 42 })
  const res = await call(app, 'GET', '/__admin/version')
  t.equal(res.status, 200)
  t.equal(res.body, `{"emulator":${JSON.stringify(pkg.version)},"contract":"${String(contract.info.version)}","seed":42}`)
  await call(app, 'POST', '/__admin/seed', { seed: 43 })
  t.equal((await call(app, 'GET', '/__admin/version')).json.seed, 43)
  await call(app, 'POST', '/__admin/reset')
  t.equal((await call(app, 'GET', '/__admin/version')).json.seed, 42, 'reset: the start seed')
})

t.test('documented in the control API\'s document, with its schema', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const doc = (await call(app, 'GET', '/__admin/openapi.json')).json
  const operation = doc.paths['/__admin/version'].get
  t.equal(operation.operationId, 'version')
  t.same(operation.tags, ['Instance'])
  t.same(Object.keys(operation.responses['200'].content['application/json'].schema.properties), ['emulator', 'contract', 'seed'])
  t.ok(doc.tags.some((tag: { name: string }) => tag.name === 'Instance'), 'its tag is described')
})

t.test('with a token, it needs the token like every control route', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, adminToken: 'tok' })
  t.equal((await call(app, 'GET', '/__admin/version')).status, 401)
  t.equal((await call(app, 'GET', '/__admin/version', undefined, { authorization: 'Bearer tok' })).status, 200)
})
