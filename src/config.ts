// Configuration is parsed once, here: defaults, then environment, then flags,
// into a frozen object. No other module reads process.env; the CLI passes argv
// and env in.
//
// Every option is one entry of OPTIONS: its key, flag, environment variable,
// default, help text and value type (the parser). The flags parseArgs knows,
// the variables read, HELP, DEFAULT_CONFIG and the Config type are all derived
// from that table, so a new option is one entry. No library: node:util's
// parseArgs and this table do what commander's Option.env().default()
// .argParser() would, without a dependency and with our own error lines.
import { inspect, parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { StartupError } from './errors.js'
import { MAX_CLOCK_SPEED, MAX_SESSIONS_PER_AGENT } from './schemas/admin.js'
import { parseDateTimeMicros } from './store/datetime.js'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]
const LOG_FORMATS = ['pretty', 'json'] as const
export type LogFormat = typeof LOG_FORMATS[number]
// The journal keeps its entries in memory: a bound keeps a typo from taking it all.
const MAX_JOURNAL_SIZE = 1_000_000
const DEFAULT_JOURNAL_SIZE = 1000
// And a byte budget: 16 MiB by default, at most 1 GiB.
const DEFAULT_JOURNAL_BYTES = 16 * 1024 * 1024
const MAX_JOURNAL_BYTES = 1024 * 1024 * 1024
// The drain deadline after SIGTERM/SIGINT or close(): 5 s by default, at most
// 10 minutes (the longest delay a fault can ask for, so a deadline can outlast it).
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000
const MAX_SHUTDOWN_TIMEOUT_MS = 600_000
export const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL('../fixtures', import.meta.url))
export const DEFAULT_SEED = 20261120

// What values an option takes. Every error ends in `expected <...>`, so a
// message names what is allowed (never a schema's "expected union value").
export interface ValueType<T> {
  // What a raw string (flag or environment) must be, e.g. 'a port from 0 to 65535'.
  readonly expected: string
  // What a programmatic value (makeConfig) must be; differs where the raw
  // form is text for something else (a boolean, a list).
  readonly expectedValue: string
  // The check every value passes, from any layer.
  readonly is: (value: unknown) => value is T
  // A raw string to the typed value; throws an Error whose message is `expected`.
  readonly parse: (raw: string) => T
}

const valueType = <T>({ expected, expectedValue = expected, read, is }: {
  expected: string
  expectedValue?: string
  // A raw string to a candidate, which `is` then checks.
  read: (raw: string) => unknown
  is: (value: unknown) => value is T
}): ValueType<T> => ({
    expected,
    expectedValue,
    is,
    parse: (raw) => {
      const value = read(raw)
      if (!is(value)) throw new Error(expected)
      return value
    }
  })

// Digits only: no sign, no spaces, no '1e3'; `what` names the range.
const integer = (min: number, max: number, what = 'a whole number'): ValueType<number> => valueType({
  expected: `${what} from ${min} to ${max}`,
  read: (raw) => /^\d+$/.test(raw) ? Number(raw) : raw,
  is: (value): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= max
})

const text = (what: string): ValueType<string> => valueType({
  expected: what,
  read: (raw) => raw,
  is: (value): value is string => typeof value === 'string' && value !== ''
})

const oneOf = <const V extends string>(values: readonly V[]): ValueType<V> => valueType({
  expected: `one of ${values.join(', ')}`,
  read: (raw) => raw,
  is: (value): value is V => (values as readonly unknown[]).includes(value)
})

// The spellings shells, compose files and CI systems use; '' is false, though
// an empty variable never gets here (it counts as unset).
const boolean: ValueType<boolean> = valueType({
  expected: '1 or 0 (or true/false, yes/no, on/off)',
  expectedValue: 'true or false',
  read: (raw) => /^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off|)$/i.test(raw) ? false : raw,
  is: (value): value is boolean => typeof value === 'boolean'
})

// 'a, b,,' is ['a', 'b']; a list without any key is an error.
const keyList: ValueType<readonly string[]> = valueType({
  expected: 'a comma-separated list of keys',
  expectedValue: 'a non-empty list of non-empty keys',
  read: (raw) => raw.split(',').map((k) => k.trim()).filter((k) => k !== ''),
  is: (value): value is readonly string[] =>
    Array.isArray(value) && value.length > 0 && value.every((k) => typeof k === 'string' && k !== '')
})

