// The control API's edge (src/admin/errors.ts): domain errors become 404, 409
// and 422, Fastify's own 4xx keep theirs, anything else is a logged 500.
import { Writable } from 'node:stream'
import t from 'tap'
import Fastify from 'fastify'
import { adminErrorHandler, INTERNAL_ERROR_DETAIL } from '../../src/admin/errors.js'
import { ConflictError, InvalidError, NotFoundError, StartupError } from '../../src/errors.js'

const makeApp = (lines: string[] = []) => {
  const stream = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const app = Fastify({ logger: { level: 'error', stream } })
  app.setErrorHandler(adminErrorHandler)
  return app
}

t.test('each domain error has its status, and its message is the detail', async (t) => {
  const lines: string[] = []
  const app = makeApp(lines)
  t.teardown(() => app.close())
  const cases: Array<[Error, number]> = [
    [new NotFoundError('agent "x" not found'), 404],
    [new ConflictError('a session with this id already exists'), 409],
    [new InvalidError('field "seed": expected integer'), 422]
  ]
  cases.forEach(([error], i) => app.get(`/${i}`, async () => { throw error }))
  for (const [i, [error, status]] of cases.entries()) {
    const res = await app.inject({ url: `/${i}` })
    t.same([res.statusCode, JSON.parse(res.body)], [status, { detail: error.message }], error.name)
  }
  t.same(lines, [], 'a domain error is an answer, not a bug: nothing logged')
})

t.test('a domain error wins over a status Fastify put on it', async (t) => {
  const app = makeApp()
  t.teardown(() => app.close())
  // Fastify gives an error from a validator without a status a 400.
  app.get('/', async () => { throw Object.assign(new InvalidError('query parameter "limit": expected integer'), { statusCode: 400 }) })
  const res = await app.inject({ url: '/' })
  t.same([res.statusCode, JSON.parse(res.body)], [422, { detail: 'query parameter "limit": expected integer' }])
})

t.test('any other error, a StartupError too, is a logged 500 that says nothing of it', async (t) => {
  const lines: string[] = []
  const app = makeApp(lines)
  t.teardown(() => app.close())
  app.get('/startup', async () => { throw new StartupError('secret path') })
  app.get('/server', async () => { throw Object.assign(new Error('upstream'), { statusCode: 503 }) })
  for (const url of ['/startup', '/server']) {
    const res = await app.inject({ url })
    t.same([res.statusCode, JSON.parse(res.body)], [500, { detail: INTERNAL_ERROR_DETAIL }], url)
  }
  t.equal(INTERNAL_ERROR_DETAIL, 'Internal Server Error')
  const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'unhandled error in the control API')
  t.same(logged.map((entry) => entry.err.message), ['secret path', 'upstream'])
})
