import t from 'tap'
import { inspect, isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { StartupError } from '../src/errors.js'
import { DEFAULT_CONFIG, DEFAULT_FIXTURES_DIR, DEFAULT_SEED, HELP, OPTIONS, makeConfig, parseCli, type Config, type OptionKey } from '../src/config.js'

const serve = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseCli(argv, env)
  if (parsed.action !== 'serve') throw new Error(`expected serve, got ${parsed.action}`)
  return parsed.config
}

// The error of `fn` (a StartupError, one line), or undefined when it returns.
const errorOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
    return undefined
  } catch (err) {
    if (!(err instanceof StartupError)) throw err
    if (err.message.includes('\n')) throw new Error(`not one line: ${err.message}`)
    return err.message
  }
}

// Every option as the README states it, written out here (not read from the
// table): its flag (null: environment only; a switch has no metavariable),
// variable, what a raw value must be and what a programmatic one must be,
// and a bad raw value (null: every non-empty string is accepted).
interface Spec {
  flag: string | null
  arg: string | null
  env: string
  expected: string
  expectedValue: string
  bad: string | null
}
const SPECS: Record<OptionKey, Spec> = {
  port: { flag: '--port', arg: 'N', env: 'PORT', expected: 'a port from 0 to 65535', expectedValue: 'a port from 0 to 65535', bad: '70000' },
  host: { flag: '--host', arg: 'ADDR', env: 'HOST', expected: 'a host name or IP address', expectedValue: 'a host name or IP address', bad: null },
  db: { flag: '--db', arg: 'PATH', env: 'MEIBEL_MOCK_DB', expected: 'a file path or :memory:', expectedValue: 'a file path or :memory:', bad: null },
  seed: { flag: '--seed', arg: 'N', env: 'MEIBEL_MOCK_SEED', expected: 'a whole number from 0 to 4294967295', expectedValue: 'a whole number from 0 to 4294967295', bad: '4294967296' },
  sessionsPerAgent: { flag: '--sessions-per-agent', arg: 'N', env: 'MEIBEL_MOCK_SESSIONS_PER_AGENT', expected: 'a whole number from 0 to 1000000', expectedValue: 'a whole number from 0 to 1000000', bad: '1000001' },
  reseed: { flag: '--reseed', arg: null, env: 'MEIBEL_MOCK_RESEED', expected: '1 or 0 (or true/false, yes/no, on/off)', expectedValue: 'true or false', bad: 'always' },
  fixturesDir: { flag: '--fixtures', arg: 'DIR', env: 'MEIBEL_MOCK_FIXTURES', expected: 'a folder path', expectedValue: 'a folder path', bad: null },
  apiKeys: { flag: '--api-keys', arg: 'K1,K2', env: 'MEIBEL_MOCK_API_KEYS', expected: 'a comma-separated list of keys', expectedValue: 'a non-empty list of non-empty keys', bad: ' , ' },
  apiKeysFile: { flag: '--api-keys-file', arg: 'FILE', env: 'MEIBEL_MOCK_API_KEYS_FILE', expected: 'a file path', expectedValue: 'a file path', bad: null },
  strict: { flag: '--strict', arg: null, env: 'MEIBEL_MOCK_STRICT', expected: '1 or 0 (or true/false, yes/no, on/off)', expectedValue: 'true or false', bad: 'maybe' },
  logLevel: { flag: '--log-level', arg: 'LEVEL', env: 'MEIBEL_MOCK_LOG_LEVEL', expected: 'one of fatal, error, warn, info, debug, trace, silent', expectedValue: 'one of fatal, error, warn, info, debug, trace, silent', bad: 'loud' },
  logFormat: { flag: '--log-format', arg: 'FORMAT', env: 'MEIBEL_MOCK_LOG_FORMAT', expected: 'one of pretty, json', expectedValue: 'one of pretty, json', bad: 'text' },
  admin: { flag: '--no-admin', arg: null, env: 'MEIBEL_MOCK_ADMIN', expected: '1 or 0 (or true/false, yes/no, on/off)', expectedValue: 'true or false', bad: 'nope' },
  adminToken: { flag: null, arg: null, env: 'MEIBEL_MOCK_ADMIN_TOKEN', expected: 'a non-empty token', expectedValue: 'a non-empty token', bad: null },
  journalSize: { flag: '--journal-size', arg: 'N', env: 'MEIBEL_MOCK_JOURNAL_SIZE', expected: 'a whole number from 0 to 1000000', expectedValue: 'a whole number from 0 to 1000000', bad: '1000001' },
  journalBytes: { flag: '--journal-bytes', arg: 'N', env: 'MEIBEL_MOCK_JOURNAL_BYTES', expected: 'a whole number from 0 to 1073741824', expectedValue: 'a whole number from 0 to 1073741824', bad: '1073741825' },
  cors: { flag: '--cors', arg: 'ORIGINS', env: 'MEIBEL_MOCK_CORS', expected: '* or a comma-separated list of origins such as http://localhost:3000', expectedValue: "'*' or a non-empty list of origins such as 'http://localhost:3000'", bad: 'localhost:3000' },
  shutdownTimeout: { flag: '--shutdown-timeout', arg: 'MS', env: 'MEIBEL_MOCK_SHUTDOWN_TIMEOUT', expected: 'a whole number from 0 to 600000', expectedValue: 'a whole number from 0 to 600000', bad: '600001' },
  forwardedAllowIps: { flag: '--forwarded-allow-ips', arg: 'IPS', env: 'MEIBEL_MOCK_FORWARDED_ALLOW_IPS', expected: "* or a comma-separated list of addresses and networks such as 127.0.0.1,::1 ('' for none)", expectedValue: "'*' or a list of addresses and networks without spaces such as ['127.0.0.1', '::1']", bad: '10.0.0.1 10.0.0.2' },
  clock: { flag: '--clock', arg: 'MODE', env: 'MEIBEL_MOCK_CLOCK', expected: 'pinned, live or an RFC 3339 instant such as 2026-11-20T12:00:00Z', expectedValue: 'pinned, live or an RFC 3339 instant such as 2026-11-20T12:00:00Z', bad: 'tomorrow' },
  clockSpeed: { flag: '--clock-speed', arg: 'N', env: 'MEIBEL_MOCK_CLOCK_SPEED', expected: 'a number above 0 and at most 1000000, such as 60 or 0.5', expectedValue: 'a number above 0 and at most 1000000, such as 60 or 0.5', bad: '0' }
}
const KEYS = Object.keys(SPECS) as OptionKey[]

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
  t.equal(config.cors, null, 'CORS off')
  t.ok(Object.isFrozen(config))
})

