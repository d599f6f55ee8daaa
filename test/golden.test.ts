// Runs the golden cases (test/golden/cases.ts) through app.inject.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { makeConfig } from '../src/config.js'
import { buildServer } from '../src/server.js'
import { GOLDEN_CASES, GOLDEN_FIXTURES, type GoldenCase } from './golden/cases.js'

const servers = new Map<string, FastifyInstance>()
const serverFor = async (config: GoldenCase['config'] = {}): Promise<FastifyInstance> => {
  const key = JSON.stringify(config)
  let app = servers.get(key)
  if (app === undefined) {
    app = await buildServer(makeConfig({ fixturesDir: GOLDEN_FIXTURES, logLevel: 'silent', ...config }))
    servers.set(key, app)
  }
  return app
}
t.teardown(async () => { for (const app of servers.values()) await app.close() })

for (const c of GOLDEN_CASES) {
  t.test(c.name, async (t) => {
    const app = await serverFor(c.config)
    const res = await app.inject({ method: (c.request.method ?? 'GET') as 'GET', url: c.request.url, headers: c.request.headers ?? {} })
    t.equal(res.statusCode, c.expect.status, 'status')
    for (const [name, value] of Object.entries(c.expect.headers)) {
      t.equal(res.headers[name], value, `header ${name}`)
    }
    t.equal(res.body, c.expect.body, 'body bytes')
  })
}