// What a browser sends as Origin (scheme://host[:port], lower case, no path):
// anything else could never match, so it is an error, not a silent no-op.
const isOrigin = (value: unknown): boolean => {
  if (typeof value !== 'string') return false
  try {
    const { origin } = new URL(value)
    return origin === value && origin !== 'null'
  } catch {
    return false
  }
}

// --cors: '*' (any origin) or a list of origins; 'a, b,,' is ['a', 'b'], and
// '*' stands alone.
const corsOrigins: ValueType<'*' | readonly string[]> = valueType({
  expected: '* or a comma-separated list of origins such as http://localhost:3000',
  expectedValue: "'*' or a non-empty list of origins such as 'http://localhost:3000'",
  read: (raw) => {
    const list = raw.split(',').map((o) => o.trim()).filter((o) => o !== '')
    return list.length === 1 && list[0] === '*' ? '*' : list
  },
  is: (value): value is '*' | readonly string[] =>
    value === '*' || (Array.isArray(value) && value.length > 0 && value.every(isOrigin))
})

// --forwarded-allow-ips: uvicorn's list of clients whose X-Forwarded-Proto
// counts (src/fastapi/proxy-headers.ts): '*' for all, entries as uvicorn
// takes them (addresses, networks, other literals), '' (the flag only; an
// empty variable counts as unset) for none.
const forwardedAllowIps: ValueType<'*' | readonly string[]> = valueType({
  expected: "* or a comma-separated list of addresses and networks such as 127.0.0.1,::1 ('' for none)",
  expectedValue: "'*' or a list of addresses and networks without spaces such as ['127.0.0.1', '::1']",
  read: (raw) => {
    const list = raw.split(',').map((o) => o.trim()).filter((o) => o !== '')
    return list.length === 1 && list[0] === '*' ? '*' : list
  },
  is: (value): value is '*' | readonly string[] =>
    // An entry with a space in it (a missing comma) could never match a client.
    value === '*' || (Array.isArray(value) && value.every((o) => typeof o === 'string' && /^\S+$/.test(o)))
})

// --clock: a mode, or an RFC 3339 instant the clock is pinned at.
const clockSpec: ValueType<string> = valueType({
  expected: 'pinned, live or an RFC 3339 instant such as 2026-11-20T12:00:00Z',
  read: (raw) => raw,
  is: (value): value is string => value === 'pinned' || value === 'live' ||
    (typeof value === 'string' && Number.isSafeInteger(parseDateTimeMicros(value)))
})

// --clock-speed: a positive decimal number, at most a million.
const clockSpeed: ValueType<number> = valueType({
  expected: `a number above 0 and at most ${MAX_CLOCK_SPEED}, such as 60 or 0.5`,
  read: (raw) => /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw,
  is: (value): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_CLOCK_SPEED
})

// null (the default of these options) is a valid programmatic value; parse never yields it.
const orNull = <T>(type: ValueType<T>): ValueType<T | null> => ({
  ...type,
  is: (value): value is T | null => value === null || type.is(value)
})

interface OptionBase<T> {
  // Every option has an environment variable.
  readonly env: string
  readonly default: NoInfer<T>
  // How HELP shows the default when not as the value itself (e.g. 'in memory').
  readonly shownDefault?: string
  readonly help: string
  readonly value: ValueType<T>
  // An option this one excludes: within one layer both is an error, and a
  // later layer's choice resets an earlier layer's other one to its default.
  readonly excludes?: string
}

type FlagSpec<T> =
  // Environment only.
  | { readonly flag?: undefined, readonly arg?: undefined }
  // A flag with a value, e.g. `--port N`.
  | { readonly flag: `--${string}`, readonly arg: string }
  // A switch without a value, only for booleans: it sets the opposite of the
  // default (`--strict`, `--no-admin`).
  | ([T] extends [boolean] ? { readonly flag: `--${string}`, readonly arg?: undefined } : never)

export type OptionSpec<T> = OptionBase<T> & FlagSpec<T>

// E keeps the literal key `excludes` names, for the check after the table.
const option = <T, const E extends string = never>(spec: OptionSpec<T> & { readonly excludes?: E }): OptionSpec<T> & { readonly excludes?: E } => spec