t.test('the table: every option with its flag and variable, DEFAULT_CONFIG derived from it', async (t) => {
  t.same(Object.keys(OPTIONS), KEYS, 'the options, in the order HELP lists them')
  for (const key of KEYS) {
    const o = OPTIONS[key] as { flag?: string, arg?: string, env: string }
    t.same({ flag: o.flag ?? null, arg: o.arg ?? null, env: o.env }, { flag: SPECS[key].flag, arg: SPECS[key].arg, env: SPECS[key].env }, key)
  }
  t.same(DEFAULT_CONFIG, {
    port: 8000,
    host: '127.0.0.1',
    db: ':memory:',
    seed: 20261120,
    sessionsPerAgent: null,
    reseed: false,
    fixturesDir: DEFAULT_FIXTURES_DIR,
    apiKeys: null,
    apiKeysFile: null,
    strict: false,
    logLevel: 'info',
    logFormat: null,
    admin: true,
    adminToken: null,
    journalSize: 1000,
    journalBytes: 16777216,
    cors: null,
    shutdownTimeout: 5000,
    forwardedAllowIps: ['127.0.0.1', '::1'],
    clock: 'pinned',
    clockSpeed: 1
  })
  t.same(Object.keys(DEFAULT_CONFIG), KEYS, 'one default per entry, in table order')
  for (const key of KEYS) t.equal(DEFAULT_CONFIG[key], OPTIONS[key].default, `DEFAULT_CONFIG.${key} is the entry's default`)
  t.ok(Object.isFrozen(DEFAULT_CONFIG))
  t.match(DEFAULT_FIXTURES_DIR, /fixtures$/)
})

t.test('env over defaults, flags over env', async (t) => {
  const env = {
    PORT: '9001',
    HOST: '0.0.0.0',
    MEIBEL_MOCK_DB: '/tmp/x.db',
    MEIBEL_MOCK_SEED: '7',
    MEIBEL_MOCK_FIXTURES: '/fx',
    MEIBEL_MOCK_API_KEYS: 'a, b,,',
    MEIBEL_MOCK_STRICT: 'true',
    MEIBEL_MOCK_LOG_LEVEL: 'warn'
  }
  const control = { admin: true, adminToken: null, journalSize: 1000, journalBytes: 16777216, cors: null, shutdownTimeout: 5000, forwardedAllowIps: ['127.0.0.1', '::1'], clock: 'pinned', clockSpeed: 1 }
  const data = { sessionsPerAgent: null, reseed: false }
  t.same(serve([], env), { port: 9001, host: '0.0.0.0', db: '/tmp/x.db', seed: 7, ...data, fixturesDir: '/fx', apiKeys: ['a', 'b'], apiKeysFile: null, strict: true, logLevel: 'warn', logFormat: null, ...control })
  t.same(serve(['--port', '0', '--host', '::1', '--db', 'f.db', '--seed', '9', '--fixtures', 'd', '--api-keys', 'k', '--strict', '--log-level', 'silent'], env),
    { port: 0, host: '::1', db: 'f.db', seed: 9, ...data, fixturesDir: 'd', apiKeys: ['k'], apiKeysFile: null, strict: true, logLevel: 'silent', logFormat: null, ...control })
  t.equal(serve(['--port=1234']).port, 1234)
  t.equal(serve([], { MEIBEL_MOCK_STRICT: '0' }).strict, false)
  t.equal(serve([], { PORT: '' }).port, 8000, 'an empty variable counts as unset')
  t.ok(Object.isFrozen(serve([], env).apiKeys))
})

