// Opening a --db file: every check before the first write, so a file that is
// not ours (another application's database, a text file, a damaged one) is
// refused unchanged, and an exclusive lock, so two emulators never share one
// file. A refusal is a StartupError with one line naming the file, what is
// wrong and what to do (the CLI prints it and exits 2).
import { accessSync, constants, statSync, type Stats } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { StartupError } from '../errors.js'

// Each statement's text is what sqlite_master keeps, and a file is
// recognised by it (classify below): the parts versions share are one text.
const AGENTS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS agents (
  agent_id TEXT PRIMARY KEY,
  agent_name TEXT,
  agent_version TEXT
) WITHOUT ROWID;`
const ORDER_INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS sessions_by_agent_start ON sessions (agent_id, start_us, session_id);
CREATE INDEX IF NOT EXISTS sessions_by_agent_status_start ON sessions (agent_id, status, start_us, session_id);
`
// The sessions table of a version: how session_id is declared, and the
// columns after json (version 1 had none).
const sessionsTableSql = (sessionId: string, later: string): string => `
CREATE TABLE IF NOT EXISTS sessions (
  session_id ${sessionId},
  agent_id TEXT NOT NULL,
  status TEXT NOT NULL,
  start_us INTEGER NOT NULL,
  -- The session as List Sessions sends it, written once by serializeSession;
  -- the other columns are what the queries filter and sort on.
  json TEXT NOT NULL${later}
);`
const SCHEMA_V1_SQL = AGENTS_TABLE_SQL + sessionsTableSql('TEXT PRIMARY KEY', '') + ORDER_INDEXES_SQL

// How the file's data was seeded (at most one row), which a later start with
// other seed options is compared against (src/server.ts). Added after
// SCHEMA_SQL's version 1 was out, as a table of its own: a file without it
// gets it on open, with no row (seeding unknown), and its presence does not
// change the schema version.
const SEEDING_SQL = `
CREATE TABLE IF NOT EXISTS seeding (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seed INTEGER NOT NULL,
  -- NULL: each fixture agent's generated_sessions.
  sessions_per_agent INTEGER
);
`
// Version 2 (live sessions, README "Live sessions"): columns added to the
// version 1 table, so a file of version 1 is upgraded in place (the columns
// it lacks are added, nothing else changes) and ends with the same schema as
// a new file. A session with a planned end runs until the emulator clock
// passes planned_end_us, then shows planned_status; json is what List
// Sessions sends now, other_json the same session in its other state (the
// ended one while it runs, the running one once ended), so a transition is a
// swap of the two in SQL. plan is what growth while running needs
// (src/seed/lifecycle.ts), spawn_index the index of a session an agent
// started while the clock ran (null for every other session).
const ADDED_COLUMNS = [
  ['planned_end_us', 'INTEGER'],
  ['planned_status', 'TEXT'],
  ['other_json', 'TEXT'],
  ['plan', 'TEXT'],
  ['spawn_index', 'INTEGER']
] as const
// The running sessions by planned end: what the clock's next step ends. A
// session leaves the index when it ends.
const V2_INDEX_SQL = `
CREATE INDEX IF NOT EXISTS sessions_running_by_planned_end ON sessions (planned_end_us) WHERE status = 'RUNNING' AND planned_end_us IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_spawned ON sessions (agent_id, spawn_index) WHERE spawn_index IS NOT NULL;
`
const SCHEMA_V2_SQL = SCHEMA_V1_SQL +
  ADDED_COLUMNS.map(([name, type]) => `ALTER TABLE sessions ADD COLUMN ${name} ${type};\n`).join('') +
  V2_INDEX_SQL