// The options, in the order HELP lists them. `excludes` must name another key (checked by the type below).
export const OPTIONS = {
  port: option({
    flag: '--port',
    arg: 'N',
    env: 'PORT',
    default: 8000,
    help: 'port to listen on, 0 for any free one',
    value: integer(0, 65535, 'a port')
  }),
  host: option({
    flag: '--host',
    arg: 'ADDR',
    env: 'HOST',
    default: '127.0.0.1',
    help: 'address to bind',
    value: text('a host name or IP address')
  }),
  // ':memory:' or a file path; a file is seeded only when empty (or with --reseed).
  db: option({
    flag: '--db',
    arg: 'PATH',
    env: 'MEIBEL_MOCK_DB',
    default: ':memory:',
    shownDefault: 'in memory',
    help: 'SQLite file, seeded only when empty (see --reseed)',
    value: text('a file path or :memory:')
  }),
  seed: option({
    flag: '--seed',
    arg: 'N',
    env: 'MEIBEL_MOCK_SEED',
    default: DEFAULT_SEED,
    help: 'seed of the generated sessions',
    value: integer(0, 2 ** 32 - 1)
  }),
  // null: each fixture agent's generated_sessions. The control API's POST
  // /__admin/seed has the same bound.
  sessionsPerAgent: option({
    flag: '--sessions-per-agent',
    arg: 'N',
    env: 'MEIBEL_MOCK_SESSIONS_PER_AGENT',
    default: null,
    shownDefault: "each fixture agent's generated_sessions",
    help: 'generated sessions per agent',
    value: orNull(integer(0, MAX_SESSIONS_PER_AGENT))
  }),
  // A --db file holding data keeps it (and its seed) unless this is set.
  reseed: option({
    flag: '--reseed',
    env: 'MEIBEL_MOCK_RESEED',
    default: false,
    help: "replace the --db file's data with data seeded from --seed and --sessions-per-agent",
    value: boolean
  }),
  fixturesDir: option({
    flag: '--fixtures',
    arg: 'DIR',
    env: 'MEIBEL_MOCK_FIXTURES',
    default: DEFAULT_FIXTURES_DIR,
    shownDefault: 'the fixtures/ of this package',
    help: 'folder with agents.json and sessions.json',
    value: text('a folder path')
  }),
  // null: any non-empty key is accepted (the real APIKeyHeader check, §7).
  apiKeys: option({
    flag: '--api-keys',
    arg: 'K1,K2',
    env: 'MEIBEL_MOCK_API_KEYS',
    default: null,
    shownDefault: 'any non-empty key',
    help: 'accept only these API keys',
    value: orNull(keyList)
  }),
  // A JSON file mapping each accepted key to the agents it owns
  // (src/auth/api-keys-file.ts); read by buildServer, like the fixtures.
  apiKeysFile: option({
    flag: '--api-keys-file',
    arg: 'FILE',
    env: 'MEIBEL_MOCK_API_KEYS_FILE',
    default: null,
    help: 'accept only the keys in FILE, a JSON object mapping each key to the agents it owns ("*" for all); not combinable with --api-keys',
    value: orNull(text('a file path')),
    excludes: 'apiKeys'
  }),
  strict: option({
    flag: '--strict',
    env: 'MEIBEL_MOCK_STRICT',
    default: false,
    help: 'reject unknown sort_by and status values with a 422',
    value: boolean
  }),
  logLevel: option({
    flag: '--log-level',
    arg: 'LEVEL',
    env: 'MEIBEL_MOCK_LOG_LEVEL',
    default: 'info',
    help: `${LOG_LEVELS.join(', ')} (debug adds a line per request)`,
    value: oneOf(LOG_LEVELS)
  }),
  // null: pretty when stdout is a terminal, else json (the CLI knows which;
  // the programmatic API writes json).
  logFormat: option({
    flag: '--log-format',
    arg: 'FORMAT',
    env: 'MEIBEL_MOCK_LOG_FORMAT',
    default: null,
    shownDefault: 'pretty on a terminal, else json',
    help: `${LOG_FORMATS.join(' or ')} (pino's JSON lines)`,
    value: orNull(oneOf(LOG_FORMATS))
  }),
  // The control API at /__admin (src/admin/).
  admin: option({
    flag: '--no-admin',
    env: 'MEIBEL_MOCK_ADMIN',
    default: true,
    help: 'turn off the control API at /__admin',
    value: boolean
  }),
  // No flag: a token on the command line would show in `ps`. null: control calls need no token.
  adminToken: option({
    env: 'MEIBEL_MOCK_ADMIN_TOKEN',
    default: null,
    help: 'when set, every /__admin call needs "Authorization: Bearer <token>"',
    value: orNull(text('a non-empty token'))
  }),
  // Requests to the emulated API kept for GET /__admin/requests; 0 keeps none.
  journalSize: option({
    flag: '--journal-size',
    arg: 'N',
    env: 'MEIBEL_MOCK_JOURNAL_SIZE',
    default: DEFAULT_JOURNAL_SIZE,
    help: 'requests to the emulated API kept for GET /__admin/requests, 0 for none',
    value: integer(0, MAX_JOURNAL_SIZE)
  }),
  // The journal's byte budget: its entries' URLs and headers (src/journal/request-journal.ts).
  journalBytes: option({
    flag: '--journal-bytes',
    arg: 'N',
    env: 'MEIBEL_MOCK_JOURNAL_BYTES',
    default: DEFAULT_JOURNAL_BYTES,
    help: 'bytes of URLs and headers the journal keeps at most, the oldest requests going first',
    value: integer(0, MAX_JOURNAL_BYTES)
  }),
  // CORS for browser front ends (src/plugins/cors.ts). null: off, as the real
  // service's CORS policy is not in the contract. parseArgs has no optional
  // values, so "any origin" is spelled `--cors '*'`.
  cors: option({
    flag: '--cors',
    arg: 'ORIGINS',
    env: 'MEIBEL_MOCK_CORS',
    default: null,
    shownDefault: 'off',
    help: 'answer CORS requests from browser pages on these origins (comma-separated, e.g. http://localhost:3000), or from any origin with "*"',
    value: orNull(corsOrigins)
  }),
  // How long in-flight requests get to finish once shutdown begins (src/start.ts).
  shutdownTimeout: option({
    flag: '--shutdown-timeout',
    arg: 'MS',
    env: 'MEIBEL_MOCK_SHUTDOWN_TIMEOUT',
    default: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    help: 'milliseconds in-flight requests get to finish on SIGTERM/SIGINT before their connections are closed',
    value: integer(0, MAX_SHUTDOWN_TIMEOUT_MS)
  }),
  // uvicorn's proxy headers, on by default as there (docs/fidelity.md §14).
  forwardedAllowIps: option({
    flag: '--forwarded-allow-ips',
    arg: 'IPS',
    env: 'MEIBEL_MOCK_FORWARDED_ALLOW_IPS',
    default: ['127.0.0.1', '::1'],
    shownDefault: '127.0.0.1,::1',
    help: "clients whose X-Forwarded-Proto sets the scheme of redirects, as uvicorn's --forwarded-allow-ips (comma-separated addresses and networks, \"*\" for any, '' for none)",
    value: forwardedAllowIps
  }),
  // The emulator clock (src/clock/clock.ts): what "now" is for the sessions
  // that run, finish and start (README "Live sessions").
  clock: option({
    flag: '--clock',
    arg: 'MODE',
    env: 'MEIBEL_MOCK_CLOCK',
    default: 'pinned',
    help: 'pinned (at 2026-11-20T12:00:00Z), live (runs from there) or an RFC 3339 instant to pin it at; only advances and sets move a pinned clock',
    value: clockSpec
  }),
  clockSpeed: option({
    flag: '--clock-speed',
    arg: 'N',
    env: 'MEIBEL_MOCK_CLOCK_SPEED',
    default: 1,
    help: 'emulated seconds per real second of a live clock',
    value: clockSpeed
  })
}

