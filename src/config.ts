// Configuration is parsed once, here: defaults, then environment, then flags,
// into a frozen object checked against ConfigSchema. No other module reads
// process.env; the CLI passes argv and env in.
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  // ':memory:' or a file path; a file is seeded only when empty.
  db: Type.String({ minLength: 1 }),
  seed: Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 }),
  fixturesDir: Type.String({ minLength: 1 }),
  // null: any non-empty key is accepted (the real APIKeyHeader check, §7).
  apiKeys: Type.Union([Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), Type.Null()]),
  strict: Type.Boolean(),
  logLevel: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)))
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
  strict: false,
  logLevel: 'info'
})

// Bad configuration: the CLI prints `message` as one line and exits 2.
export class ConfigError extends Error {
  override name = 'ConfigError'
}

export const HELP = `meibel-mock: a local emulator of the Meibel AI API's List Sessions endpoint

Usage: meibel-mock [options]

Serves GET /v2/agents/{agent_id}/sessions at http://<host>:<port>/v2.

Options (environment variable in brackets):
  --port N           port to listen on, 0 for any free one [PORT] (default 8000)
  --host ADDR        address to bind [HOST] (default 127.0.0.1)
  --db PATH          SQLite file, seeded only when empty [MEIBEL_MOCK_DB] (default: in memory)
  --seed N           seed of the generated sessions [MEIBEL_MOCK_SEED] (default ${DEFAULT_SEED})
  --fixtures DIR     folder with agents.json and sessions.json [MEIBEL_MOCK_FIXTURES]
  --api-keys K1,K2   accept only these API keys [MEIBEL_MOCK_API_KEYS] (default: any non-empty key)
  --strict           reject unknown sort_by and status values with a 422 [MEIBEL_MOCK_STRICT=1]
  --log-level LEVEL  ${LOG_LEVELS.join(', ')} [MEIBEL_MOCK_LOG_LEVEL] (default info)
  --help             show this help
  --version          show the version
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
  strict: { type: 'boolean' },
  'log-level': { type: 'string' },
  help: { type: 'boolean' },
  version: { type: 'boolean' }
} as const

const parseInteger = (name: string, raw: string): number => {
  if (!/^\d+$/.test(raw)) throw new ConfigError(`invalid ${name} '${raw}': expected a whole number`)
  return Number(raw)
}

const parseBoolean = (name: string, raw: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off|)$/i.test(raw)) return false
  throw new ConfigError(`invalid ${name} '${raw}': expected 1 or 0`)
}

const parseKeys = (name: string, raw: string): string[] => {
  const keys = raw.split(',').map((k) => k.trim()).filter((k) => k !== '')
  if (keys.length === 0) throw new ConfigError(`invalid ${name} '${raw}': expected a comma-separated list of keys`)
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
  strict?: string | boolean | undefined
  logLevel?: string | undefined
}

const applyLayer = (base: Record<string, unknown>, layer: RawLayer, names: Record<keyof RawLayer, string>): void => {
  if (layer.port !== undefined) base.port = parseInteger(names.port, layer.port)
  if (layer.host !== undefined) base.host = layer.host
  if (layer.db !== undefined) base.db = layer.db
  if (layer.seed !== undefined) base.seed = parseInteger(names.seed, layer.seed)
  if (layer.fixturesDir !== undefined) base.fixturesDir = layer.fixturesDir
  if (layer.apiKeys !== undefined) base.apiKeys = parseKeys(names.apiKeys, layer.apiKeys)
  if (layer.strict !== undefined) {
    base.strict = typeof layer.strict === 'boolean' ? layer.strict : parseBoolean(names.strict, layer.strict)
  }
  if (layer.logLevel !== undefined) base.logLevel = layer.logLevel
}

const ENV_NAMES = {
  port: 'PORT',
  host: 'HOST',
  db: 'MEIBEL_MOCK_DB',
  seed: 'MEIBEL_MOCK_SEED',
  fixturesDir: 'MEIBEL_MOCK_FIXTURES',
  apiKeys: 'MEIBEL_MOCK_API_KEYS',
  strict: 'MEIBEL_MOCK_STRICT',
  logLevel: 'MEIBEL_MOCK_LOG_LEVEL'
} as const

const FLAG_NAMES = {
  port: '--port',
  host: '--host',
  db: '--db',
  seed: '--seed',
  fixturesDir: '--fixtures',
  apiKeys: '--api-keys',
  strict: '--strict',
  logLevel: '--log-level'
} as const

const describeSchemaError = (config: Record<string, unknown>): string => {
  const [error] = Value.Errors(ConfigSchema, config)
  /* c8 ignore next */
  if (error === undefined) return 'invalid configuration'
  const key = error.path.split('/')[1] as keyof typeof FLAG_NAMES
  return `invalid ${FLAG_NAMES[key]} '${String(config[key])}': ${error.message.toLowerCase()}`
}

// Defaults, then env, then flags. Throws ConfigError with a one-line message.
export const parseCli = (argv: readonly string[], env: Env): CliAction => {
  let flags: ReturnType<typeof parseArgs<{ options: typeof OPTIONS, strict: true, allowPositionals: false }>>['values']
  try {
    flags = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new ConfigError(`${(err as Error).message.split('\n')[0]!} (see --help)`)
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
    strict: flags.strict,
    logLevel: flags['log-level']
  }, FLAG_NAMES)
  if (!Value.Check(ConfigSchema, config)) throw new ConfigError(describeSchemaError(config))
  return { action: 'serve', config: Object.freeze({ ...config, apiKeys: config.apiKeys === null ? null : Object.freeze([...config.apiKeys]) }) as Config }
}

// For tests and embedding: the defaults with some fields replaced, checked.
export const makeConfig = (overrides: Partial<Static<typeof ConfigSchema>> = {}): Config => {
  const config = { ...DEFAULT_CONFIG, ...overrides }
  if (!Value.Check(ConfigSchema, config)) throw new ConfigError(describeSchemaError(config))
  return Object.freeze(config)
}