// Version 3: the number of sessions per agent and status, kept exact by
// triggers, so List Sessions' total and List Agents' sessions_count read a
// row or a handful instead of counting an index (count(*) over 200,000
// sessions of an agent takes about 15 ms). A row whose count reaches 0 goes,
// so the table is always what GROUP BY agent_id, status over sessions answers.
const COUNTS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS session_counts (
  agent_id TEXT NOT NULL,
  status TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (agent_id, status)
) WITHOUT ROWID;
`
const COUNTS_TRIGGERS_SQL = `
CREATE TRIGGER IF NOT EXISTS session_counts_insert AFTER INSERT ON sessions BEGIN
  INSERT INTO session_counts (agent_id, status, n) VALUES (NEW.agent_id, NEW.status, 1)
    ON CONFLICT (agent_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS session_counts_delete AFTER DELETE ON sessions BEGIN
  UPDATE session_counts SET n = n - 1 WHERE agent_id = OLD.agent_id AND status = OLD.status;
  DELETE FROM session_counts WHERE agent_id = OLD.agent_id AND status = OLD.status AND n = 0;
END;
CREATE TRIGGER IF NOT EXISTS session_counts_update AFTER UPDATE OF status, agent_id ON sessions
  WHEN OLD.status IS NOT NEW.status OR OLD.agent_id IS NOT NEW.agent_id BEGIN
  UPDATE session_counts SET n = n - 1 WHERE agent_id = OLD.agent_id AND status = OLD.status;
  DELETE FROM session_counts WHERE agent_id = OLD.agent_id AND status = OLD.status AND n = 0;
  INSERT INTO session_counts (agent_id, status, n) VALUES (NEW.agent_id, NEW.status, 1)
    ON CONFLICT (agent_id, status) DO UPDATE SET n = n + 1;
END;
`
const SCHEMA_V3_SQL = SCHEMA_V2_SQL + COUNTS_TABLE_SQL + COUNTS_TRIGGERS_SQL
// Version 4: the same columns, and session_id unique by an index of its own
// instead of the table's primary key. A primary key's index cannot be
// dropped, so a bulk load (src/store/bulk-load.ts) kept it up to date row by
// row, in runs sorted for it; this one it drops with the others and builds
// once from the full table. A million sessions seeded in 11.9-12.7 s against
// 14.0-14.7 s, alternated, and the seed's peak RSS fell from 490-500 MiB to
// 320-325 MiB (no run held for sorting). A file of versions 1 to 3 gets this
// table once, its rows copied (upgradeSchema).
const SESSIONS_TABLE_V4_SQL = sessionsTableSql('TEXT NOT NULL', ADDED_COLUMNS.map(([name, type]) => `,\n  ${name} ${type}`).join('')) + `
CREATE UNIQUE INDEX IF NOT EXISTS sessions_by_id ON sessions (session_id);`
// Everything but the counting triggers, which upgradeSchema creates last.
const SCHEMA_V4_TABLES_SQL = AGENTS_TABLE_SQL + SESSIONS_TABLE_V4_SQL + ORDER_INDEXES_SQL + V2_INDEX_SQL + COUNTS_TABLE_SQL
export const SCHEMA_SQL = SCHEMA_V4_TABLES_SQL + COUNTS_TRIGGERS_SQL

// Recomputes what is derived from sessions (session_counts) in one statement
// pair: for a loader that dropped the triggers to bulk-insert, and for an
// upgrade. Runs in the caller's transaction, if any.
export const refreshDerivedTables = (db: Database.Database): void => {
  db.exec(`DELETE FROM session_counts;
    INSERT INTO session_counts (agent_id, status, n) SELECT agent_id, status, count(*) FROM sessions GROUP BY agent_id, status;`)
}

// Runs `write` (a replace of many sessions) without the counting triggers,
// then recomputes the counts and puts the triggers back, as they were (the
// schema check compares their text): a trigger per row takes the bulk
// delete's fast path away and doubles the cost of a replace or a restore.
// Only inside the caller's transaction, so no reader sees the counts wrong.
export const withoutCountTriggers = (db: Database.Database, write: () => void): void => {
  db.exec('DROP TRIGGER session_counts_insert; DROP TRIGGER session_counts_delete; DROP TRIGGER session_counts_update;')
  write()
  refreshDerivedTables(db)
  db.exec(COUNTS_TRIGGERS_SQL)
}

// Drops an index or a trigger by its name as sqlite_master has it (type is
// 'index' or 'trigger': DROP INDEX, DROP TRIGGER): for a bulk load
// (src/store/bulk-load.ts) and an upgrade.
export const dropSchemaObject = (db: Database.Database, { type, name }: { type: string, name: string }): void => {
  db.exec(`DROP ${type.toUpperCase()} "${name.replace(/"/g, '""')}"`)
}

