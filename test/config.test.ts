import t from 'tap'
import { StartupError } from '../src/errors.js'
import { DEFAULT_CONFIG, DEFAULT_SEED, HELP, makeConfig, parseCli } from '../src/config.js'

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
  t.equal(config.apiKeysFile, null)
  t.equal(config.strict, false)
  t.equal(config.admin, true)
  t.equal(config.adminToken, null)
  t.equal(config.journalSize, 1000)
  t.ok(Object.isFrozen(config))
})

t.test('env over defaults, flags over env', async (t) => {
  const env = {
    PORT: '9001', HOST: '0.0.0.0', MEIBEL_MOCK_DB: '/tmp/x.db', MEIBEL_MOCK_SEED: '7', MEIBEL_MOCK_FIXTURES: '/fx',
    MEIBEL_MOCK_API_KEYS: 'a, b,,', MEIBEL_MOCK_STRICT: 'true', MEIBEL_MOCK_LOG_LEVEL: 'warn'
  }
  const control = { admin: true, adminToken: null, journalSize: 1000 }
  t.same(serve([], env), { port: 9001, host: '0.0.0.0', db: '/tmp/x.db', seed: 7, fixturesDir: '/fx', apiKeys: ['a', 'b'], apiKeysFile: null, strict: true, logLevel: 'warn', ...control })
  t.same(serve(['--port', '0', '--host', '::1', '--db', 'f.db', '--seed', '9', '--fixtures', 'd', '--api-keys', 'k', '--strict', '--log-level', 'silent'], env),
    { port: 0, host: '::1', db: 'f.db', seed: 9, fixturesDir: 'd', apiKeys: ['k'], apiKeysFile: null, strict: true, logLevel: 'silent', ...control })
  t.equal(serve(['--port=1234']).port, 1234)
  t.equal(serve([], { MEIBEL_MOCK_STRICT: '0' }).strict, false)
  t.equal(serve([], { PORT: '' }).port, 8000, 'an empty variable counts as unset')
  t.ok(Object.isFrozen(serve([], env).apiKeys))
})

t.test('control API options: env over defaults, flags over env', async (t) => {
  const env = { MEIBEL_MOCK_ADMIN: '0', MEIBEL_MOCK_ADMIN_TOKEN: 's3cret', MEIBEL_MOCK_JOURNAL_SIZE: '5', MEIBEL_MOCK_API_KEYS_FILE: 'keys.json' }
  const fromEnv = serve([], env)
  t.equal(fromEnv.admin, false)
  t.equal(fromEnv.adminToken, 's3cret')
  t.equal(fromEnv.journalSize, 5)
  t.equal(fromEnv.apiKeysFile, 'keys.json')
  t.equal(fromEnv.apiKeys, null)
  t.equal(serve(['--no-admin']).admin, false)
  t.equal(serve([], { MEIBEL_MOCK_ADMIN: '1' }).admin, true)
  t.equal(serve([], { MEIBEL_MOCK_ADMIN: '0' }).admin, false)
  t.equal(serve(['--journal-size', '0'], env).journalSize, 0, '0 keeps no requests')
  t.equal(serve(['--api-keys-file', 'other.json'], env).apiKeysFile, 'other.json')
  t.equal(serve([], { MEIBEL_MOCK_ADMIN_TOKEN: '' }).adminToken, null, 'an empty token counts as unset')
})

t.test('--api-keys and --api-keys-file: one or the other, flags over env', async (t) => {
  const byFlag = serve(['--api-keys-file', 'keys.json'], { MEIBEL_MOCK_API_KEYS: 'a,b' })
  t.equal(byFlag.apiKeysFile, 'keys.json')
  t.equal(byFlag.apiKeys, null, 'the flag replaces the env\'s key list')
  const byKeys = serve(['--api-keys', 'k'], { MEIBEL_MOCK_API_KEYS_FILE: 'keys.json' })
  t.same(byKeys.apiKeys, ['k'])
  t.equal(byKeys.apiKeysFile, null, 'the flag replaces the env\'s keys file')
  t.throws(() => parseCli(['--api-keys', 'k', '--api-keys-file', 'f'], {}), { name: 'StartupError', message: '--api-keys and --api-keys-file cannot be combined' })
  t.throws(() => parseCli([], { MEIBEL_MOCK_API_KEYS: 'k', MEIBEL_MOCK_API_KEYS_FILE: 'f' }),
    { message: 'MEIBEL_MOCK_API_KEYS and MEIBEL_MOCK_API_KEYS_FILE cannot be combined' })
  t.throws(() => makeConfig({ apiKeys: ['k'], apiKeysFile: 'f' }), { message: '--api-keys and --api-keys-file cannot be combined' })
})

t.test('help and version', async (t) => {
  t.same(parseCli(['--help'], {}), { action: 'help' })
  t.same(parseCli(['--version', '--port', 'x'], {}), { action: 'version' })
  for (const text of ['--api-keys-file', '--no-admin', '--journal-size', 'MEIBEL_MOCK_API_KEYS_FILE', 'MEIBEL_MOCK_ADMIN=0', 'MEIBEL_MOCK_JOURNAL_SIZE', 'MEIBEL_MOCK_ADMIN_TOKEN']) {
    t.match(HELP, text, `help mentions ${text}`)
  }
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
    [['--host', ''], {}, /^invalid --host '': /],
    [[], { MEIBEL_MOCK_JOURNAL_SIZE: '-1' }, /^invalid MEIBEL_MOCK_JOURNAL_SIZE '-1': expected a whole number$/],
    [['--journal-size', '1000001'], {}, /^invalid --journal-size '1000001': /],
    [[], { MEIBEL_MOCK_ADMIN: 'nope' }, /^invalid MEIBEL_MOCK_ADMIN 'nope': expected 1 or 0$/],
    [['--no-admin=1'], {}, /--no-admin.*(see --help)/],
    [['--api-keys-file', ''], {}, /^invalid --api-keys-file '': /]
  ]
  for (const [argv, env, message] of cases) {
    t.throws(() => parseCli(argv, env), message, `${argv.join(' ')} ${JSON.stringify(env)}`)
    try { parseCli(argv, env) } catch (err) {
      t.type(err, StartupError)
      t.notMatch((err as Error).message, /\n/, 'one line')
    }
  }
})

t.test('makeConfig checks overrides', async (t) => {
  t.equal(makeConfig({ port: 1 }).port, 1)
  t.throws(() => makeConfig({ port: -1 }), /invalid --port '-1'/)
  t.throws(() => makeConfig({ adminToken: '' }), /^invalid MEIBEL_MOCK_ADMIN_TOKEN '': /)
})
