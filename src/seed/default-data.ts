// The default data, prepared at build time: the bundled CLI (scripts/bundle.mjs)
// ships the sessions that seeding would generate for its own inputs in
// dist/default-data.json, so a default start reads them instead of running
// faker (tens of ms of a cold start). They are used only when the inputs
// match exactly: the key is a hash of the generator's identity (a hash of
// every src/ file and the faker version, fixed into the bundle when it is
// built), the seed, the sessions per agent and the parsed fixtures, stored
// with the rows; any other start generates as before.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import type { Seeding } from '../store/seeding.js'
import type { PlannedSession } from '../store/sessions-store.js'
import type { Fixtures } from './fixtures.js'

interface DefaultData {
  key: string
  sessions: PlannedSession[]
}

export const defaultDataKey = (generator: string, fixtures: Fixtures, { seed, sessionsPerAgent }: Seeding): string =>
  createHash('sha256')
    .update(`${generator}\n${seed}\n${String(sessionsPerAgent)}\n`)
    .update(JSON.stringify(fixtures))
    .digest('hex')

// The build's side: the rows, with the key of the inputs they were made from
// (first: see readDefaultData).
export const writeDefaultData = (file: string, key: string, sessions: readonly PlannedSession[]): void => {
  writeFileSync(file, JSON.stringify({ key, sessions }))
}

// The rows stored for `key`, or null: no file (or an unreadable one), or one
// made from other inputs. The key is the file's first member, so a file of
// other inputs (every seeding but the default one) is not parsed.
export const readDefaultData = (file: string | URL, key: string): PlannedSession[] | null => {
  try {
    const text = readFileSync(file, 'utf8')
    if (!text.startsWith(`{"key":${JSON.stringify(key)},`)) return null
    return (JSON.parse(text) as DefaultData).sessions
  } catch {
    return null
  }
}

// Defined by scripts/bundle.mjs in the bundled CLI only (esbuild's define):
// the generator's identity. Everywhere else (the programmatic API, tests,
// an unbundled build) there is no prepared data.
declare const MEIBEL_MOCK_GENERATOR: string | undefined
const bundledGenerator = (): string | null =>
  /* c8 ignore next: only the bundle defines it; test/seed/default-data.test.ts covers the rest */
  typeof MEIBEL_MOCK_GENERATOR === 'string' ? MEIBEL_MOCK_GENERATOR : null

// Next to the bundle: dist/default-data.json beside dist/cli.js.
const DEFAULT_DATA_FILE = new URL('./default-data.json', import.meta.url)

// The prepared sessions for these inputs, or null: generate them.
export const preparedSessions = (fixtures: Fixtures, seeding: Seeding, generator = bundledGenerator(), file: string | URL = DEFAULT_DATA_FILE): PlannedSession[] | null =>
  generator === null ? null : readDefaultData(file, defaultDataKey(generator, fixtures, seeding))
