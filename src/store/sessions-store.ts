// All SQL lives here. Statements are prepared once; the sort column and
// direction pick one of the prepared statements (a whitelist), never text
// built from input. Indexes match the queries: (agent_id, start_us,
// session_id) serves the unfiltered start_time sort, (agent_id, status,
// start_us, session_id) serves every status filter and the status sort, so a
// page reads only the rows it returns (a deep one from a checkpoint, walking
// fewer than CHECKPOINT_SPACING.every entries to its first row), and a total
// reads the counts the triggers keep (src/store/database.ts).
import type Database from 'better-sqlite3'
import type { StoredSession } from '../schemas/list-sessions.js'
import type { AgentRecord, AgentSummary, SessionRecord } from '../schemas/records.js'
import { serializeSession } from '../schemas/serialize.js'
import { failureKind, openDatabase, withoutCountTriggers, type OpenOptions } from './database.js'
import { formatDateTimeMicros } from './datetime.js'
import type { Seeding } from './seeding.js'

// The records it keeps (times as microseconds since the epoch), derived from
// the contract's SessionSummary.
export type { AgentRecord, AgentSummary, SessionRecord } from '../schemas/records.js'

// What the emulator clock needs of a session that runs and ends (README
// "Live sessions"): the session as it is once ended, and what its growth
// while running needs (opaque here, src/seed/lifecycle.ts).
export interface SessionLifecycle {
  final: SessionRecord
  plan: string
}

// A session to store: a record, with a lifecycle when it is to end by
// itself, and its index among an agent's spawned sessions when the clock
// started it.
export type PlannedSession = SessionRecord & {
  lifecycle?: SessionLifecycle
  spawn_index?: number
}

// What the store asks of the emulator clock (src/seed/lifecycle.ts): `sync`
// brings the table to now (ends what is due, adds what agents started) and
// answers that instant; `render` writes a running session's JSON at it;
// `changed` says the table changed under it (a replace, restore or insert).
interface LifecycleHooks {
  sync: () => number
  render: (json: string, plan: string, nowUs: number) => string
  changed: () => void
}

export type SortKey = 'start_time' | 'status'
export type SortOrder = 'asc' | 'desc'

export interface ListQuery {
  agentId: string
  // null: no filter.
  status: string | null
  sortBy: SortKey
  sortOrder: SortOrder
  offset: number
  // null: everything from offset on.
  limit: number | null
}

// A database failure while running: the SQLite error kind (SQLITE_CORRUPT,
// SQLITE_IOERR, ...) and the message of its first occurrence.
interface StoreFailure {
  kind: string
  message: string
}

export type Readiness = 'ready' | 'starting' | 'unavailable'

// A list read row by row (a list without limit): its total and the byte
// length of its sessions' JSON are known up front, so the answer can carry
// its content-length before the first session is read.
export interface SessionStream {
  total: number
  // How many sessions the stream holds, and the sum of their UTF-8 lengths.
  count: number
  bytes: number
  // Up to `max` more sessions, as List Sessions sends them; [] once done.
  next: (max: number) => string[]
  // Ends the read early (the client went away); idempotent.
  close: () => void
}