t.test('boolean variables: 1/true/yes/on and 0/false/no/off, any case', async (t) => {
  for (const raw of ['1', 'true', 'yes', 'on', 'TRUE', 'Yes', 'On']) {
    t.equal(serve([], { MEIBEL_MOCK_STRICT: raw }).strict, true, `MEIBEL_MOCK_STRICT=${raw}`)
    t.equal(serve([], { MEIBEL_MOCK_ADMIN: raw }).admin, true, `MEIBEL_MOCK_ADMIN=${raw}`)
  }
  for (const raw of ['0', 'false', 'no', 'off', 'FALSE', 'No', 'OFF']) {
    t.equal(serve([], { MEIBEL_MOCK_STRICT: raw }).strict, false, `MEIBEL_MOCK_STRICT=${raw}`)
    t.equal(serve([], { MEIBEL_MOCK_ADMIN: raw }).admin, false, `MEIBEL_MOCK_ADMIN=${raw}`)
  }
  t.equal(serve([], { MEIBEL_MOCK_ADMIN: '' }).admin, true, 'empty: unset, the default')
  t.equal(serve(['--strict'], { MEIBEL_MOCK_STRICT: '0' }).strict, true, 'the flag over the variable')
  t.equal(serve(['--no-admin'], { MEIBEL_MOCK_ADMIN: 'yes' }).admin, false, 'the flag over the variable')
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
  t.equal(serve(['--journal-size', '1000000']).journalSize, 1_000_000, 'the bound itself is allowed')
  t.equal(serve(['--seed', '4294967295']).seed, 2 ** 32 - 1, 'the largest seed')
  t.equal(serve(['--port', '65535']).port, 65535, 'the largest port')
})

t.test('--shutdown-timeout: the drain deadline in milliseconds, 5 s by default, at most 10 minutes', async (t) => {
  t.equal(serve([]).shutdownTimeout, 5000)
  t.equal(serve([], { MEIBEL_MOCK_SHUTDOWN_TIMEOUT: '1500' }).shutdownTimeout, 1500)
  t.equal(serve(['--shutdown-timeout', '0'], { MEIBEL_MOCK_SHUTDOWN_TIMEOUT: '1500' }).shutdownTimeout, 0, 'the flag over the variable; 0 closes at once')
  t.equal(errorOf(() => parseCli(['--shutdown-timeout', '5s'], {})), 'invalid --shutdown-timeout \'5s\': expected a whole number from 0 to 600000')
  t.match(HELP.replace(/\s+/g, ' '), '[MEIBEL_MOCK_SHUTDOWN_TIMEOUT] (default 5000)')
})

t.test('--journal-bytes: the journal\'s byte budget, 16 MiB by default, at most 1 GiB', async (t) => {
  t.equal(serve([]).journalBytes, 16 * 1024 * 1024)
  t.equal(serve([], { MEIBEL_MOCK_JOURNAL_BYTES: '65536' }).journalBytes, 65536)
  t.equal(serve(['--journal-bytes', '4096'], { MEIBEL_MOCK_JOURNAL_BYTES: '65536' }).journalBytes, 4096, 'the flag over the variable')
  t.equal(serve(['--journal-bytes', '0']).journalBytes, 0, '0 keeps no requests')
  t.equal(serve(['--journal-bytes', '1073741824']).journalBytes, 2 ** 30, 'the bound itself is allowed')
  t.equal(errorOf(() => parseCli(['--journal-bytes', '1073741825'], {})), 'invalid --journal-bytes \'1073741825\': expected a whole number from 0 to 1073741824')
  t.equal(errorOf(() => parseCli([], { MEIBEL_MOCK_JOURNAL_BYTES: '16MiB' })), 'invalid MEIBEL_MOCK_JOURNAL_BYTES \'16MiB\' (environment): expected a whole number from 0 to 1073741824')
  t.equal(errorOf(() => makeConfig({ journalBytes: -1 })), 'invalid option journalBytes -1: expected a whole number from 0 to 1073741824')
  t.match(HELP.replace(/\s+/g, ' '), '[MEIBEL_MOCK_JOURNAL_BYTES] (default 16777216)')
})