type Options = typeof OPTIONS
export type OptionKey = keyof Options
export type Config = { readonly [K in OptionKey]: ReturnType<Options[K]['value']['parse']> }

// Compile-time check: every `excludes` names an option.
OPTIONS satisfies { readonly [K in OptionKey]: { readonly excludes?: OptionKey } }

// The table as the code below walks it, one shape for every entry.
interface AnyOption {
  readonly flag?: string | undefined
  readonly arg?: string | undefined
  readonly env: string
  readonly default: unknown
  readonly shownDefault?: string
  readonly help: string
  readonly value: ValueType<unknown>
  readonly excludes?: OptionKey
}
const TABLE = Object.entries(OPTIONS) as Array<[OptionKey, AnyOption]>
const OPTION = OPTIONS as Record<OptionKey, AnyOption>

export const DEFAULT_CONFIG: Config = Object.freeze(Object.fromEntries(TABLE.map(([key, o]) => [key, o.default]))) as Config

// An option's name on the command line, or its variable when it has no flag.
const CLI_NAME = Object.fromEntries(TABLE.map(([key, o]) => [key, o.flag ?? o.env])) as Record<OptionKey, string>

// The pairs of options that exclude each other, in table order.
const EXCLUSIONS = TABLE.flatMap(([key, o]) => o.excludes === undefined ? [] : [[o.excludes, key] as const])