export interface SessionsStore {
  // The page's sessions as List Sessions sends them (JSON text), and the total.
  listSessions: (query: ListQuery) => { sessions: string[], total: number }
  // Running sessions whose planned end is at or before `nowUs` end (the
  // number that did); those planned after it run again, and the sessions
  // agents started after it go: the table as it is at `nowUs`.
  finishDue: (nowUs: number) => number
  rewindTo: (nowUs: number) => void
  // Adds the sessions agents started (one already there is kept).
  insertSpawned: (sessions: readonly PlannedSession[]) => void
  // Called before every read or change of the data, once set.
  attachLifecycle: (hooks: LifecycleHooks) => void
  // The emulator instant the data is read at (null without a clock), after
  // bringing the table to it: what List Sessions sends changes only with it
  // or with a write, so a cache of pages can key on it.
  dataInstant: () => number | null
  // The same list, read as it is sent. An open stream sees the data as of
  // its start: a write first reads what open streams have left into memory
  // (SQLite refuses writes while a read is in progress on the connection).
  streamSessions: (query: ListQuery) => SessionStream
  // "The data as of": a token that changes whenever what listSessions
  // answers for some query may change (every write; anything else the
  // answers come to depend on, such as a clock, belongs in it too). Equal
  // tokens mean equal answers, so finished answers can be kept under it
  // (src/routes/answer-cache.ts).
  version: () => string
  listAgents: () => AgentSummary[]
  getAgent: (agentId: string) => AgentRecord | undefined
  hasSession: (sessionId: string) => boolean
  isEmpty: () => boolean
  // Replaces every agent and session in one transaction, and records how
  // they were seeded when `seeding` is given.
  replaceAll: (agents: readonly AgentRecord[], sessions: readonly PlannedSession[], seeding?: Seeding) => void
  // How the data was seeded, or null when no seeding was recorded (a file
  // written before the record existed, or data put in without seeding).
  seeding: () => Seeding | null
  // In one transaction: adds the agent unless it exists, then the sessions
  // (all or none); answers them as List Sessions sends them, in the given order.
  insertSessions: (agent: AgentRecord, sessions: readonly PlannedSession[]) => StoredSession[]
  // The number of sessions deleted.
  deleteSessions: (agentId: string) => number
  deleteSession: (agentId: string, sessionId: string) => number
  // Keeps a copy of every agent and session (in the connection's temp
  // database), which restoreSnapshot puts back: the state right after start.
  takeSnapshot: () => void
  restoreSnapshot: () => void
  // The snapshot carried from one store to the next (src/store/swappable-store.ts):
  // written into a new database file at `path`, and read from one.
  exportSnapshot: (path: string) => void
  importSnapshot: (path: string) => void
  close: () => void
  readonly open: boolean
  // The first database failure since open, or null. Once set it stays: a
  // damaged or failing file is not trusted again until a restart.
  readonly failure: StoreFailure | null
  // Called once per failure kind, when a call first fails with it; the
  // error thrown to the caller then carries `reported: true`.
  onFailure: (listener: (failure: StoreFailure) => void) => void
  // For GET /ready: 'unavailable' after a failure; otherwise SQLite's cached
  // pages are dropped and the first agent read back from the file,
  // 'starting' when there is none (or the store is closed).
  readiness: () => Readiness
}

export { SCHEMA_SQL } from './database.js'

// The snapshot lives in the temp database: per connection, never in a --db file.
const SNAPSHOT_SQL = `
CREATE TEMP TABLE snapshot_agents AS SELECT * FROM main.agents WHERE 0;
CREATE TEMP TABLE snapshot_sessions AS SELECT * FROM main.sessions WHERE 0;
CREATE TEMP TABLE snapshot_seeding AS SELECT * FROM main.seeding WHERE 0;
`
const AGENT_COLUMNS = 'agent_id, agent_name, agent_version'
export const SESSION_COLUMNS = 'session_id, agent_id, status, start_us, json, planned_end_us, planned_status, other_json, plan, spawn_index'
// How many values a row of SESSION_COLUMNS holds.
export const SESSION_ROW_WIDTH = SESSION_COLUMNS.split(', ').length

// The whitelist: one ORDER BY per (sort key, direction). Ties go to
// start_time, then session_id, in the requested direction, so pages are stable.
const ORDER_BY: Record<SortKey, Record<SortOrder, string>> = {
  start_time: {
    asc: 'start_us ASC, session_id ASC',
    desc: 'start_us DESC, session_id DESC'
  },
  status: {
    asc: 'status ASC, start_us ASC, session_id ASC',
    desc: 'status DESC, start_us DESC, session_id DESC'
  }
}

// The three orders a page is read in: unfiltered by start_time or by
// status, and filtered (the status fixed, so either sort is by start_time).
type Variant = SortKey | 'filtered'
const variantOf = (filtered: boolean, sortBy: SortKey): Variant => filtered ? 'filtered' : sortBy
// The sort key of a variant's ascending order, as a row value; the
// descending order is its exact reverse.
const KEY_COLUMNS: Record<Variant, string> = {
  start_time: 'start_us, session_id',
  status: 'status, start_us, session_id',
  filtered: 'start_us, session_id'
}
const whereOf = (filtered: boolean): string => filtered ? 'agent_id = ? AND status = ?' : 'agent_id = ?'