t.test('--sessions-per-agent and --reseed: the seeding of the data', async (t) => {
  t.equal(serve([]).sessionsPerAgent, null, "default: each fixture agent's generated_sessions")
  t.equal(serve(['--sessions-per-agent', '500']).sessionsPerAgent, 500)
  t.equal(serve(['--sessions-per-agent', '0']).sessionsPerAgent, 0, 'none generated')
  t.equal(serve(['--sessions-per-agent', '1000000']).sessionsPerAgent, 1_000_000, "the control API's bound itself is allowed")
  t.equal(serve(['--sessions-per-agent', '3'], { MEIBEL_MOCK_SESSIONS_PER_AGENT: '40' }).sessionsPerAgent, 3, 'the flag over the variable')
  t.equal(serve([], { MEIBEL_MOCK_SESSIONS_PER_AGENT: '40' }).sessionsPerAgent, 40)
  t.equal(errorOf(() => parseCli(['--sessions-per-agent', '1000001'], {})), "invalid --sessions-per-agent '1000001': expected a whole number from 0 to 1000000")
  t.equal(errorOf(() => makeConfig({ sessionsPerAgent: 1.5 })), 'invalid option sessionsPerAgent 1.5: expected a whole number from 0 to 1000000')
  t.equal(makeConfig({ sessionsPerAgent: null }).sessionsPerAgent, null)
  t.equal(serve([]).reseed, false)
  t.equal(serve(['--reseed']).reseed, true)
  t.equal(serve([], { MEIBEL_MOCK_RESEED: 'yes' }).reseed, true)
  t.equal(serve(['--reseed'], { MEIBEL_MOCK_RESEED: '0' }).reseed, true, 'the flag over the variable')
  t.match(HELP.replace(/\s+/g, ' '), "generated sessions per agent [MEIBEL_MOCK_SESSIONS_PER_AGENT] (default: each fixture agent's generated_sessions)")
  t.match(HELP.replace(/\s+/g, ' '), '[MEIBEL_MOCK_RESEED=1]')
})

t.test('--log-format: pretty or json; null (the default) leaves it to the terminal', async (t) => {
  t.equal(serve([]).logFormat, null)
  t.equal(serve(['--log-format', 'pretty']).logFormat, 'pretty')
  t.equal(serve([], { MEIBEL_MOCK_LOG_FORMAT: 'json' }).logFormat, 'json')
  t.equal(serve(['--log-format', 'json'], { MEIBEL_MOCK_LOG_FORMAT: 'pretty' }).logFormat, 'json', 'the flag over the variable')
  t.equal(errorOf(() => parseCli(['--log-format', 'text'], {})), "invalid --log-format 'text': expected one of pretty, json")
  t.equal(errorOf(() => makeConfig({ logFormat: 'PRETTY' as Config['logFormat'] })), "invalid option logFormat 'PRETTY': expected one of pretty, json")
  t.match(HELP.replace(/\s+/g, ' '), '[MEIBEL_MOCK_LOG_FORMAT] (default: pretty on a terminal, else json)')
})

t.test('the admin token has no flag (it would show in `ps`)', async (t) => {
  t.match(errorOf(() => parseCli(['--admin-token', 'x'], {})), /^Unknown option '--admin-token'.*\(see --help\)$/)
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
  t.equal(errorOf(() => makeConfig({ apiKeys: ['k'], apiKeysFile: 'f' })), '--api-keys and --api-keys-file cannot be combined')
  t.same(makeConfig({ apiKeys: ['k'], apiKeysFile: null }).apiKeys, ['k'], 'null is not a choice')
  t.equal(makeConfig({ apiKeys: null, apiKeysFile: 'f' }).apiKeysFile, 'f')
  t.same(serve(['--api-keys', 'a,b', '--api-keys', 'c']).apiKeys, ['c'], 'a flag given twice: the last one')
})

t.test("--forwarded-allow-ips: uvicorn's trusted proxy clients", async (t) => {
  t.same(serve([]).forwardedAllowIps, ['127.0.0.1', '::1'], "uvicorn's default: the loopback addresses")
  t.equal(serve(['--forwarded-allow-ips', ' * ']).forwardedAllowIps, '*', 'any client')
  t.same(serve(['--forwarded-allow-ips', '']).forwardedAllowIps, [], "'' on the flag: none")
  t.same(serve([], { MEIBEL_MOCK_FORWARDED_ALLOW_IPS: '10.0.0.0/8, 192.168.1.2,,' }).forwardedAllowIps, ['10.0.0.0/8', '192.168.1.2'])
  t.same(serve([], { MEIBEL_MOCK_FORWARDED_ALLOW_IPS: '' }).forwardedAllowIps, ['127.0.0.1', '::1'], 'an empty variable counts as unset')
  t.same(makeConfig({ forwardedAllowIps: [] }).forwardedAllowIps, [])
  t.equal(errorOf(() => makeConfig({ forwardedAllowIps: [''] })), "invalid option forwardedAllowIps [ '' ]: expected '*' or a list of addresses and networks without spaces such as ['127.0.0.1', '::1']")
  t.match(HELP, /^ {2}--forwarded-allow-ips IPS {2,}clients whose X-Forwarded-Proto/m)
})