// A sessions table of versions 1 to 3 (session_id its primary key) becomes
// version 4's: its indexes and triggers dropped, its rows copied in their
// order (the columns of version 2 null where it has none, as ADD COLUMN
// would leave them), the old table dropped. Renaming the old table first,
// not the new one, keeps the new table's text exactly SESSIONS_TABLE_V4_SQL.
const moveToV4Table = (db: Database.Database): void => {
  const dependents = db.prepare<[], { type: string, name: string }>("SELECT type, name FROM sqlite_master WHERE tbl_name = 'sessions' AND sql IS NOT NULL AND type IN ('index', 'trigger')").all()
  for (const o of dependents) dropSchemaObject(db, o)
  const columns = db.prepare<[], string>("SELECT name FROM pragma_table_info('sessions')").pluck().all().join(', ')
  db.exec(`ALTER TABLE sessions RENAME TO sessions_before_v4;
    ${SESSIONS_TABLE_V4_SQL}
    INSERT INTO sessions (${columns}) SELECT ${columns} FROM sessions_before_v4 ORDER BY rowid;
    DROP TABLE sessions_before_v4;`)
}

// Creates what is missing: version 4's tables (the sessions table of an
// earlier version moved to it), indexes, counts (computed once, here) and
// triggers.
const upgradeSchema = (db: Database.Database): void => {
  // SQLite's name for the index of the table's primary key.
  const keyedByPrimaryKey = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_autoindex_sessions_1'").get() !== undefined
  if (keyedByPrimaryKey) moveToV4Table(db)
  // The index builds of a moved table sort on two threads, as a bulk
  // load's do (src/store/bulk-load.ts); the connection then sorts in one again.
  db.pragma('threads = 2')
  db.exec(SCHEMA_V4_TABLES_SQL)
  db.pragma('threads = 0')
  refreshDerivedTables(db)
  db.exec(COUNTS_TRIGGERS_SQL)
}

// The marker this emulator writes into the header of every file it creates
// (PRAGMA application_id, 'MBMK'), and the version of SCHEMA_SQL (PRAGMA
// user_version). Files written before the marker existed are recognised by
// their exact schema and get the marker.
export const APPLICATION_ID = 0x4d424d4b
export const SCHEMA_VERSION = 4

const REMEDY = 'point --db at a meibel-mock database or at a path for a new one'

// The SQLite error kinds that mean the database itself failed (not a bad
// statement or a constraint): the primary result code of better-sqlite3's
// extended `code`, e.g. SQLITE_IOERR for SQLITE_IOERR_SHORT_READ.
const FAILURE_KINDS = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_PROTOCOL', 'SQLITE_NOMEM', 'SQLITE_PERM'])

const primaryCode = (code: string): string => /^SQLITE_[A-Z]+/.exec(code)![0]

// The kind of database failure an error is, or null for any other error.
export const failureKind = (err: unknown): string | null => {
  if (!(err instanceof Database.SqliteError)) return null
  const kind = primaryCode(err.code)
  return FAILURE_KINDS.has(kind) ? kind : null
}

// What a SQLite error at open means for the file, and what to do about it.
const DAMAGED = `a damaged SQLite database; restore it from a copy, or delete it to start from the seeded data, or ${REMEDY}`
const IN_USE = 'in use by another process (another meibel-mock?); stop it or point --db at another file'
const READ_ONLY = 'read-only; make it (and its folder) writable or point --db at another file'
const PROBLEMS: Record<string, string> = {
  SQLITE_NOTADB: `not a SQLite database; ${REMEDY}`,
  SQLITE_CORRUPT: DAMAGED,
  SQLITE_BUSY: IN_USE,
  SQLITE_LOCKED: IN_USE,
  SQLITE_READONLY: READ_ONLY,
  SQLITE_PERM: READ_ONLY
}

export const openFailure = (path: string, err: unknown): StartupError => {
  if (err instanceof StartupError) return err
  const { code, message } = err as { code?: string, message: string }
  const problem = code === undefined ? undefined : PROBLEMS[primaryCode(code)]
  return new StartupError(problem === undefined
    ? `${path}: cannot be opened as a database (${code ?? 'error'}: ${message}); ${REMEDY}`
    : `${path}: ${problem} (${code}: ${message})`)
}

