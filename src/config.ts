// Configuration is parsed once, here: defaults, then environment, then flags,
// into a frozen object checked against ConfigSchema. No other module reads
// process.env; the CLI passes argv and env in.
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { StartupError } from './errors.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
// The journal keeps its entries in memory: a bound keeps a typo from taking it all.
export const MAX_JOURNAL_SIZE = 1_000_000
export const DEFAULT_JOURNAL_SIZE = 1000

export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  // ':memory:' or a file path; a file is seeded only when empty.
  db: Type.String({ minLength: 1 }),
  seed: Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 }),
  fixturesDir: Type.String({ minLength: 1 }),
  // null: any non-empty key is accepted (the real APIKeyHeader check, §7).
  apiKeys: Type.Union([Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), Type.Null()]),
  // A JSON file mapping each accepted key to the agents it owns (src/auth/api-keys-file.ts);
  // read by buildServer, like the fixtures. Excludes apiKeys.
  apiKeysFile: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  strict: Type.Boolean(),
  logLevel: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l))),
  // The control API at /__admin (src/admin/).
  admin: Type.Boolean(),
  // null: control calls need no token.
  adminToken: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  // Requests to the emulated API kept for GET /__admin/requests; 0 keeps none.
  journalSize: Type.Integer({ minimum: 0, maximum: MAX_JOURNAL_SIZE })
}, { additionalProperties: false })
export type Config = Readonly<Static<typeof ConfigSchema>>

export const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL('../fixtures', import.meta.url))
export const DEFAULT_SEED = 20261120

export const DEFAULT_CONFIG: Config = Object.freeze({
  port: 8000,
  host: '127.0.0.1',
  db: ':memory:',
  seed: DEFAULT_SEED,
  fixturesDir: DEFAULT_FIXTURES_DIR,
  apiKeys: null,
  apiKeysFile: null,
  strict: false,
  logLevel: 'info',
  admin: true,
  adminToken: null,
  journalSize: DEFAULT_JOURNAL_SIZE
})


export const HELP = `meibel-mock: a local emulator of the Meibel AI API's List Sessions endpoint

Usage: meibel-mock [options]

Serves GET /v2/agents/{agent_id}/sessions at http://<host>:<port>/v2.

Options (environment variable in brackets):
  --port N               port to listen on, 0 for any free one [PORT] (default 8000)
  --host ADDR            address to bind [HOST] (default 127.0.0.1)
  --db PATH              SQLite file, seeded only when empty [MEIBEL_MOCK_DB] (default: in memory)
  --seed N               seed of the generated sessions [MEIBEL_MOCK_SEED] (default ${DEFAULT_SEED})
  --fixtures DIR         folder with agents.json and sessions.json [MEIBEL_MOCK_FIXTURES]
  --api-keys K1,K2       accept only these API keys [MEIBEL_MOCK_API_KEYS] (default: any non-empty key)
  --api-keys-file FILE   accept only the keys in FILE, a JSON object mapping each key to
                         the agents it owns ("*" for all) [MEIBEL_MOCK_API_KEYS_FILE]
  --strict               reject unknown sort_by and status values with a 422 [MEIBEL_MOCK_STRICT=1]
  --log-level LEVEL      ${LOG_LEVELS.join(', ')} [MEIBEL_MOCK_LOG_LEVEL] (default info)
  --no-admin             turn off the control API at /__admin [MEIBEL_MOCK_ADMIN=0]
  --journal-size N       requests to the emulated API kept for GET /__admin/requests, 0 for
                         none [MEIBEL_MOCK_JOURNAL_SIZE] (default ${DEFAULT_JOURNAL_SIZE})
  --help                 show this help
  --version              show the version

Environment only:
  MEIBEL_MOCK_ADMIN_TOKEN  when set, every /__admin call needs "Authorization: Bearer <token>"
`

export type CliAction =
  | { action: 'help' }
  | { action: 'version' }
  | { action: 'serve'; config: Config }

type Env = Readonly<Record<string, string | undefined>>

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  seed: { type: 'string' },
  fixtures: { type: 'string' },
  'api-keys': { type: 'string' },
  'api-keys-file': { type: 'string' },
  strict: { type: 'boolean' },
  'log-level': { type: 'string' },
  'no-admin': { type: 'boolean' },
  'journal-size': { type: 'string' },
  help: { type: 'boolean' },
  version: { type: 'boolean' }
} as const

const parseInteger = (name: string, raw: string): number => {
  if (!/^\d+$/.test(raw)) throw new StartupError(`invalid ${name} '${raw}': expected a whole number`)
  return Number(raw)
}

const parseBoolean = (name: string, raw: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off|)$/i.test(raw)) return false
  throw new StartupError(`invalid ${name} '${raw}': expected 1 or 0`)
}

const parseKeys = (name: string, raw: string): string[] => {
  const keys = raw.split(',').map((k) => k.trim()).filter((k) => k !== '')
  if (keys.length === 0) throw new StartupError(`invalid ${name} '${raw}': expected a comma-separated list of keys`)
  return keys
}

// One layer (env or flags) as raw strings under the config's own names.
interface RawLayer {
  port?: string | undefined
  host?: string | undefined
  db?: string | undefined
  seed?: string | undefined
  fixturesDir?: string | undefined
  apiKeys?: string | undefined
  apiKeysFile?: string | undefined
  strict?: string | boolean | undefined
  logLevel?: string | undefined
  admin?: string | boolean | undefined
  adminToken?: string | undefined
  journalSize?: string | undefined
}