// parseArgs' options: a flag with an `arg` takes a string, a switch is boolean.
const PARSE_ARGS_OPTIONS: Record<string, { type: 'string' | 'boolean' }> = Object.fromEntries([
  ...TABLE.flatMap(([, o]) => o.flag === undefined ? [] : [[o.flag.slice(2), { type: o.arg === undefined ? 'boolean' : 'string' }]]),
  ['help', { type: 'boolean' }],
  ['version', { type: 'boolean' }]
])
const VALUE_FLAGS = new Set(TABLE.flatMap(([, o]) => o.flag !== undefined && o.arg !== undefined ? [o.flag] : []))

// HELP, from the table: one row per option, descriptions wrapped to WIDTH.
const WIDTH = 80
const switchSets = (o: AnyOption): boolean => !(o.default as boolean)
const describe = (o: AnyOption): string => {
  const isSwitch = o.flag !== undefined && o.arg === undefined
  const env = o.flag === undefined ? '' : ` [${o.env}${isSwitch ? `=${switchSets(o) ? 1 : 0}` : ''}]`
  const shown = o.shownDefault !== undefined
    ? ` (default: ${o.shownDefault})`
    : isSwitch || o.default === null ? '' : ` (default ${String(o.default)})`
  return `${o.help}${env}${shown}`
}
const ROWS = {
  options: [
    ...TABLE.flatMap(([, o]) => o.flag === undefined ? [] : [[`${o.flag}${o.arg === undefined ? '' : ` ${o.arg}`}`, describe(o)]]),
    ['--help', 'show this help'],
    ['--version', 'show the version']
  ],
  envOnly: TABLE.flatMap(([, o]) => o.flag === undefined ? [[o.env, describe(o)]] : [])
}
const COLUMN = 2 + Math.max(...[...ROWS.options, ...ROWS.envOnly].map(([left]) => left!.length)) + 2
const wrap = (words: string): string => {
  const lines = ['']
  for (const word of words.split(' ')) {
    const last = lines[lines.length - 1]!
    if (last !== '' && COLUMN + last.length + 1 + word.length > WIDTH) lines.push(word)
    else lines[lines.length - 1] = last === '' ? word : `${last} ${word}`
  }
  return lines.join(`\n${' '.repeat(COLUMN)}`)
}
const rows = (list: string[][]): string => list.map(([left, right]) => `  ${left!.padEnd(COLUMN - 2)}${wrap(right!)}\n`).join('')

export const HELP = `meibel-mock: a local emulator of the Meibel AI API's List Sessions endpoint

Usage: meibel-mock [options]

Serves GET /v2/agents/{agent_id}/sessions at http://<host>:<port>/v2.

Options (environment variable in brackets):
${rows(ROWS.options)}
Environment only:
${rows(ROWS.envOnly)}
Flags win over environment variables, which win over the defaults. Boolean
variables take 1, true, yes or on, and 0, false, no or off. An empty variable
counts as unset.
`

export type CliAction =
  | { action: 'help' }
  | { action: 'version' }
  | { action: 'serve'; config: Config }

type Env = Readonly<Record<string, string | undefined>>

// One layer's values, each already checked, by config key.
type Layer = Partial<Record<OptionKey, unknown>>

// Control characters escaped ('\n'), so the error stays one line.
// eslint-disable-next-line no-control-regex
const show = (raw: string): string => raw.replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1))

const parseRaw = (o: AnyOption, raw: string, where: string): unknown => {
  try {
    return o.value.parse(raw)
  } catch (err) {
    throw new StartupError(`invalid ${where}: expected ${(err as Error).message}`)
  }
}