const refuse = (path: string, problem: string): never => { throw new StartupError(`${path}: ${problem}`) }

const statOrNull = (path: string): Stats | null => {
  try {
    return statSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    /* c8 ignore next 2: another error of stat (EACCES on a folder on the way, ELOOP) needs a setup root bypasses */
    throw new StartupError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code}); ${REMEDY}`)
  }
}

// No write permission bit at all: someone made it read-only on purpose (this
// holds for root too, which the kernel lets write anyway). accessSync also
// sees a read-only mount and another owner.
const isReadOnly = (path: string, stats: Stats): boolean => {
  if ((stats.mode & 0o222) === 0) return true
  try {
    accessSync(path, constants.W_OK)
    return false
  /* c8 ignore next 3: only without root or on a read-only mount (the tests run as root) */
  } catch {
    return true
  }
}

// Everything the file system can tell before SQLite opens the path.
const checkPath = (path: string): void => {
  const folder = dirname(resolve(path))
  const folderStats = statOrNull(folder)
  if (folderStats === null) refuse(path, `the folder ${folder} does not exist; create it or ${REMEDY}`)
  if (!folderStats!.isDirectory()) refuse(path, `${folder} is not a folder; ${REMEDY}`)
  // SQLite writes its journal (the -journal file) next to the database.
  if (isReadOnly(folder, folderStats!)) refuse(path, `the folder ${folder} is read-only; make it writable or point --db at another file`)
  const stats = statOrNull(path)
  if (stats === null) return
  if (stats.isDirectory()) refuse(path, `a folder, not a database file; ${REMEDY}`)
  if (!stats.isFile()) refuse(path, `not a regular file; ${REMEDY}`)
  if (isReadOnly(path, stats)) refuse(path, 'read-only; make it writable or point --db at another file')
}

interface SchemaObject { type: string, name: string, tbl_name: string, sql: string | null }
const SCHEMA_OBJECTS = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
const objectsOf = (db: Database.Database): SchemaObject[] => db.prepare<[], SchemaObject>(SCHEMA_OBJECTS).all()

// What a schema creates, as sqlite_master records it.
const objectsCreatedBy = (sql: string): string => {
  const db = new Database(':memory:')
  db.exec(sql)
  const objects = JSON.stringify(objectsOf(db))
  db.close()
  return objects
}
// A file of a version, with the seeding table or from before it.
const objectsOfVersion = (sql: string): string[] => [objectsCreatedBy(sql + SEEDING_SQL), objectsCreatedBy(sql)]
interface KnownSchemas {
  expected: string[]
  // Files of these versions are upgraded in place.
  upgradable: Map<number, string[]>
  anyUpgradable: string[]
}
// Made on the first file classified, not at import: eight in-memory
// databases (about 4 ms) that a start on the default in-memory data never needs.
let knownSchemas: KnownSchemas | undefined
const schemasKnown = (): KnownSchemas => {
  if (knownSchemas === undefined) {
    const upgradable = new Map([[1, objectsOfVersion(SCHEMA_V1_SQL)], [2, objectsOfVersion(SCHEMA_V2_SQL)], [3, objectsOfVersion(SCHEMA_V3_SQL)]])
    knownSchemas = { expected: objectsOfVersion(SCHEMA_SQL), upgradable, anyUpgradable: [...upgradable.values()].flat() }
  }
  return knownSchemas
}

// 'old': ours, of an earlier version, upgraded in place.
type Kind = 'new' | 'ours' | 'old' | 'unmarked'

// Reads only: the header's marker and version, the schema, and a quick check
// of every page (about 250 ms for a 60 MB file), unless the file is trusted.
const classify = (db: Database.Database, path: string, trusted: boolean): Kind => {
  const applicationId = db.pragma('application_id', { simple: true }) as number
  const version = db.pragma('user_version', { simple: true }) as number
  const objects = objectsOf(db)
  const check = trusted ? 'ok' : db.pragma('quick_check', { simple: true }) as string
  if (check !== 'ok') refuse(path, `a damaged SQLite database (quick_check: ${check.split('\n')[0]!}); restore it from a copy, or delete it to start from the seeded data, or ${REMEDY}`)
  const known = schemasKnown()
  const found = JSON.stringify(objects)
  const exact = known.expected.includes(found)
  if (applicationId === APPLICATION_ID) {
    if (known.upgradable.get(version)?.includes(found) === true) return 'old'
    if (version !== SCHEMA_VERSION) refuse(path, `written by another version of meibel-mock (schema version ${version}, this one uses ${SCHEMA_VERSION}); use that version or ${REMEDY}`)
    if (!exact) refuse(path, `a meibel-mock database whose tables were changed; delete it to start from the seeded data, or ${REMEDY}`)
    return 'ours'
  }
  if (applicationId === 0 && version === 0 && objects.length === 0) return 'new'
  if (applicationId === 0 && version === 0 && (exact || known.anyUpgradable.includes(found))) return 'unmarked'
  const tables = objects.filter((o) => o.type === 'table').map((o) => o.name)
  return refuse(path, `another application's database (application_id ${applicationId}, user_version ${version}, tables: ${tables.join(', ') || 'none'}), left unchanged; ${REMEDY}`)
}