t.test('--clock and --clock-speed: a mode or an instant, and a positive speed', async (t) => {
  t.equal(serve([]).clock, 'pinned')
  t.equal(serve(['--clock', 'live']).clock, 'live')
  t.equal(serve([], { MEIBEL_MOCK_CLOCK: '2026-11-21T08:30:00.5+01:00' }).clock, '2026-11-21T08:30:00.5+01:00')
  t.equal(errorOf(() => serve(['--clock', '2026-02-30T00:00:00Z'])), "invalid --clock '2026-02-30T00:00:00Z': expected pinned, live or an RFC 3339 instant such as 2026-11-20T12:00:00Z")
  t.equal(serve(['--clock-speed', '60']).clockSpeed, 60)
  t.equal(serve([], { MEIBEL_MOCK_CLOCK_SPEED: '0.25' }).clockSpeed, 0.25)
  t.equal(serve(['--clock-speed', '1000000']).clockSpeed, 1e6, 'the bound itself is allowed')
  t.ok(errorOf(() => serve(['--clock-speed', '1000000.5'])))
  t.ok(errorOf(() => serve(['--clock-speed', '-1'])))
  t.ok(errorOf(() => makeConfig({ clockSpeed: Infinity })))
  t.ok(errorOf(() => makeConfig({ clock: 7 as unknown as string })))
})

t.test('--cors: * or a list of origins, as a browser sends Origin', async (t) => {
  t.equal(serve(['--cors', '*']).cors, '*', 'any origin')
  t.equal(serve(['--cors', ' * ,']).cors, '*', 'spaces and empty entries dropped')
  t.same(serve(['--cors', 'http://localhost:3000,http://127.0.0.1:5173']).cors, ['http://localhost:3000', 'http://127.0.0.1:5173'])
  t.same(serve([], { MEIBEL_MOCK_CORS: 'http://a.test, https://b.test:8443,,' }).cors, ['http://a.test', 'https://b.test:8443'])
  t.same(serve(['--cors=http://[::1]:8080'], { MEIBEL_MOCK_CORS: '*' }).cors, ['http://[::1]:8080'], 'the flag over the variable')
  t.equal(serve([], { MEIBEL_MOCK_CORS: '' }).cors, null, 'empty: unset, off')
  t.ok(Object.isFrozen(serve(['--cors', 'http://a.test']).cors), 'the list is frozen')
  const expected = 'expected * or a comma-separated list of origins such as http://localhost:3000'
  // Values that no browser sends as Origin would never match: errors, not silence.
  for (const bad of ['*,http://a.test', 'http://localhost:3000/', 'http://localhost:3000/app', 'HTTP://LOCALHOST:3000', 'http://a.test:80',
    'https://a.test:443', 'null', 'localhost', 'file:///tmp/page.html', ' , ', 'http://a.test?x']) {
    t.equal(errorOf(() => parseCli(['--cors', bad], {})), `invalid --cors '${bad}': ${expected}`, `--cors '${bad}'`)
  }
  t.equal(errorOf(() => parseCli([], { MEIBEL_MOCK_CORS: 'http://a.test/' })), `invalid MEIBEL_MOCK_CORS 'http://a.test/' (environment): ${expected}`)
  t.match(errorOf(() => parseCli(['--cors'], {})), /^Option '--cors <value>' argument missing.*\(see --help\)$/, 'no bare --cors: parseArgs has no optional values')
  t.equal(makeConfig({ cors: '*' }).cors, '*')
  t.same(makeConfig({ cors: ['http://a.test'] }).cors, ['http://a.test'])
  for (const bad of [['*'], [], 'http://a.test', ['http://a.test/'], true]) {
    t.equal(errorOf(() => makeConfig({ cors: bad as Config['cors'] })),
      `invalid option cors ${inspect(bad, { breakLength: Infinity, compact: true })}: expected '*' or a non-empty list of origins such as 'http://localhost:3000'`)
  }
  t.match(HELP, /^ {2}--cors ORIGINS {2,}answer CORS requests/m)
  t.match(HELP.replace(/\s+/g, ' '), 'or from any origin with "*" [MEIBEL_MOCK_CORS] (default: off)')
})

t.test('help and version', async (t) => {
  t.same(parseCli(['--help'], {}), { action: 'help' })
  t.same(parseCli(['--version', '--port', 'x'], {}), { action: 'version' })
  t.same(parseCli(['--help'], { PORT: 'x' }), { action: 'help' }, 'help before the environment is read')
  for (const text of ['--api-keys-file', '--no-admin', '--journal-size', 'MEIBEL_MOCK_API_KEYS_FILE', 'MEIBEL_MOCK_ADMIN=0', 'MEIBEL_MOCK_JOURNAL_SIZE', 'MEIBEL_MOCK_ADMIN_TOKEN']) {
    t.match(HELP, text, `help mentions ${text}`)
  }
  for (const flag of ['--port', '--host', '--db', '--seed', '--fixtures', '--api-keys', '--strict', '--log-level', '--help', '--version']) {
    t.match(HELP, flag, `help mentions ${flag}`)
  }
})

