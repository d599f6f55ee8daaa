// The start-up banner: where everything is and what data it serves. One log
// line at info (fields under `banner`, all of it in the message too), and on
// a terminal a short block for people (src/cli.ts).
import type { StartupSummary } from './server.js'
import { CONTRACT_VERSION, EMULATOR_VERSION } from './version.js'

export interface Banner {
  // The base URL for an SDK or client (…/v2).
  api: string
  docs: string
  // 'off' with --no-admin.
  control: string
  // 'memory' or the --db path.
  data: string
  seed: number
  // null: each fixture agent's generated_sessions.
  sessionsPerAgent: number | null
  agents: number
  sessions: number
}

export const makeBanner = (url: string, { db, seeding, agents, sessions, paths }: StartupSummary): Banner => ({
  api: `${url}${paths.api}`,
  docs: `${url}${paths.docs}`,
  control: paths.control === null ? 'off' : `${url}${paths.control}`,
  data: db === ':memory:' ? 'memory' : db,
  seed: seeding.seed,
  sessionsPerAgent: seeding.sessionsPerAgent,
  agents,
  sessions
})

const counts = ({ agents, sessions }: Banner): string =>
  `${agents} agent${agents === 1 ? '' : 's'}, ${sessions} session${sessions === 1 ? '' : 's'}`

// The log line's message.
export const bannerLine = (b: Banner): string =>
  `ready: API ${b.api}, docs ${b.docs}, control API ${b.control}, data ${b.data} (seed ${b.seed}: ${counts(b)})`

// The block for a terminal.
export const bannerBlock = (b: Banner): string => `
  meibel-mock ${EMULATOR_VERSION}, emulating Meibel AI API ${CONTRACT_VERSION}

  API          ${b.api}
  Docs         ${b.docs}
  Control API  ${b.control}
  Data         ${b.data === 'memory' ? 'in memory' : b.data}, seed ${b.seed}: ${counts(b)}

`