export interface OpenOptions {
  // A file this process has just written (a seeded database built off the
  // main thread, src/seed/seeded-file.ts): its pages are not quick-checked,
  // which would hold the event loop about 250 ms per 60 MB.
  trusted?: boolean
  // A file unlinked once open (the in-memory dataset, built apart): its
  // rollback journal is kept in memory, so no -journal file is left in the
  // temp folder, and commits do not sync; the data goes with the process anyway.
  unlinked?: boolean
  // The page size of a file this call creates (SQLite's default is 4096);
  // an existing file keeps its own.
  pageSize?: number
}

const LOCK_WAIT_MS = 200

// Opens, checks and locks a database file, creating it (and the schema) when
// new; ':memory:' is a fresh in-memory database. Throws a StartupError.
export const openDatabase = (path: string, { trusted = false, unlinked = false, pageSize }: OpenOptions = {}): Database.Database => {
  if (path === ':memory:') {
    const db = new Database(path)
    upgradeSchema(db)
    db.exec(SEEDING_SQL)
    return db
  }
  checkPath(path)
  let db: Database.Database | undefined
  try {
    // A short busy timeout, not better-sqlite3's 5 s: a file another
    // emulator holds is refused after LOCK_WAIT_MS. Not none: a process that
    // is only preparing a statement holds the file's shared lock for a
    // moment, and two emulators started at once on one file would each
    // find the other's and both give up.
    db = new Database(path, { timeout: LOCK_WAIT_MS })
    // Only before the file's first write does SQLite take it.
    if (pageSize !== undefined) db.pragma(`page_size = ${pageSize}`)
    // The lock: once taken, EXCLUSIVE locking mode never releases it until
    // close, so a second process gets SQLITE_BUSY on its first read. Taken
    // before anything is read, so the checks and the first writes run under it.
    db.pragma('locking_mode = EXCLUSIVE')
    // Before the first write, which would leave the -journal file (EXCLUSIVE
    // locking mode keeps it between transactions).
    if (unlinked) db.pragma('journal_mode = MEMORY')
    // Nor a sync at each commit: the data goes with the process, and the
    // file was just written, so its pages are dirty in the page cache and
    // the first fsync would write them all out (about 440 ms for a million
    // sessions, on the event loop).
    if (unlinked) db.pragma('synchronous = OFF')
    db.exec('BEGIN EXCLUSIVE')
    const kind = classify(db, path, trusted)
    if (kind !== 'ours') {
      db.pragma(`application_id = ${APPLICATION_ID}`)
      upgradeSchema(db)
    }
    db.exec(SEEDING_SQL)
    // Always written, even when unchanged: a file SQLite could only open
    // read-only fails here (SQLITE_READONLY) and not at the first request.
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
    db.exec('COMMIT')
    // A rollback journal, not WAL (which files written by earlier versions
    // use): committed data is in the file itself, not in a -wal file until a
    // checkpoint, and WAL's concurrent readers are moot under the lock.
    if (!unlinked) db.pragma('journal_mode = DELETE')
    return db
  } catch (err) {
    if (db?.inTransaction === true) db.exec('ROLLBACK')
    db?.close()
    throw openFailure(path, err)
  }
}