t.test('the help text lists every table entry', async (t) => {
  // Descriptions are wrapped: compare with single spaces.
  const flat = (s: string) => s.replace(/\s+/g, ' ')
  const [options, envOnly] = HELP.split('\nEnvironment only:\n') as [string, string]
  for (const key of KEYS) {
    const { flag, arg, env } = SPECS[key]
    const o = OPTIONS[key]
    if (flag === null) {
      t.match(envOnly, new RegExp(`^  ${env} +`, 'm'), `${env} under "Environment only"`)
      t.notMatch(options, env, `${env} only there`)
      t.match(flat(envOnly), flat(o.help), `${key}: its help text`)
    } else {
      t.match(options, new RegExp(`^  ${flag}${arg === null ? '' : ` ${arg}`} +\\S`, 'm'), `${flag} starts a row`)
      // A switch shows the variable's value that does what the flag does.
      const bracket = arg === null ? `[${env}=${flag === '--no-admin' ? '0' : '1'}]` : `[${env}]`
      t.match(flat(options), `${flat(o.help)} ${bracket}`, `${key}: its help text and ${bracket}`)
    }
  }
  const flatHelp = flat(HELP)
  for (const text of ['[PORT] (default 8000)', '[HOST] (default 127.0.0.1)', '[MEIBEL_MOCK_SEED] (default 20261120)', '[MEIBEL_MOCK_DB] (default: in memory)',
    '[MEIBEL_MOCK_API_KEYS] (default: any non-empty key)', '[MEIBEL_MOCK_JOURNAL_SIZE] (default 1000)', '[MEIBEL_MOCK_LOG_LEVEL] (default info)',
    'fatal, error, warn, info, debug, trace, silent', '[MEIBEL_MOCK_API_KEYS_FILE] --strict', '[MEIBEL_MOCK_STRICT=1] --log-level', '[MEIBEL_MOCK_ADMIN=0] --journal-size']) {
    t.match(flatHelp, text, `help: ${text}`)
  }
  for (const line of HELP.split('\n')) t.ok(line.length <= 80, `at most 80 columns: ${line}`)
})