// The page and count queries, exported so a test can check their query
// plans. `from`: the page starts at or after a checkpoint (a sort key, bound
// after the agent and status), in the direction of the order, so OFFSET
// walks only from there (see firstKeySql).
export const pageSql = (filtered: boolean, sortBy: SortKey, sortOrder: SortOrder, from = false): string => {
  const columns = KEY_COLUMNS[variantOf(filtered, sortBy)]
  const bound = from ? ` AND (${columns}) ${sortOrder === 'asc' ? '>=' : '<='} (${columns.split(', ').map(() => '?').join(', ')})` : ''
  return `SELECT json, iif(status = 'RUNNING', plan, NULL) AS live FROM sessions WHERE ${whereOf(filtered)}${bound} ORDER BY ${ORDER_BY[sortBy][sortOrder]} LIMIT ? OFFSET ?`
}
// Checkpoints are built by stepping through a variant's ascending order on
// its covering index: the first sort key, then the key `offset` sessions
// after the one just read (bound after the agent and status, and its key).
// Each step walks only index entries, in SQLite, where count(*) walks the
// same 200,000 entries in about 20 ms.
export const firstKeySql = (filtered: boolean, sortBy: SortKey): string =>
  `SELECT ${KEY_COLUMNS[variantOf(filtered, sortBy)]} FROM sessions WHERE ${whereOf(filtered)} ORDER BY ${ORDER_BY[sortBy].asc} LIMIT 1`
export const nextKeySql = (filtered: boolean, sortBy: SortKey): string => {
  const columns = KEY_COLUMNS[variantOf(filtered, sortBy)]
  return `SELECT ${columns} FROM sessions WHERE ${whereOf(filtered)} AND (${columns}) > (${columns.split(', ').map(() => '?').join(', ')}) ORDER BY ${ORDER_BY[sortBy].asc} LIMIT 1 OFFSET ?`
}
// Ends the running sessions due by an instant, found through the index of
// running sessions by planned end (sessions_running_by_planned_end).
export const FINISH_SQL = `UPDATE sessions SET status = planned_status, json = other_json, other_json = json
  WHERE status = 'RUNNING' AND planned_end_us <= ?`
// For a streamed answer's content-length: the byte length of a page's
// sessions sent as stored, and the sessions rendered at read time (a
// running one with a plan), which are counted as rendered.
const pageBytesSql = (filtered: boolean, sortBy: SortKey, sortOrder: SortOrder, from: boolean): string =>
  `SELECT coalesce(sum(octet_length(json)), 0) FROM (${pageSql(filtered, sortBy, sortOrder, from)}) WHERE live IS NULL`
const pageLiveSql = (filtered: boolean, sortBy: SortKey, sortOrder: SortOrder, from: boolean): string =>
  `SELECT json, live FROM (${pageSql(filtered, sortBy, sortOrder, from)}) WHERE live IS NOT NULL`
// The totals, from the counts the triggers keep (src/store/database.ts): a
// row, or the sum of an agent's few rows (one per status).
export const COUNT_SQL = {
  all: 'SELECT coalesce(sum(n), 0) FROM session_counts WHERE agent_id = ?',
  filtered: 'SELECT coalesce(sum(n), 0) FROM session_counts WHERE agent_id = ? AND status = ?'
} as const

// Where an order's checkpoints are: one every `every` sessions, so a page at
// any depth walks fewer than `every` index entries past its checkpoint. They
// come in blocks of `block`: the first checkpoint of every block is found
// by one pass over the order (the one-off cost after a write), the others
// of a block when a page first falls in it (`block` short steps). A page
// within the first `every` sessions of either end walks from that end.
export interface CheckpointSpacing {
  every: number
  block: number
}
export const CHECKPOINT_SPACING: CheckpointSpacing = { every: 64, block: 16 }

// A stored session in the contract's shape: every field present, times as
// pydantic writes them (§9).
export const toStoredSession = (s: SessionRecord): StoredSession => ({
  session_id: s.session_id,
  status: s.status,
  start_time: formatDateTimeMicros(s.start_us),
  end_time: s.end_us === null ? null : formatDateTimeMicros(s.end_us),
  agent_name: s.agent_name,
  agent_version: s.agent_version,
  messages_count: s.messages_count,
  token_usage: s.token_usage,
  result: s.result
})

