// lazyChildLogger: Fastify's request.log, made (with its bindings) only
// when it is first used, and then the logger pino's child() would be.
import t from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import { lazyChildLogger } from '../../src/log/lazy-child-logger.js'
import { build, GOLDEN_FIXTURES, KEY } from '../helper.js'

// A parent that records the children it makes and what they log.
const recordingParent = (): { parent: FastifyBaseLogger, made: Array<{ bindings: object, options: object }>, logged: Array<[string, object, unknown[]]> } => {
  const made: Array<{ bindings: object, options: object }> = []
  const logged: Array<[string, object, unknown[]]> = []
  const logger = (bindings: object): FastifyBaseLogger => {
    const methods = Object.fromEntries(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((name) =>
      [name, (...args: unknown[]) => { logged.push([name, bindings, args]) }]))
    return {
      ...methods,
      level: 'info',
      child: (childBindings: object, options: object = {}) => {
        made.push({ bindings: childBindings, options })
        return logger({ ...bindings, ...childBindings })
      }
    } as unknown as FastifyBaseLogger
  }
  return { parent: logger({}), made, logged }
}

t.test('no child until the first call; then one, with the bindings and options given, for every later call', async (t) => {
  const { parent, made, logged } = recordingParent()
  const log = lazyChildLogger(parent, { reqId: 'req-7' }, { level: 'warn' })
  t.same(made, [], 'nothing made yet')
  log.error({ err: 'x' }, 'failed')
  log.warn('again')
  t.same(made, [{ bindings: { reqId: 'req-7' }, options: { level: 'warn' } }], 'one child, made with the bindings and options')
  t.same(logged, [['error', { reqId: 'req-7' }, [{ err: 'x' }, 'failed']], ['warn', { reqId: 'req-7' }, ['again']]], 'each call reaches the child with its arguments')
  for (const name of ['fatal', 'info', 'debug', 'trace', 'silent'] as const) log[name]('m')
  t.same(logged.slice(2).map(([name]) => name), ['fatal', 'info', 'debug', 'trace', 'silent'], 'every method of Fastify\'s logger type')
  t.equal(made.length, 1, 'still the one child')
})

t.test('level and child() are the made child\'s', async (t) => {
  const { parent, made } = recordingParent()
  const log = lazyChildLogger(parent, { reqId: 'req-8' }, {})
  t.equal(log.level, 'info', 'the level is read from the child')
  log.level = 'debug'
  t.equal(log.level, 'debug', 'and set on it')
  log.child({ part: 'a' }).info('m')
  t.same(made.map((m) => m.bindings), [{ reqId: 'req-8' }, { part: 'a' }], 'a grandchild is the child\'s child')
})

t.test('in the app: a request that logs carries its id; one that does not makes no child', async (t) => {
  const lines: string[] = []
  const app = await build(t, { logLevel: 'info', fixturesDir: GOLDEN_FIXTURES }, { logStream: { write: (line) => { lines.push(line) } } })
  app.get('/__test/fails', async (request) => {
    request.log.warn('about to fail')
    return 'ok'
  })
  // Every request's logger is made from the app's (the parent given to the factory).
  let children = 0
  const child = app.log.child.bind(app.log)
  app.log.child = (...args) => { children++; return child(...args) }
  const before = lines.length
  const page = await app.inject({ url: '/v2/agents/agent-1/sessions?limit=1', headers: KEY })
  t.equal(page.statusCode, 200)
  t.equal(children, 0, 'the page, which logs nothing, made no child')
  await app.inject({ url: '/__test/fails' })
  t.equal(children, 1, 'the request that logs made one')
  const logged = lines.slice(before).map((l) => JSON.parse(l) as { msg: string, reqId?: string })
  t.same(logged.map((l) => [l.msg, l.reqId]), [['about to fail', 'req-2']], 'the second request\'s line, with its id')
})