const applyLayer = (base: Record<string, unknown>, layer: RawLayer, names: Record<keyof RawLayer, string>): void => {
  if (layer.port !== undefined) base.port = parseInteger(names.port, layer.port)
  if (layer.host !== undefined) base.host = layer.host
  if (layer.db !== undefined) base.db = layer.db
  if (layer.seed !== undefined) base.seed = parseInteger(names.seed, layer.seed)
  if (layer.fixturesDir !== undefined) base.fixturesDir = layer.fixturesDir
  // The two ways to list keys exclude each other: within one layer both is an
  // error, and a later layer's choice replaces an earlier layer's other one.
  if (layer.apiKeys !== undefined && layer.apiKeysFile !== undefined) {
    throw new StartupError(`${names.apiKeys} and ${names.apiKeysFile} cannot be combined`)
  }
  if (layer.apiKeys !== undefined) {
    base.apiKeys = parseKeys(names.apiKeys, layer.apiKeys)
    base.apiKeysFile = null
  }
  if (layer.apiKeysFile !== undefined) {
    base.apiKeysFile = layer.apiKeysFile
    base.apiKeys = null
  }
  if (layer.strict !== undefined) {
    base.strict = typeof layer.strict === 'boolean' ? layer.strict : parseBoolean(names.strict, layer.strict)
  }
  if (layer.logLevel !== undefined) base.logLevel = layer.logLevel
  if (layer.admin !== undefined) {
    base.admin = typeof layer.admin === 'boolean' ? layer.admin : parseBoolean(names.admin, layer.admin)
  }
  if (layer.adminToken !== undefined) base.adminToken = layer.adminToken
  if (layer.journalSize !== undefined) base.journalSize = parseInteger(names.journalSize, layer.journalSize)
}

const ENV_NAMES = {
  port: 'PORT',
  host: 'HOST',
  db: 'MEIBEL_MOCK_DB',
  seed: 'MEIBEL_MOCK_SEED',
  fixturesDir: 'MEIBEL_MOCK_FIXTURES',
  apiKeys: 'MEIBEL_MOCK_API_KEYS',
  apiKeysFile: 'MEIBEL_MOCK_API_KEYS_FILE',
  strict: 'MEIBEL_MOCK_STRICT',
  logLevel: 'MEIBEL_MOCK_LOG_LEVEL',
  admin: 'MEIBEL_MOCK_ADMIN',
  adminToken: 'MEIBEL_MOCK_ADMIN_TOKEN',
  journalSize: 'MEIBEL_MOCK_JOURNAL_SIZE'
} as const

const FLAG_NAMES = {
  port: '--port',
  host: '--host',
  db: '--db',
  seed: '--seed',
  fixturesDir: '--fixtures',
  apiKeys: '--api-keys',
  apiKeysFile: '--api-keys-file',
  strict: '--strict',
  logLevel: '--log-level',
  admin: '--no-admin',
  // No flag: a token on the command line would show in `ps`.
  adminToken: 'MEIBEL_MOCK_ADMIN_TOKEN',
  journalSize: '--journal-size'
} as const

const describeSchemaError = (config: Record<string, unknown>): string => {
  const [error] = Value.Errors(ConfigSchema, config)
  /* c8 ignore next */
  if (error === undefined) return 'invalid configuration'
  const key = error.path.split('/')[1] as keyof typeof FLAG_NAMES
  return `invalid ${FLAG_NAMES[key]} '${String(config[key])}': ${error.message.toLowerCase()}`
}

// Defaults, then env, then flags. Throws StartupError with a one-line message.
export const parseCli = (argv: readonly string[], env: Env): CliAction => {
  let flags: ReturnType<typeof parseArgs<{ options: typeof OPTIONS, strict: true, allowPositionals: false }>>['values']
  try {
    flags = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new StartupError(`${(err as Error).message.split('\n')[0]!} (see --help)`)
  }
  if (flags.help === true) return { action: 'help' }
  if (flags.version === true) return { action: 'version' }

  const config: Record<string, unknown> = { ...DEFAULT_CONFIG }
  const envLayer: RawLayer = {}
  for (const [key, name] of Object.entries(ENV_NAMES) as Array<[keyof RawLayer, string]>) {
    const value = env[name]
    // An empty variable counts as unset, as shells and compose files often leave them.
    if (value !== undefined && value !== '') envLayer[key] = value
  }
  applyLayer(config, envLayer, ENV_NAMES)
  applyLayer(config, {
    port: flags.port,
    host: flags.host,
    db: flags.db,
    seed: flags.seed,
    fixturesDir: flags.fixtures,
    apiKeys: flags['api-keys'],
    apiKeysFile: flags['api-keys-file'],
    strict: flags.strict,
    logLevel: flags['log-level'],
    admin: flags['no-admin'] === true ? false : undefined,
    journalSize: flags['journal-size']
  }, FLAG_NAMES)
  checkConfig(config)
  return { action: 'serve', config: Object.freeze({ ...config, apiKeys: config.apiKeys === null ? null : Object.freeze([...config.apiKeys]) }) as Config }
}

const checkConfig: (config: Record<string, unknown>) => asserts config is Static<typeof ConfigSchema> = (config) => {
  if (!Value.Check(ConfigSchema, config)) throw new StartupError(describeSchemaError(config))
  if (config.apiKeys !== null && config.apiKeysFile !== null) {
    throw new StartupError(`${FLAG_NAMES.apiKeys} and ${FLAG_NAMES.apiKeysFile} cannot be combined`)
  }
}

// For tests and embedding: the defaults with some fields replaced, checked.
export const makeConfig = (overrides: Partial<Static<typeof ConfigSchema>> = {}): Config => {
  const config = { ...DEFAULT_CONFIG, ...overrides }
  checkConfig(config)
  return Object.freeze(config)
}
