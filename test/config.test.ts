import t from 'tap'
import { ConfigError, DEFAULT_CONFIG, DEFAULT_SEED, HELP, makeConfig, parseCli } from '../src/config.js'

const serve = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseCli(argv, env)
  if (parsed.action !== 'serve') throw new Error(`expected serve, got ${parsed.action}`)
  return parsed.config
}

t.test('defaults', async (t) => {
  const config = serve([])
  t.same(config, DEFAULT_CONFIG)
  t.equal(config.port, 8000)
  t.equal(config.host, '127.0.0.1')
  t.equal(config.db, ':memory:')
  t.equal(config.seed, DEFAULT_SEED)
  t.equal(config.apiKeys, null)
  t.equal(config.strict, false)
  t.ok(Object.isFrozen(config))
})

t.test('env over defaults, flags over env', async (t) => {
  const env = {
    PORT: '9001', HOST: '0.0.0.0', MEIBEL_MOCK_DB: '/tmp/x.db', MEIBEL_MOCK_SEED: '7', MEIBEL_MOCK_FIXTURES: '/fx',
    MEIBEL_MOCK_API_KEYS: 'a, b,,', MEIBEL_MOCK_STRICT: 'true', MEIBEL_MOCK_LOG_LEVEL: 'warn'
  }
  t.same(serve([], env), { port: 9001, host: '0.0.0.0', db: '/tmp/x.db', seed: 7, fixturesDir: '/fx', apiKeys: ['a', 'b'], strict: true, logLevel: 'warn' })
  t.same(serve(['--port', '0', '--host', '::1', '--db', 'f.db', '--seed', '9', '--fixtures', 'd', '--api-keys', 'k', '--strict', '--log-level', 'silent'], env),
    { port: 0, host: '::1', db: 'f.db', seed: 9, fixturesDir: 'd', apiKeys: ['k'], strict: true, logLevel: 'silent' })
  t.equal(serve(['--port=1234']).port, 1234)
  t.equal(serve([], { MEIBEL_MOCK_STRICT: '0' }).strict, false)
  t.equal(serve([], { PORT: '' }).port, 8000, 'an empty variable counts as unset')
  t.ok(Object.isFrozen(serve([], env).apiKeys))
})

t.test('help and version', async (t) => {
  t.same(parseCli(['--help'], {}), { action: 'help' })
  t.same(parseCli(['--version', '--port', 'x'], {}), { action: 'version' })
  for (const flag of ['--port', '--host', '--db', '--seed', '--fixtures', '--api-keys', '--strict', '--log-level', '--help', '--version']) {
    t.match(HELP, flag, `help mentions ${flag}`)
  }
})

t.test('bad configuration: one line naming the option', async (t) => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--bogus'], {}, /^Unknown option '--bogus'.*\(see --help\)$/],
    [['extra'], {}, /positional argument/],
    [['--port', 'abc'], {}, /^invalid --port 'abc': expected a whole number$/],
    [['--port', '70000'], {}, /^invalid --port '70000': /],
    [[], { PORT: '-1' }, /^invalid PORT '-1': expected a whole number$/],
    [['--seed', '1.5'], {}, /^invalid --seed '1.5'/],
    [['--api-keys', ' , '], {}, /^invalid --api-keys ' , ': expected a comma-separated list of keys$/],
    [[], { MEIBEL_MOCK_STRICT: 'maybe' }, /^invalid MEIBEL_MOCK_STRICT 'maybe': expected 1 or 0$/],
    [['--log-level', 'loud'], {}, /^invalid --log-level 'loud': /],
    [['--host', ''], {}, /^invalid --host '': /]
  ]
  for (const [argv, env, message] of cases) {
    t.throws(() => parseCli(argv, env), message, `${argv.join(' ')} ${JSON.stringify(env)}`)
    try { parseCli(argv, env) } catch (err) {
      t.type(err, ConfigError)
      t.notMatch((err as Error).message, /\n/, 'one line')
    }
  }
})

t.test('makeConfig checks overrides', async (t) => {
  t.equal(makeConfig({ port: 1 }).port, 1)
  t.throws(() => makeConfig({ port: -1 }), /invalid --port '-1'/)
})
