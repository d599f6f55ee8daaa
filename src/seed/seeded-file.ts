// A seeded database built off the main thread (src/seed/build-seeded-database.ts)
// into a file of its own, then opened in place of the store: what a seed
// too big to generate in-process (it would hold the event loop for
// seconds) goes through, at start and for POST /__admin/seed.
import { readdirSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { Seeding } from '../store/seeding.js'
import { openSessionsStore, type SessionsStore } from '../store/sessions-store.js'
import { buildSeededDatabase, seededSessionCount } from './build-seeded-database.js'
import type { Fixtures } from './fixtures.js'

// The sessions a seeding writes in all (the fixtures' own and the generated
// ones), which WORKER_SEED_THRESHOLD is compared with.
export const seededTotal = (fixtures: Fixtures, sessionsPerAgent: number | null): number =>
  seededSessionCount(fixtures.agents, fixtures.sessions.length, sessionsPerAgent)

let scratchFiles = 0
// A file for `what`: next to a --db file (the same folder, so a rename over
// it is atomic), in the temp folder for ':memory:'. The pid keeps two
// emulators on one folder apart.
export const scratchPath = (db: string, what: string): string => db === ':memory:'
  ? join(tmpdir(), `meibel-mock-${what}-${process.pid}-${++scratchFiles}.db`)
  : `${db}.${what}-${process.pid}`

export interface BuiltFile {
  // Opens it in place of the store it replaces, once that one is closed.
  open: () => SessionsStore
  // Removes it unless opened (a swap that failed, or came after the close).
  discard: () => void
}

// Builds the seeded data, then answers how to open it: with --db the file is
// renamed over the --db file (one file left, which a restart opens); with
// ':memory:' the built file is opened and unlinked at once, so nothing is
// left behind even after a kill -9 (Linux keeps the file while it is open;
// its pages are in the page cache, not in the process's memory).
export const buildSeededFile = async (db: string, fixturesDir: string, seeding: Seeding): Promise<BuiltFile> => {
  const path = scratchPath(db, 'seeding')
  // What a killed emulator may have left: with --db, any scratch file of
  // the --db file is stale, since this process holds its lock.
  if (db !== ':memory:') {
    const folder = dirname(db)
    const prefixes = [`${basename(db)}.seeding-`, `${basename(db)}.snapshot-`]
    for (const name of readdirSync(folder)) {
      if (prefixes.some((prefix) => name.startsWith(prefix))) rmSync(join(folder, name), { force: true })
    }
  }
  rmSync(path, { force: true })
  const discard = (): void => { rmSync(path, { force: true }) }
  try {
    await buildSeededDatabase({ path, fixturesDir, seed: seeding.seed, sessionsPerAgent: seeding.sessionsPerAgent, durable: db !== ':memory:' })
  /* c8 ignore start: a build fails only on a full disk or a bug */
  } catch (err) {
    discard()
    throw err
  }
  /* c8 ignore stop */
  const open = (): SessionsStore => {
    if (db !== ':memory:') {
      renameSync(path, db)
      return openSessionsStore(db, { trusted: true })
    }
    try {
      return openSessionsStore(path, { trusted: true, unlinked: true })
    } finally {
      rmSync(path)
    }
  }
  return { open, discard }
}