const envLayer = (env: Env): Layer => {
  const layer: Layer = {}
  for (const [key, o] of TABLE) {
    const raw = env[o.env]
    // An empty variable counts as unset, as shells and compose files often leave them.
    if (raw === undefined || raw === '') continue
    layer[key] = parseRaw(o, raw, `${o.env} '${show(raw)}' (environment)`)
  }
  return layer
}

const flagLayer = (values: Record<string, string | boolean | Array<string | boolean> | undefined>): Layer => {
  const layer: Layer = {}
  for (const [key, o] of TABLE) {
    if (o.flag === undefined) continue
    const raw = values[o.flag.slice(2)]
    if (raw === undefined) continue
    layer[key] = typeof raw === 'boolean' ? switchSets(o) : parseRaw(o, raw as string, `${o.flag} '${show(raw as string)}'`)
  }
  return layer
}

// Programmatic values: typed already, checked by the same table.
const overridesLayer = (overrides: Readonly<Record<string, unknown>>): Layer => {
  const layer: Layer = {}
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(OPTIONS, key)) throw new StartupError(`unknown option ${key} (expected one of ${TABLE.map(([k]) => k).join(', ')})`)
    // undefined leaves the option as it is, as if not given.
    if (value === undefined) continue
    const o = OPTION[key as OptionKey]
    if (!o.value.is(value)) {
      throw new StartupError(`invalid option ${key} ${inspect(value, { breakLength: Infinity, compact: true })}: expected ${o.value.expectedValue}`)
    }
    layer[key as OptionKey] = value
  }
  return layer
}

const chosen = (value: unknown): boolean => value !== undefined && value !== null

const applyLayer = (config: Record<OptionKey, unknown>, layer: Layer, name: (key: OptionKey) => string): void => {
  for (const [a, b] of EXCLUSIONS) {
    if (chosen(layer[a]) && chosen(layer[b])) throw new StartupError(`${name(a)} and ${name(b)} cannot be combined`)
    if (chosen(layer[a])) config[b] = OPTION[b].default
    if (chosen(layer[b])) config[a] = OPTION[a].default
  }
  Object.assign(config, layer)
}

const freeze = (config: Record<OptionKey, unknown>): Config => Object.freeze(Object.fromEntries(
  TABLE.map(([key]) => [key, Array.isArray(config[key]) ? Object.freeze([...config[key]]) : config[key]])
)) as Config

// parseArgs calls `--seed -1` ambiguous (the value looks like a flag); as
// `--seed=-1` the value reaches its parser and gets its own error.
const joinNegativeValues = (argv: readonly string[]): string[] => {
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') return [...args, ...argv.slice(i)]
    const next = argv[i + 1]
    if (VALUE_FLAGS.has(arg) && next !== undefined && /^-\d/.test(next)) {
      args.push(`${arg}=${next}`)
      i++
    } else {
      args.push(arg)
    }
  }
  return args
}

// Defaults, then env, then flags; each value is checked as its layer applies
// it. Throws a StartupError with a one-line message naming the source.
export const parseCli = (argv: readonly string[], env: Env): CliAction => {
  let values
  try {
    ({ values } = parseArgs({ args: joinNegativeValues(argv), options: PARSE_ARGS_OPTIONS, strict: true, allowPositionals: false }))
  } catch (err) {
    throw new StartupError(`${(err as Error).message.split('\n')[0]!} (see --help)`)
  }
  if (values.help === true) return { action: 'help' }
  if (values.version === true) return { action: 'version' }

  const config: Record<OptionKey, unknown> = { ...DEFAULT_CONFIG }
  applyLayer(config, envLayer(env), (key) => OPTION[key].env)
  applyLayer(config, flagLayer(values), (key) => CLI_NAME[key])
  return { action: 'serve', config: freeze(config) }
}

// For tests and embedding: the defaults with some fields replaced, each
// checked by the table (a StartupError naming the option key).
export const makeConfig = (overrides: Partial<Config> = {}): Config => {
  const config: Record<OptionKey, unknown> = { ...DEFAULT_CONFIG }
  // Exclusions name the flags, as the CLI's message does.
  applyLayer(config, overridesLayer(overrides), (key) => CLI_NAME[key])
  return freeze(config)
}
