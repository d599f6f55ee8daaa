// Writes a new database file in one go (src/seed/build-seeded-database.ts):
// the schema from openDatabase (so the tables, marker and version are exactly
// those of a file the emulator creates), then every row with the indexes and
// triggers dropped, then the indexes and triggers re-created from their own
// sql. Building an index from a full table is a sort, far cheaper than
// keeping it up to date one random row at a time; the triggers did not fire
// during the load, so the tables they keep are recomputed at the end.
import { closeSync, fsyncSync, openSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { dropSchemaObject, openDatabase, refreshDerivedTables } from './database.js'
import { SESSION_COLUMNS, SESSION_ROW_WIDTH } from './sessions-store.js'

export interface BulkLoad {
  insertAgent: (agentId: string, agentName: string | null, agentVersion: string | null) => void
  // Sessions as flat arrays: SESSION_ROW_WIDTH values per session.
  insertSessions: (values: readonly unknown[]) => void
  insertSeeding: (seed: number, sessionsPerAgent: number | null) => void
  // Re-creates the indexes and triggers, commits and closes: the file is
  // complete. `durable`: then syncs it to disk, here, so that the first
  // commit of the emulator that opens it (which syncs) does not write out
  // the whole file on its event loop; a file to be unlinked once open needs
  // no sync at all.
  finish: (durable: boolean) => void
}

const ROWS_PER_STATEMENT = 64
const placeholders = (rows: number): string =>
  Array.from({ length: rows }, () => `(${Array<string>(SESSION_ROW_WIDTH).fill('?').join(', ')})`).join(', ')
const INSERT_SESSIONS = `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES `

// Pages of 8 KiB, not SQLite's 4 KiB: half the pages to fill and, at the
// end, to read back for each index. A million sessions: the inserts took
// 3.1 s against 3.5 s, the two CREATE INDEX 2.2 s against 2.9 s (16 KiB and
// 64 KiB pages gained nothing more). The emulator reads a file of any page size.
const PAGE_SIZE = 8192

interface SchemaObject { type: string, name: string, sql: string }

// Opens `path` (which must not exist: openDatabase creates it with the
// schema) for a bulk load: no journal and no syncs (a failed load leaves a
// file the caller deletes, never one the emulator opens), and one
// transaction. A failure leaves the connection to the worker's end.
export const openBulkLoad = (path: string): BulkLoad => {
  const db: Database.Database = openDatabase(path, { pageSize: PAGE_SIZE })
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  // 4 MiB of page cache, which is also the size of the sorted runs that
  // SQLite's sorter writes while it builds an index, and SQLite sorts each
  // run on a second thread (never when its temporary files are in memory,
  // hence temp_store = FILE). The table is only appended to, so the inserts
  // need no larger cache. A million sessions, alternated twice each: 9.6 s
  // with this, 10.0-10.3 s with 32 MiB (and a peak RSS of 290-300 MiB
  // against 325), 10.3-11.3 s with three threads; the three index builds
  // about 2.1 s, against 4.0-4.7 s in one thread with 32 MiB in memory.
  db.pragma('cache_size = -4096')
  db.pragma('temp_store = FILE')
  db.pragma('threads = 2')
  // Every trigger, and every index with its own sql (sessions_by_id
  // included; the agents table's primary key has none and stays) but the
  // partial ones, in the order
  // they were created. A partial index holds few of the rows (the running
  // sessions, the spawned ones: none), so keeping it up to date costs less
  // than the full table scan that builds it (about 250 ms each at a million
  // sessions).
  const dropped = db.prepare<[], SchemaObject>(`SELECT type, name, sql FROM sqlite_master AS o WHERE sql IS NOT NULL AND (type = 'trigger'
    OR (type = 'index' AND NOT EXISTS (SELECT 1 FROM pragma_index_list(o.tbl_name) AS i WHERE i.name = o.name AND i.partial))) ORDER BY rowid`).all()
  db.exec('BEGIN')
  for (const o of dropped) dropSchemaObject(db, o)
  const insertAgent = db.prepare('INSERT INTO agents (agent_id, agent_name, agent_version) VALUES (?, ?, ?)')
  const insertMany = db.prepare(INSERT_SESSIONS + placeholders(ROWS_PER_STATEMENT))
  const insertOne = db.prepare(INSERT_SESSIONS + placeholders(1))
  const insertSeeding = db.prepare('INSERT INTO seeding (id, seed, sessions_per_agent) VALUES (1, ?, ?)')
  const chunk = ROWS_PER_STATEMENT * SESSION_ROW_WIDTH
  return {
    insertAgent: (agentId, agentName, agentVersion) => { insertAgent.run(agentId, agentName, agentVersion) },
    insertSessions: (values) => {
      let i = 0
      for (; i + chunk <= values.length; i += chunk) insertMany.run(values.slice(i, i + chunk))
      for (; i < values.length; i += SESSION_ROW_WIDTH) insertOne.run(values.slice(i, i + SESSION_ROW_WIDTH))
    },
    insertSeeding: (seed, sessionsPerAgent) => { insertSeeding.run(seed, sessionsPerAgent) },
    finish: (durable) => {
      for (const o of dropped) db.exec(o.sql)
      db.exec('COMMIT')
      refreshDerivedTables(db)
      db.close()
      if (!durable) return
      const fd = openSync(path, 'r+')
      try {
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
    }
  }
}
