// The package's main export: start the emulator inside a test process.
//
//   import { startMeibelMock } from 'meibel-mock'
//   const mock = await startMeibelMock({ seed: 7, apiKeys: ['test-key'] })
//   // mock.baseUrl is http://127.0.0.1:<port>/v2; mock.admin is the control client
//   await mock.close()
//
// The options are the CLI's, by their config keys (src/config.ts), checked by
// the same table; the environment is not read. Every instance has its own
// database, journal and fault rules.
import { createAdminClient, type AdminClient } from './admin-client.js'
import { makeConfig, type Config } from './config.js'
import { startServer } from './start.js'

export {
  AdminClientError, createAdminClient,
  type AdminClient, type AdminClientOptions, type AgentList, type Deleted, type FaultList, type FaultRule,
  type FaultRuleInput, type JournalList, type JournalQuery, type RequestsQuery, type SeedBody, type SessionInput,
  type SessionSummary, type Version
} from './admin-client.js'
export { StartupError } from './errors.js'
export { ListenError } from './start.js'
export type { Config, LogFormat, LogLevel } from './config.js'

// Any option of the CLI, by its config key: port, host, db, seed,
// sessionsPerAgent, reseed, fixturesDir, apiKeys, apiKeysFile, strict,
// logLevel, logFormat, admin, adminToken, journalSize, journalBytes, cors,
// shutdownTimeout, forwardedAllowIps.
export type MeibelMockOptions = Partial<Config>

// Where the programmatic API differs from the CLI's defaults: any free port,
// and no logs (a test suite wants quiet; pass logLevel to see them).
export const PROGRAMMATIC_DEFAULTS = Object.freeze({ port: 0, logLevel: 'silent' }) satisfies MeibelMockOptions

export interface MeibelMock {
  // http://127.0.0.1:<port>, the root (health, /openapi.json, /__admin).
  url: string
  // url + '/v2', the base URL for an SDK or client.
  baseUrl: string
  port: number
  // The control API's client, with adminToken when one is set.
  admin: AdminClient
  // The checked configuration it runs with.
  config: Config
  // Stops it as SIGTERM stops the CLI: idle connections close at once,
  // in-flight requests get shutdownTimeout ms to finish, the database closes.
  // Idempotent.
  close: () => Promise<void>
}

// Rejects with a StartupError whose message is the line the CLI would print
// (after "meibel-mock: "): a bad option, fixture or keys file, or a
// ListenError when the address cannot be bound.
export const startMeibelMock = async (options: MeibelMockOptions = {}): Promise<MeibelMock> => {
  // An option given as undefined counts as not given, as makeConfig has it.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
  const config = makeConfig({ ...PROGRAMMATIC_DEFAULTS, ...given })
  const { url, port, close } = await startServer(config)
  return {
    url,
    baseUrl: `${url}/v2`,
    port,
    admin: createAdminClient(url, { token: config.adminToken }),
    config,
    close
  }
}