// A session as a row of SESSION_COLUMNS, its JSON as List Sessions sends it
// (`serialize`: the seed workers pass a faster one that writes the same
// bytes for generated sessions, src/seed/seed-rows.ts).
export const sessionRow = (s: PlannedSession, serialize = (r: SessionRecord): string => serializeSession(toStoredSession(r))): unknown[] => {
  const { lifecycle } = s
  return [
    s.session_id, s.agent_id, s.status, s.start_us, serialize(s),
    lifecycle?.final.end_us ?? null, lifecycle?.final.status ?? null,
    lifecycle === undefined ? null : serialize(lifecycle.final),
    lifecycle?.plan ?? null, s.spawn_index ?? null
  ]
}

// SQLite's LIMIT and OFFSET are 64-bit; the validated values can be larger
// (any size passes validation, §5), so they are clamped to the total first.
const clampPage = (offset: number, limit: number | null, total: number): { offset: number, limit: number } => ({
  offset: Math.min(offset, total),
  limit: limit === null ? total : Math.min(limit, total)
})

// Opens (checks and locks) the database: a StartupError for a bad file
// (src/store/database.ts).
// `spacing` is for tests, which walk many blocks of a small dataset.
export const openSessionsStore = (path: string, options: OpenOptions = {}, spacing: CheckpointSpacing = CHECKPOINT_SPACING): SessionsStore => {
  const db = openDatabase(path, options)

  // Every variant and direction, plain (OFFSET from the start) and from a checkpoint.
  type Prepared<S> = Record<Variant, Record<SortOrder, readonly [plain: S, from: S]>>
  const prepareAll = <S>(make: (filtered: boolean, sortBy: SortKey, sortOrder: SortOrder, from: boolean) => S): Prepared<S> => {
    const both = (filtered: boolean, sortBy: SortKey): Record<SortOrder, readonly [S, S]> => ({
      asc: [make(filtered, sortBy, 'asc', false), make(filtered, sortBy, 'asc', true)],
      desc: [make(filtered, sortBy, 'desc', false), make(filtered, sortBy, 'desc', true)]
    })
    return { start_time: both(false, 'start_time'), status: both(false, 'status'), filtered: both(true, 'start_time') }
  }
  // Rows of [json, plan]: plan is null unless the session runs and is to end by itself.
  const pages = prepareAll((filtered, sortBy, sortOrder, from) =>
    db.prepare<unknown[], [string, string | null]>(pageSql(filtered, sortBy, sortOrder, from)).raw())
  const pageBytes = prepareAll((filtered, sortBy, sortOrder, from) =>
    db.prepare<unknown[], number>(pageBytesSql(filtered, sortBy, sortOrder, from)).pluck())
  const pageLive = prepareAll((filtered, sortBy, sortOrder, from) =>
    db.prepare<unknown[], [string, string]>(pageLiveSql(filtered, sortBy, sortOrder, from)).raw())
  const keyStatements = (filtered: boolean, sortBy: SortKey): { first: Database.Statement<unknown[], unknown[]>, next: Database.Statement<unknown[], unknown[]> } => ({
    first: db.prepare<unknown[], unknown[]>(firstKeySql(filtered, sortBy)).raw(),
    next: db.prepare<unknown[], unknown[]>(nextKeySql(filtered, sortBy)).raw()
  })
  const keys = { start_time: keyStatements(false, 'start_time'), status: keyStatements(false, 'status'), filtered: keyStatements(true, 'start_time') }
  const countAll = db.prepare<[string], number>(COUNT_SQL.all).pluck()
  const countFiltered = db.prepare<[string, string], number>(COUNT_SQL.filtered).pluck()
  const agents = db.prepare<[], AgentSummary>(`
    SELECT a.agent_id, a.agent_name, a.agent_version,
      (SELECT coalesce(sum(n), 0) FROM session_counts c WHERE c.agent_id = a.agent_id) AS sessions_count
    FROM agents a ORDER BY a.agent_id`)
  const anyAgent = db.prepare('SELECT 1 FROM agents LIMIT 1').pluck()
  const deleteSessions = db.prepare('DELETE FROM sessions')
  const deleteAgents = db.prepare('DELETE FROM agents')
  const insertAgent = db.prepare('INSERT INTO agents (agent_id, agent_name, agent_version) VALUES (?, ?, ?)')
  const insertSession = db.prepare(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insertSpawnedSession = db.prepare(`INSERT OR IGNORE INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  // A transition swaps json and other_json (the right-hand sides read the old values).
  const finishDue = db.prepare(FINISH_SQL)
  const unfinish = db.prepare(`UPDATE sessions SET status = 'RUNNING', json = other_json, other_json = json
    WHERE planned_end_us > ? AND status <> 'RUNNING'`)
  const unspawn = db.prepare('DELETE FROM sessions WHERE spawn_index IS NOT NULL AND start_us > ?')
  const agentById = db.prepare<[string], AgentRecord>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE agent_id = ?`)
  const anySession = db.prepare<[string]>('SELECT 1 FROM sessions WHERE session_id = ?').pluck()
  const insertAgentUnlessExists = db.prepare(`INSERT OR IGNORE INTO agents (${AGENT_COLUMNS}) VALUES (?, ?, ?)`)
  const deleteAgentSessions = db.prepare('DELETE FROM sessions WHERE agent_id = ?')
  const deleteAgentSession = db.prepare('DELETE FROM sessions WHERE agent_id = ? AND session_id = ?')
  const seedingRow = db.prepare<[], Seeding>('SELECT seed, sessions_per_agent AS sessionsPerAgent FROM seeding WHERE id = 1')
  const writeSeeding = db.prepare('INSERT OR REPLACE INTO seeding (id, seed, sessions_per_agent) VALUES (1, ?, ?)')
  const deleteSeeding = db.prepare('DELETE FROM seeding')
  db.exec(SNAPSHOT_SQL)
  const clearSnapshot = [db.prepare('DELETE FROM temp.snapshot_agents'), db.prepare('DELETE FROM temp.snapshot_sessions'), db.prepare('DELETE FROM temp.snapshot_seeding')]
  const fillSnapshot = [
    db.prepare(`INSERT INTO temp.snapshot_agents (${AGENT_COLUMNS}) SELECT ${AGENT_COLUMNS} FROM main.agents`),
    db.prepare(`INSERT INTO temp.snapshot_sessions (${SESSION_COLUMNS}) SELECT ${SESSION_COLUMNS} FROM main.sessions`),
    db.prepare('INSERT INTO temp.snapshot_seeding SELECT * FROM main.seeding')
  ]
  const restore = [
    db.prepare(`INSERT INTO main.agents (${AGENT_COLUMNS}) SELECT ${AGENT_COLUMNS} FROM temp.snapshot_agents`),
    db.prepare(`INSERT INTO main.sessions (${SESSION_COLUMNS}) SELECT ${SESSION_COLUMNS} FROM temp.snapshot_sessions`),
    db.prepare('INSERT INTO main.seeding SELECT * FROM temp.snapshot_seeding')
  ]
  // A snapshot's rows in a file of their own, for the store that replaces this one.
  const attachSnapshotFile = db.prepare('ATTACH ? AS snapshot_file')
  const EXPORT_SNAPSHOT_SQL = `
    CREATE TABLE snapshot_file.snapshot_agents AS SELECT ${AGENT_COLUMNS} FROM temp.snapshot_agents;
    CREATE TABLE snapshot_file.snapshot_sessions AS SELECT ${SESSION_COLUMNS} FROM temp.snapshot_sessions;
    CREATE TABLE snapshot_file.snapshot_seeding AS SELECT * FROM temp.snapshot_seeding;`
  const IMPORT_SNAPSHOT_SQL = `
    DELETE FROM temp.snapshot_agents; DELETE FROM temp.snapshot_sessions; DELETE FROM temp.snapshot_seeding;
    INSERT INTO temp.snapshot_agents (${AGENT_COLUMNS}) SELECT ${AGENT_COLUMNS} FROM snapshot_file.snapshot_agents;
    INSERT INTO temp.snapshot_sessions (${SESSION_COLUMNS}) SELECT ${SESSION_COLUMNS} FROM snapshot_file.snapshot_sessions;
    INSERT INTO temp.snapshot_seeding SELECT * FROM snapshot_file.snapshot_seeding;`
  // ATTACH and DETACH cannot run inside a transaction; the copy between them is one.
  const withSnapshotFile = (path: string, sql: string): void => {
    attachSnapshotFile.run(path)
    try {
      db.exec(`BEGIN; ${sql} COMMIT;`)
    } finally {
      /* c8 ignore next: only after a failed copy (a full disk) */
      if (db.inTransaction) db.exec('ROLLBACK')
      db.exec('DETACH snapshot_file')
    }
  }

  const insertOne = (s: PlannedSession): void => { insertSession.run(...sessionRow(s)) }
  let lifecycle: LifecycleHooks | null = null

  const replaceAll = db.transaction((agentList: readonly AgentRecord[], sessions: readonly PlannedSession[], seeding?: Seeding) => {
    withoutCountTriggers(db, () => {
      deleteSessions.run()
      deleteAgents.run()
      for (const a of agentList) insertAgent.run(a.agent_id, a.agent_name, a.agent_version)
      for (const s of sessions) insertOne(s)
    })
    if (seeding !== undefined) writeSeeding.run(seeding.seed, seeding.sessionsPerAgent)
  })

  const insertSessions = db.transaction((agent: AgentRecord, sessions: readonly PlannedSession[]): StoredSession[] => {
    insertAgentUnlessExists.run(agent.agent_id, agent.agent_name, agent.agent_version)
    for (const s of sessions) insertOne(s)
    return sessions.map(toStoredSession)
  })

  const takeSnapshot = db.transaction(() => {
    for (const statement of clearSnapshot) statement.run()
    for (const statement of fillSnapshot) statement.run()
  })

  const restoreSnapshot = db.transaction(() => {
    withoutCountTriggers(db, () => {
      deleteSessions.run()
      deleteAgents.run()
      deleteSeeding.run()
      for (const statement of restore) statement.run()
    })
  })

  const rewindTransaction = db.transaction((nowUs: number) => {
    unfinish.run(nowUs)
    unspawn.run(nowUs)
  })
  const insertSpawnedTransaction = db.transaction((sessions: readonly PlannedSession[]) => {
    for (const s of sessions) insertSpawnedSession.run(...sessionRow(s))
  })
  // The instant the data is read at: the clock's, once one is attached.
  const sync = (): number | null => lifecycle === null ? null : lifecycle.sync()
  const changed = (): void => { lifecycle?.changed() }

  // Open streams' iterators; a write (or anything else SQLite refuses while
  // they are open) first reads what they have left into memory.
  const detachers = new Set<() => void>()
  const detachStreams = (): void => {
    for (const detach of detachers) detach()
  }
  // Bumped by every write (src/routes/answer-cache.ts keys answers on it).
  let generation = 0
  // version()'s last token and what it was made of.
  let tokenGeneration = -1
  let tokenInstant: number | null = null
  let token = ''
  // Bumped by every write but the sessions' ending (finishDue), which
  // changes statuses only: the start_time order of an agent's sessions stays.
  let membership = 0
  const writing = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    detachStreams()
    generation++
    membership++
    return fn(...args)
  }

  const total = (filtered: boolean, agentId: string, status: string | null): number =>
    filtered ? countFiltered.get(agentId, status!)! : countAll.get(agentId)!

  // The checkpoints of the orders read since the last write, built when a
  // page first needs them: an order's are valid until the generation moves.
  // Only orders of more than `every` sessions get any, and at most one key
  // per `every` sessions, so their size is bounded by the data (never by the
  // queries asked).
  interface Checkpoints {
    // The first key of every block, and the keys of the blocks read so far.
    starts: unknown[][]
    blocks: Array<unknown[][] | undefined>
    // Of the unfiltered start_time order, which the sessions' ending leaves.
    startTime: boolean
    membership: number
  }
  const { every, block } = spacing
  const blockSpan = every * block
  const checkpoints = new Map<string, Checkpoints>()
  let checkpointsGeneration = generation
  // The sort key of the session at ascending position `position` (a multiple
  // of `every`, within the order).
  const checkpointAt = (variant: Variant, head: readonly unknown[], position: number): unknown[] => {
    if (checkpointsGeneration !== generation) {
      // In live mode sessions end all the time: the default order's checkpoints stay.
      for (const [id, order] of checkpoints) {
        if (!order.startTime || order.membership !== membership) checkpoints.delete(id)
      }
      checkpointsGeneration = generation
    }
    const { first, next } = keys[variant]
    const id = JSON.stringify([variant, ...head])
    let order = checkpoints.get(id)
    if (order === undefined) {
      const starts: unknown[][] = []
      for (let key = first.get(...head); key !== undefined; key = next.get(...head, ...key, blockSpan - 1)) starts.push(key)
      order = { starts, blocks: [], startTime: variant === 'start_time', membership }
      checkpoints.set(id, order)
    }
    const b = Math.floor(position / blockSpan)
    let keysOfBlock = order.blocks[b]
    if (keysOfBlock === undefined) {
      keysOfBlock = [order.starts[b]!]
      for (let key = keysOfBlock[0]; keysOfBlock.length < block;) {
        key = next.get(...head, ...key!, every - 1)
        if (key === undefined) break
        keysOfBlock.push(key)
      }
      order.blocks[b] = keysOfBlock
    }
    return keysOfBlock[(position - b * blockSpan) / every]!
  }
  // Where a page of `n` sessions is read from: which statement of its
  // variant and direction (0 plain, 1 from a checkpoint) and its arguments.
  // Descending is ascending reversed: the page's first session is at
  // ascending position n - 1 - offset, and the nearest checkpoint at or
  // above it is the one to walk down from.
  const locate = ({ agentId, status, sortBy, sortOrder }: ListQuery, n: number, range: { offset: number, limit: number }): { variant: Variant, from: 0 | 1, args: unknown[] } => {
    const variant = variantOf(status !== null, sortBy)
    const head = status === null ? [agentId] : [agentId, status]
    if (range.offset < every) return { variant, from: 0, args: [...head, range.limit, range.offset] }
    // Within the order: offset < n, and offset >= every when descending.
    const position = sortOrder === 'asc'
      ? Math.floor(range.offset / every) * every
      : Math.ceil((n - 1 - range.offset) / every) * every
    const residual = sortOrder === 'asc' ? range.offset - position : position - (n - 1 - range.offset)
    return { variant, from: 1, args: [...head, ...checkpointAt(variant, head, position), range.limit, residual] }
  }

  // A row as List Sessions sends it. A plan comes only with a running
  // session (an ended one's json is final), and every running session with
  // a plan ends after nowUs: sync ended the others.
  const rendered = (nowUs: number | null) => ([json, plan]: [string, string | null]): string =>
    plan === null || nowUs === null ? json : lifecycle!.render(json, plan, nowUs)

  const streamSessions = ({ agentId, status, sortBy, sortOrder, offset, limit }: ListQuery): SessionStream => {
    const nowUs = sync()
    const render = rendered(nowUs)
    const filtered = status !== null
    const n = total(filtered, agentId, status)
    const range = clampPage(offset, limit, n)
    const count = Math.max(0, Math.min(range.limit, n - range.offset))
    if (count === 0) return { total: n, count: 0, bytes: 0, next: () => [], close: () => {} }
    const { variant, from, args } = locate({ agentId, status, sortBy, sortOrder, offset, limit }, n, range)
    // Rendering is a function of the row and nowUs, so the rows rendered here
    // for their length are rendered to the same bytes when they are sent.
    const liveRows = pageLive[variant][sortOrder][from].all(...args)
    const byteLength = pageBytes[variant][sortOrder][from].get(...args)! +
      liveRows.reduce((sum, row) => sum + Buffer.byteLength(render(row)), 0)
    let rows: Iterator<[string, string | null]> | null = pages[variant][sortOrder][from].iterate(...args)
    // What a write read ahead of it, when one came while the stream was open.
    let rest: Array<[string, string | null]> | null = null
    const close = (): void => {
      detachers.delete(detach)
      if (rows === null) return
      // better-sqlite3's iterators have return(): it resets the statement.
      rows.return!()
      rows = null
    }
    const detach = (): void => {
      rest = []
      for (let row = rows!.next(); row.done !== true; row = rows!.next()) rest.push(row.value)
      close()
    }
    detachers.add(detach)
    return {
      total: n,
      count,
      bytes: byteLength,
      // A database failure mid-read is recorded like any other call's.
      next: guarded((max: number): string[] => {
        if (rest !== null) return rest.splice(0, max).map(render)
        const out: string[] = []
        // eslint-disable-next-line no-unmodified-loop-condition -- close() clears `rows`
        while (rows !== null && out.length < max) {
          const row = rows.next()
          if (row.done === true) close()
          else out.push(render(row.value))
        }
        return out
      }),
      close
    }
  }

  let failure: StoreFailure | null = null
  const reportedKinds = new Set<string>()
  const listeners: Array<(failure: StoreFailure) => void> = []
  // Every call goes through here: a database failure is recorded (and
  // reported once per kind) before it is rethrown.
  const guarded = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    try {
      return fn(...args)
    } catch (err) {
      const kind = failureKind(err)
      if (kind !== null) {
        const seen = { kind, message: (err as Error).message }
        failure ??= seen
        if (!reportedKinds.has(kind)) {
          reportedKinds.add(kind)
          for (const listener of listeners) listener(seen)
        }
        Object.assign(err as Error, { reported: true })
      }
      throw err
    }
  }

  // The calls that touch the database, each guarded below.
  const methods: Omit<SessionsStore, 'close' | 'open' | 'failure' | 'onFailure' | 'readiness'> = {
    listSessions: (query) => {
      const nowUs = sync()
      const n = total(query.status !== null, query.agentId, query.status)
      const range = clampPage(query.offset, query.limit, n)
      if (range.offset >= n || range.limit === 0) return { sessions: [], total: n }
      const { variant, from, args } = locate(query, n, range)
      return { sessions: pages[variant][query.sortOrder][from].all(...args).map(rendered(nowUs)), total: n }
    },
    streamSessions,
    // The lifecycle's own writes: what List Sessions answers changes with them too.
    // Only a sync to a new instant calls it, and the token names the instant
    // too: the generation moves only when sessions did end.
    finishDue: (nowUs) => {
      detachStreams()
      const ended = finishDue.run(nowUs).changes
      if (ended > 0) generation++
      return ended
    },
    rewindTo: writing((nowUs) => { rewindTransaction(nowUs) }),
    insertSpawned: writing((sessions) => {
      insertSpawnedTransaction(sessions)
      changed()
    }),
    attachLifecycle: (hooks) => { lifecycle = hooks },
    dataInstant: () => sync(),
    // Every write bumps the generation and a clock's move changes the
    // instant; sync (which may write) runs first, so the token names the
    // data as the next read sees it.
    version: () => {
      const instant = sync()
      // The same token object while neither moves: no string per request,
      // and equal tokens compare by reference (src/routes/answer-cache.ts).
      if (generation !== tokenGeneration || instant !== tokenInstant) {
        tokenGeneration = generation
        tokenInstant = instant
        token = `${generation}:${instant}`
      }
      return token
    },
    listAgents: () => {
      sync()
      return agents.all()
    },
    getAgent: (agentId) => agentById.get(agentId),
    hasSession: (sessionId) => {
      sync()
      return anySession.get(sessionId) !== undefined
    },
    isEmpty: () => anyAgent.get() === undefined,
    replaceAll: writing((agentList, sessions, seeding) => {
      replaceAll(agentList, sessions, seeding)
      changed()
    }),
    seeding: () => seedingRow.get() ?? null,
    insertSessions: writing((agent, sessions) => {
      sync()
      const stored = insertSessions(agent, sessions)
      changed()
      return stored
    }),
    deleteSessions: writing((agentId) => {
      sync()
      return deleteAgentSessions.run(agentId).changes
    }),
    deleteSession: writing((agentId, sessionId) => {
      sync()
      return deleteAgentSession.run(agentId, sessionId).changes
    }),
    // Writes the temp database only: the data List Sessions answers stays as it is.
    takeSnapshot: () => {
      detachStreams()
      sync()
      takeSnapshot()
    },
    restoreSnapshot: writing(() => {
      restoreSnapshot()
      changed()
    }),
    // ATTACH needs no statement in progress: open streams read ahead first.
    exportSnapshot: (path) => {
      detachStreams()
      withSnapshotFile(path, EXPORT_SNAPSHOT_SQL)
    },
    importSnapshot: (path) => {
      detachStreams()
      withSnapshotFile(path, IMPORT_SNAPSHOT_SQL)
    }
  }
  const isEmpty = guarded(methods.isEmpty)
  const dropCache = guarded(() => { detachStreams(); db.pragma('shrink_memory') })

  return {
    ...Object.fromEntries(Object.entries(methods).map(([name, fn]) => [name, guarded(fn as (...args: unknown[]) => unknown)])) as typeof methods,
    close: () => { detachStreams(); db.close() },
    get open () { return db.open },
    get failure () { return failure },
    onFailure: (listener) => { listeners.push(listener) },
    readiness: () => {
      if (failure !== null) return 'unavailable'
      if (!db.open) return 'starting'
      try {
        // Reads from the file as it is now, not from SQLite's page cache.
        dropCache()
        return isEmpty() ? 'starting' : 'ready'
      } catch (err) {
        if (failure !== null) return 'unavailable'
        /* c8 ignore next 2: any other error is a bug, answered as Fastify answers it */
        throw err
      }
    }
  }
}