t.test('bad configuration: one line naming the option', async (t) => {
  // The messages name the source and the allowed values (#7: the texts after
  // the source changed from "expected a whole number" and "expected 1 or 0").
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--bogus'], {}, /^Unknown option '--bogus'.*\(see --help\)$/],
    [['extra'], {}, /positional argument/],
    [['--port', 'abc'], {}, /^invalid --port 'abc': expected a port from 0 to 65535$/],
    [['--port', '70000'], {}, /^invalid --port '70000': /],
    [[], { PORT: '-1' }, /^invalid PORT '-1' \(environment\): expected a port from 0 to 65535$/],
    [['--seed', '1.5'], {}, /^invalid --seed '1.5'/],
    [['--api-keys', ' , '], {}, /^invalid --api-keys ' , ': expected a comma-separated list of keys$/],
    [[], { MEIBEL_MOCK_STRICT: 'maybe' }, /^invalid MEIBEL_MOCK_STRICT 'maybe' \(environment\): expected 1 or 0 \(or true\/false, yes\/no, on\/off\)$/],
    [['--log-level', 'loud'], {}, /^invalid --log-level 'loud': /],
    [['--host', ''], {}, /^invalid --host '': /],
    [[], { MEIBEL_MOCK_JOURNAL_SIZE: '-1' }, /^invalid MEIBEL_MOCK_JOURNAL_SIZE '-1' \(environment\): expected a whole number from 0 to 1000000$/],
    [['--journal-size', '1000001'], {}, /^invalid --journal-size '1000001': /],
    [[], { MEIBEL_MOCK_ADMIN: 'nope' }, /^invalid MEIBEL_MOCK_ADMIN 'nope' \(environment\): expected 1 or 0 \(or true\/false, yes\/no, on\/off\)$/],
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

t.test('the issue\'s examples, exactly', async (t) => {
  t.equal(errorOf(() => parseCli([], { PORT: '70000' })), 'invalid PORT \'70000\' (environment): expected a port from 0 to 65535')
  t.equal(errorOf(() => parseCli(['--log-level', 'loud'], {})), 'invalid --log-level \'loud\': expected one of fatal, error, warn, info, debug, trace, silent')
  t.equal(errorOf(() => makeConfig({ port: 70000 })), 'invalid option port 70000: expected a port from 0 to 65535')
})

t.test('each option\'s flag error and env error name their source', async (t) => {
  for (const key of KEYS) {
    const { flag, arg, env, expected, bad } = SPECS[key]
    if (bad !== null) {
      t.equal(errorOf(() => parseCli([], { [env]: bad })), `invalid ${env} '${bad}' (environment): expected ${expected}`, `${env}=${bad}`)
    } else {
      // Any non-empty string is a value, and an empty variable counts as unset.
      t.equal(serve([], { [env]: ' x ' })[key], ' x ', `${env}: any non-empty value`)
      t.equal(serve([], { [env]: '' })[key], DEFAULT_CONFIG[key], `${env}='': the default`)
    }
    if (flag === null) continue
    if (arg === null) {
      // A switch takes no value; its variable does.
      t.match(errorOf(() => parseCli([`${flag}=${bad!}`], {})), new RegExp(`^Option '${flag}' does not take an argument.*\\(see --help\\)$`), `${flag}=${bad!}`)
      continue
    }
    const badFlag = bad ?? ''
    t.equal(errorOf(() => parseCli([flag, badFlag], {})), `invalid ${flag} '${badFlag}': expected ${expected}`, `${flag} '${badFlag}'`)
    t.equal(errorOf(() => parseCli([`${flag}=${badFlag}`], {})), `invalid ${flag} '${badFlag}': expected ${expected}`, `${flag}='${badFlag}'`)
  }
})

t.test('each value is checked when its layer applies it', async (t) => {
  t.equal(errorOf(() => parseCli(['--port', '1'], { PORT: 'x' })), 'invalid PORT \'x\' (environment): expected a port from 0 to 65535', 'a bad variable fails even when a flag overrides it')
  t.equal(errorOf(() => parseCli(['--seed', 'y'], { PORT: 'x' })), 'invalid PORT \'x\' (environment): expected a port from 0 to 65535', 'the environment first')
  t.equal(errorOf(() => parseCli(['--seed', 'y'], { PORT: '1' })), 'invalid --seed \'y\': expected a whole number from 0 to 4294967295')
})

t.test('a negative number after a flag gets the value\'s own error', async (t) => {
  t.equal(errorOf(() => parseCli(['--seed', '-1'], {})), 'invalid --seed \'-1\': expected a whole number from 0 to 4294967295')
  t.equal(errorOf(() => parseCli(['--seed=-1'], {})), 'invalid --seed \'-1\': expected a whole number from 0 to 4294967295')
  t.equal(errorOf(() => parseCli(['--port', '-5'], {})), 'invalid --port \'-5\': expected a port from 0 to 65535')
  t.equal(errorOf(() => parseCli(['--journal-size', '-1'], {})), 'invalid --journal-size \'-1\': expected a whole number from 0 to 1000000')
  t.equal(errorOf(() => parseCli(['--strict', '--port', '-5', '--seed', '3'], {})), 'invalid --port \'-5\': expected a port from 0 to 65535')
  t.equal(serve(['--port', '5', '--seed', '3']).seed, 3)
  t.match(errorOf(() => parseCli(['--strict', '-1'], {})), /^Unknown option '-1'.*\(see --help\)$/, 'after a switch, -1 is an unknown option')
  t.match(errorOf(() => parseCli(['--', '--seed', '-1'], {})), /^Unexpected argument '--seed'.*\(see --help\)$/, 'after --, everything is positional')
  t.match(errorOf(() => parseCli(['--seed'], {})), /^Option '--seed <value>' argument missing.*\(see --help\)$/)
})

t.test('control characters in a bad value are escaped: still one line', async (t) => {
  t.equal(errorOf(() => parseCli(['--port', '1\n2'], {})), 'invalid --port \'1\\n2\': expected a port from 0 to 65535')
  t.equal(errorOf(() => parseCli([], { MEIBEL_MOCK_SEED: '\t7\u0000' })), 'invalid MEIBEL_MOCK_SEED \'\\t7\\u0000\' (environment): expected a whole number from 0 to 4294967295')
})

t.test('makeConfig checks overrides', async (t) => {
  t.equal(makeConfig({ port: 1 }).port, 1)
  // (#7: programmatic values are named by their option key.)
  t.throws(() => makeConfig({ port: -1 }), /^invalid option port -1: expected a port from 0 to 65535$/)
  t.throws(() => makeConfig({ adminToken: '' }), /^invalid option adminToken '': expected a non-empty token$/)
  t.same(makeConfig(), DEFAULT_CONFIG)
  t.ok(Object.isFrozen(makeConfig({ port: 1 })))
  t.equal(makeConfig({ port: undefined }).port, 8000, 'undefined: not given')
  const keys = ['a']
  const config = makeConfig({ apiKeys: keys })
  t.ok(Object.isFrozen(config.apiKeys), 'the key list is frozen')
  keys.push('b')
  t.same(config.apiKeys, ['a'], 'a copy: later changes to the caller\'s array do not reach it')
  const cases: Array<[Partial<Record<string, unknown>>, string]> = [
    [{ port: '8000' }, 'invalid option port \'8000\': expected a port from 0 to 65535'],
    [{ port: 1.5 }, 'invalid option port 1.5: expected a port from 0 to 65535'],
    [{ seed: 2 ** 32 }, 'invalid option seed 4294967296: expected a whole number from 0 to 4294967295'],
    [{ strict: 'yes' }, 'invalid option strict \'yes\': expected true or false'],
    [{ admin: 0 }, 'invalid option admin 0: expected true or false'],
    [{ logLevel: 'loud' }, 'invalid option logLevel \'loud\': expected one of fatal, error, warn, info, debug, trace, silent'],
    [{ apiKeys: [] }, 'invalid option apiKeys []: expected a non-empty list of non-empty keys'],
    [{ apiKeys: ['a', ''] }, 'invalid option apiKeys [ \'a\', \'\' ]: expected a non-empty list of non-empty keys'],
    [{ apiKeys: 'a,b' }, 'invalid option apiKeys \'a,b\': expected a non-empty list of non-empty keys'],
    [{ host: null }, 'invalid option host null: expected a host name or IP address'],
    [{ journalSize: 1_000_001 }, 'invalid option journalSize 1000001: expected a whole number from 0 to 1000000'],
    [{ bogus: 1 }, 'unknown option bogus (expected one of port, host, db, seed, sessionsPerAgent, reseed, fixturesDir, apiKeys, apiKeysFile, strict, logLevel, logFormat, admin, adminToken, journalSize, journalBytes, cors, shutdownTimeout, forwardedAllowIps, clock, clockSpeed)'],
    [{ toString: 1 }, 'unknown option toString (expected one of port, host, db, seed, sessionsPerAgent, reseed, fixturesDir, apiKeys, apiKeysFile, strict, logLevel, logFormat, admin, adminToken, journalSize, journalBytes, cors, shutdownTimeout, forwardedAllowIps, clock, clockSpeed)']
  ]
  for (const [overrides, message] of cases) {
    t.equal(errorOf(() => makeConfig(overrides as Partial<Config>)), message, JSON.stringify(overrides))
  }
})

// Printable ASCII, so a bad value appears in the message as it is.
const rawValue = fc.string({ unit: 'grapheme-ascii', maxLength: 12 })

t.test('fast-check: any flag value is accepted or gets exactly its option\'s error', async (t) => {
  for (const key of KEYS) {
    const { flag, arg, expected } = SPECS[key]
    if (flag === null || arg === null) continue
    fc.assert(fc.property(rawValue, (raw) => {
      const error = errorOf(() => parseCli([`${flag}=${raw}`], {}))
      return error === undefined || error === `invalid ${flag} '${raw}': expected ${expected}`
    }))
    t.pass(`${flag}`)
  }
})

t.test('fast-check: any variable value is accepted or gets exactly its option\'s error', async (t) => {
  for (const key of KEYS) {
    const { env, expected } = SPECS[key]
    fc.assert(fc.property(rawValue, (raw) => {
      const error = errorOf(() => parseCli([], { [env]: raw }))
      return error === undefined || (raw !== '' && error === `invalid ${env} '${raw}' (environment): expected ${expected}`)
    }))
    t.pass(env)
  }
})

t.test('fast-check: integers are accepted exactly within their range', async (t) => {
  const ranges: Array<[OptionKey, string, string, number]> = [
    ['port', '--port', 'PORT', 65535], ['seed', '--seed', 'MEIBEL_MOCK_SEED', 4294967295], ['journalSize', '--journal-size', 'MEIBEL_MOCK_JOURNAL_SIZE', 1000000],
    ['journalBytes', '--journal-bytes', 'MEIBEL_MOCK_JOURNAL_BYTES', 2 ** 30],
    ['shutdownTimeout', '--shutdown-timeout', 'MEIBEL_MOCK_SHUTDOWN_TIMEOUT', 600_000]
  ]
  for (const [key, flag, env, max] of ranges) {
    fc.assert(fc.property(fc.integer({ min: -10, max: max + 10 }), fc.boolean(), (n, inRange) => {
      const value = inRange ? Math.min(Math.abs(n), max) : n
      const valid = value >= 0 && value <= max
      for (const config of [() => serve([flag, String(value)]), () => serve([], { [env]: String(value) }), () => makeConfig({ [key]: value })]) {
        const error = errorOf(config)
        if (valid ? error !== undefined || config()[key] !== value : error === undefined) return false
      }
      return true
    }))
    t.pass(key)
  }
})

t.test('fast-check: any programmatic value is accepted or named by its key, never "union"', async (t) => {
  for (const key of KEYS) {
    const { expectedValue } = SPECS[key]
    fc.assert(fc.property(fc.anything(), (value) => {
      const error = errorOf(() => makeConfig({ [key]: value }))
      if (error === undefined) return value === undefined || isDeepStrictEqual(makeConfig({ [key]: value })[key], value)
      return error.startsWith(`invalid option ${key} `) && error.endsWith(`: expected ${expectedValue}`) && !/union/i.test(error)
    }), { numRuns: 200 })
    t.pass(key)
  }
})

t.test('no message says "union"', async (t) => {
  const messages: string[] = []
  for (const key of KEYS) {
    const { flag, arg, env, bad } = SPECS[key]
    for (const raw of ['', 'x', '-1', '1.5', 'true', ' , ', bad ?? 'y']) {
      messages.push(errorOf(() => parseCli([], { [env]: raw })) ?? '')
      if (flag !== null && arg !== null) messages.push(errorOf(() => parseCli([`${flag}=${raw}`], {})) ?? '')
    }
    for (const value of [null, 'x', -1, 1.5, true, [], ['x'], {}]) messages.push(errorOf(() => makeConfig({ [key]: value })) ?? '')
  }
  t.ok(messages.filter((m) => m !== '').length > 40, 'many bad values')
  t.same(messages.filter((m) => /union/i.test(m)), [])
})
