// Opening a --db file: each bad file is refused with one StartupError line
// naming the file, what is wrong and what to do, and left unchanged; a file
// in use by another store is refused by its lock.
import t from 'tap'
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { StartupError } from '../../src/errors.js'
import { APPLICATION_ID, failureKind, openDatabase, openFailure, refreshDerivedTables, SCHEMA_SQL, SCHEMA_VERSION } from '../../src/store/database.js'
import { openSessionsStore } from '../../src/store/sessions-store.js'

// The StartupError message of opening `path` (it must be one line), or 'opened'.
const openError = (path: string): string => {
  try {
    openSessionsStore(path).close()
    return 'opened'
  } catch (err) {
    if (!(err instanceof StartupError)) throw err
    if (err.message.includes('\n')) throw new Error(`not one line: ${err.message}`)
    return err.message
  }
}

const agents = (path: string): unknown[] => {
  const db = new Database(path, { readonly: true })
  try { return db.prepare('SELECT agent_id FROM agents').pluck().all() } finally { db.close() }
}

// A store file with one agent, closed.
const storeFile = (path: string): string => {
  const store = openSessionsStore(path)
  store.replaceAll([{ agent_id: 'a', agent_name: null, agent_version: null }], [])
  store.close()
  return path
}

t.test('a new file gets the schema and the marker; it opens again', async (t) => {
  const path = join(t.testdir(), 'new.db')
  storeFile(path)
  const db = new Database(path, { readonly: true })
  t.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID)
  t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION)
  t.equal(db.pragma('journal_mode', { simple: true }), 'delete', 'a rollback journal: the data is in the file itself')
  db.close()
  t.same(agents(path), ['a'])
  const again = openSessionsStore(path)
  t.equal(again.isEmpty(), false)
  again.close()
  t.equal(openError(join(t.testdir(), 'empty.db')), 'opened', 'an empty file is a new database')
})

t.test('a file to be unlinked once open: its journal in memory, commits without a sync; others sync in full', async (t) => {
  const dir = t.testdir()
  storeFile(join(dir, 'built.db'))
  const unlinked = openDatabase(join(dir, 'built.db'), { trusted: true, unlinked: true })
  t.equal(unlinked.pragma('journal_mode', { simple: true }), 'memory')
  t.equal(unlinked.pragma('synchronous', { simple: true }), 0, 'synchronous = OFF')
  unlinked.close()
  const kept = openDatabase(join(dir, 'built.db'))
  t.equal(kept.pragma('journal_mode', { simple: true }), 'delete')
  t.equal(kept.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL, SQLite\'s default')
  kept.close()
})

t.test('pageSize: a file it creates gets it; an existing file keeps its own', async (t) => {
  const dir = t.testdir()
  const pageSizeOf = (path: string): unknown => {
    const db = new Database(path, { readonly: true })
    try { return db.pragma('page_size', { simple: true }) } finally { db.close() }
  }
  openDatabase(join(dir, 'new.db'), { pageSize: 16384 }).close()
  t.equal(pageSizeOf(join(dir, 'new.db')), 16384)
  storeFile(join(dir, 'old.db'))
  openDatabase(join(dir, 'old.db'), { pageSize: 16384 }).close()
  t.equal(pageSizeOf(join(dir, 'old.db')), 4096, 'SQLite\'s default, as written')
  t.same(agents(join(dir, 'old.db')), ['a'], 'its data kept')
})

t.test('a file written before the marker (the exact schema, WAL) is ours: it gets the marker, its data stays', async (t) => {
  const path = join(t.testdir(), 'old.db')
  const old = new Database(path)
  old.pragma('journal_mode = WAL')
  old.exec(SCHEMA_SQL)
  old.prepare("INSERT INTO agents VALUES ('kept', null, null)").run()
  old.close()
  const store = openSessionsStore(path)
  t.equal(store.isEmpty(), false)
  store.close()
  t.same(agents(path), ['kept'])
  const db = new Database(path, { readonly: true })
  t.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID)
  db.close()
})

// The schema of version 1, as the versions before live sessions wrote it.
// (Written out here, byte for byte: a file is recognised by its schema's text.)
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS agents (
  agent_id TEXT PRIMARY KEY,
  agent_name TEXT,
  agent_version TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
  session_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  status TEXT NOT NULL,
  start_us INTEGER NOT NULL,
  -- The session as List Sessions sends it, written once by serializeSession;
  -- the other columns are what the queries filter and sort on.
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_agent_start ON sessions (agent_id, start_us, session_id);
CREATE INDEX IF NOT EXISTS sessions_by_agent_status_start ON sessions (agent_id, status, start_us, session_id);
`
const schemaOf = (path: string): unknown[] => {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all()
  } finally { db.close() }
}
const columnsOf = (path: string): unknown[] => {
  const db = new Database(path, { readonly: true })
  try { return db.prepare("SELECT name FROM pragma_table_info('sessions')").pluck().all() } finally { db.close() }
}

// Version 2 added columns and indexes to version 1's tables (as written then).
const SCHEMA_V2 = SCHEMA_V1 + `
ALTER TABLE sessions ADD COLUMN planned_end_us INTEGER;
ALTER TABLE sessions ADD COLUMN planned_status TEXT;
ALTER TABLE sessions ADD COLUMN other_json TEXT;
ALTER TABLE sessions ADD COLUMN plan TEXT;
ALTER TABLE sessions ADD COLUMN spawn_index INTEGER;
CREATE INDEX IF NOT EXISTS sessions_running_by_planned_end ON sessions (planned_end_us) WHERE status = 'RUNNING' AND planned_end_us IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_spawned ON sessions (agent_id, spawn_index) WHERE spawn_index IS NOT NULL;
`
const SEEDING = `
CREATE TABLE IF NOT EXISTS seeding (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seed INTEGER NOT NULL,
  -- NULL: each fixture agent's generated_sessions.
  sessions_per_agent INTEGER
);
`
// Version 3 added the counts per agent and status, and the triggers that keep them.
const SCHEMA_V3 = SCHEMA_V2 + `
CREATE TABLE IF NOT EXISTS session_counts (
  agent_id TEXT NOT NULL,
  status TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (agent_id, status)
) WITHOUT ROWID;

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
const COUNTS_BY_GROUP = 'SELECT agent_id, status, count(*) AS n FROM sessions GROUP BY agent_id, status ORDER BY agent_id, status'
const COUNTS = 'SELECT agent_id, status, n FROM session_counts ORDER BY agent_id, status'

t.test('a file of schema version 1, 2 or 3 (marked or not) is upgraded in place: the table of version 4, the counts computed once; its rows stay', async (t) => {
  const dir = t.testdir()
  const fresh = storeFile(join(dir, 'fresh.db'))
  const cases = [
    { version: 1, schema: SCHEMA_V1, marked: true },
    { version: 1, schema: SCHEMA_V1, marked: false },
    { version: 1, schema: SCHEMA_V1 + SEEDING, marked: true },
    { version: 2, schema: SCHEMA_V2 + SEEDING, marked: true },
    { version: 2, schema: SCHEMA_V2 + SEEDING, marked: false },
    { version: 2, schema: SCHEMA_V2, marked: true },
    { version: 3, schema: SCHEMA_V3 + SEEDING, marked: true },
    { version: 3, schema: SCHEMA_V3 + SEEDING, marked: false },
    { version: 3, schema: SCHEMA_V3, marked: true }
  ]
  for (const [i, { version, schema, marked }] of cases.entries()) {
    const path = join(dir, `v${version}-${i}.db`)
    const old = new Database(path)
    old.exec(schema)
    if (marked) {
      old.pragma(`application_id = ${APPLICATION_ID}`)
      old.pragma(`user_version = ${version}`)
    }
    old.prepare("INSERT INTO agents VALUES ('kept', null, null)").run()
    const insert = old.prepare('INSERT INTO sessions (session_id, agent_id, status, start_us, json) VALUES (?, ?, ?, ?, ?)')
    insert.run('s1', 'kept', 'RUNNING', 5, '{}')
    for (let j = 0; j < 30; j++) insert.run(`x${j}`, `agent-${j % 3}`, ['COMPLETED', 'FAILED', 'RUNNING', 'CANCELLED'][j % 4], j, '{}')
    if (version >= 2) old.prepare("UPDATE sessions SET planned_end_us = 9, planned_status = 'FAILED', other_json = '[]', plan = 'p', spawn_index = 3 WHERE session_id = 'x2'").run()
    old.close()
    t.equal(openError(path), 'opened', `version ${version} #${i}`)
    t.same(columnsOf(path), ['session_id', 'agent_id', 'status', 'start_us', 'json', 'planned_end_us', 'planned_status', 'other_json', 'plan', 'spawn_index'])
    t.same(schemaOf(path), schemaOf(fresh), 'the same tables, indexes and triggers as a new file')
    const db = new Database(path, { readonly: true })
    t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION)
    t.same(db.prepare("SELECT session_id, json, planned_end_us, spawn_index FROM sessions WHERE session_id = 's1'").all(), [{ session_id: 's1', json: '{}', planned_end_us: null, spawn_index: null }])
    t.same(db.prepare("SELECT planned_end_us, planned_status, other_json, plan, spawn_index FROM sessions WHERE session_id = 'x2'").get(),
      version >= 2 ? { planned_end_us: 9, planned_status: 'FAILED', other_json: '[]', plan: 'p', spawn_index: 3 } : { planned_end_us: null, planned_status: null, other_json: null, plan: null, spawn_index: null },
      'a live session\'s columns copied')
    t.same(db.prepare('SELECT session_id FROM sessions ORDER BY rowid').pluck().all(), ['s1', ...Array.from({ length: 30 }, (_, j) => `x${j}`)], 'every row, in its order')
    t.same(db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'sessions' AND type = 'index' AND sql IS NULL").all(), [], 'no primary key index left')
    t.same(db.prepare(COUNTS).all(), db.prepare(COUNTS_BY_GROUP).all(), 'the counts of the rows there')
    t.equal(db.prepare('SELECT count(*) FROM session_counts').pluck().get(), 13)
    db.close()
    const writable = new Database(path)
    t.throws(() => writable.prepare("INSERT INTO sessions (session_id, agent_id, status, start_us, json) VALUES ('s1', 'kept', 'FAILED', 1, '{}')").run(), /UNIQUE constraint failed: sessions\.session_id/, 'session ids stay unique')
    writable.close()
    const store = openSessionsStore(path)
    t.same(store.listAgents(), [{ agent_id: 'kept', agent_name: null, agent_version: null, sessions_count: 1 }], 'and opens again as this version')
    t.equal(store.deleteSession('kept', 's1'), 1)
    t.same(store.listAgents()[0]!.sessions_count, 0, 'the triggers keep them')
    store.close()
  }
  const mislabelled = join(dir, 'v1-as-v2.db')
  const m = new Database(mislabelled)
  m.exec(SCHEMA_V1)
  m.pragma(`application_id = ${APPLICATION_ID}`)
  m.pragma('user_version = 2')
  m.close()
  t.match(openError(mislabelled), 'written by another version of meibel-mock (schema version 2, this one uses 4)', 'version 2 with the tables of version 1: not upgraded')
})

t.test('refreshDerivedTables recomputes the counts a bulk load left without triggers', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => { db.close() })
  db.exec('DROP TRIGGER session_counts_insert')
  const insert = db.prepare('INSERT INTO sessions (session_id, agent_id, status, start_us, json) VALUES (?, ?, ?, ?, ?)')
  for (let j = 0; j < 20; j++) insert.run(`x${j}`, `agent-${j % 3}`, ['COMPLETED', 'FAILED'][j % 2], j, '{}')
  db.prepare("INSERT INTO session_counts VALUES ('gone', 'COMPLETED', 7)").run()
  t.same(db.prepare(COUNTS).all().length, 1, 'stale before')
  refreshDerivedTables(db)
  t.same(db.prepare(COUNTS).all(), db.prepare(COUNTS_BY_GROUP).all())
  t.equal(db.prepare('SELECT count(*) FROM session_counts').pluck().get(), 6)
})

t.test('the folder does not exist', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'missing', 'x.db')
  t.equal(openError(path), `${path}: the folder ${join(dir, 'missing')} does not exist; create it or point --db at a meibel-mock database or at a path for a new one`)
  t.equal(statOrNull(join(dir, 'missing')), null, 'nothing created')
})

const statOrNull = (path: string): unknown => { try { return statSync(path) } catch { return null } }

t.test('the path is a folder, or its folder is a file', async (t) => {
  const dir = t.testdir({ sub: {}, file: 'x' })
  t.equal(openError(join(dir, 'sub')), `${join(dir, 'sub')}: a folder, not a database file; point --db at a meibel-mock database or at a path for a new one`)
  t.equal(openError(join(dir, 'file', 'x.db')), `${join(dir, 'file', 'x.db')}: ${join(dir, 'file')} is not a folder; point --db at a meibel-mock database or at a path for a new one`)
  t.equal(openError('/dev/null'), '/dev/null: not a regular file; point --db at a meibel-mock database or at a path for a new one')
})

t.test('a text file, a random file: not a database, left unchanged', async (t) => {
  const random = Buffer.alloc(8192, 0)
  for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) % 251
  const dir = t.testdir({ 'notes.txt': 'hello\nthis is not a database\n', 'random.bin': random })
  for (const name of ['notes.txt', 'random.bin']) {
    const path = join(dir, name)
    const before = readFileSync(path)
    t.equal(openError(path), `${path}: not a SQLite database; point --db at a meibel-mock database or at a path for a new one (SQLITE_NOTADB: file is not a database)`)
    t.same(readFileSync(path), before, `${name} unchanged`)
  }
})

t.test('a valid header with garbage pages: damaged, refused', async (t) => {
  const path = storeFile(join(t.testdir(), 'damaged.db'))
  const fd = openSync(path, 'r+')
  // Page 1 (the header and the schema) stays; every later page is 0xff bytes.
  const size = statSync(path).size
  writeSync(fd, Buffer.alloc(size - 4096, 0xff), 0, size - 4096, 4096)
  closeSync(fd)
  const before = readFileSync(path)
  t.match(openError(path), new RegExp(`^${path}: a damaged SQLite database (\\(quick_check: .+\\)|; .+\\(SQLITE_CORRUPT: .+\\))`))
  t.match(openError(path), /restore it from a copy, or delete it to start from the seeded data, or point --db at/)
  t.same(readFileSync(path), before, 'unchanged')
})

t.test('a damaged schema page: SQLite\'s own error', async (t) => {
  const path = storeFile(join(t.testdir(), 'schema.db'))
  const fd = openSync(path, 'r+')
  // After the 100-byte header, page 1's b-tree header: garbage.
  writeSync(fd, Buffer.alloc(200, 0xff), 0, 200, 100)
  closeSync(fd)
  t.match(openError(path), new RegExp(`^${path}: a damaged SQLite database; .+ \\(SQLITE_CORRUPT: database disk image is malformed\\)$`))
})

t.test('another application\'s database: refused, never changed', async (t) => {
  const dir = t.testdir()
  const other = join(dir, 'other.db')
  const db = new Database(other)
  db.exec('CREATE TABLE sessions (id INTEGER PRIMARY KEY, token TEXT); CREATE TABLE users (name TEXT)')
  db.prepare("INSERT INTO users VALUES ('ann')").run()
  db.close()
  const before = readFileSync(other)
  t.equal(openError(other), `${other}: another application's database (application_id 0, user_version 0, tables: sessions, users), left unchanged; point --db at a meibel-mock database or at a path for a new one`)
  t.same(readFileSync(other), before, 'the same bytes')

  const marked = join(dir, 'marked.db')
  const m = new Database(marked)
  m.pragma('application_id = 42')
  m.pragma('user_version = 3')
  m.close()
  t.match(openError(marked), `${marked}: another application's database (application_id 42, user_version 3, tables: none), left unchanged`)

  const ourTablesPlusOne = join(dir, 'extra.db')
  const e = new Database(ourTablesPlusOne)
  e.exec(SCHEMA_SQL)
  e.exec('CREATE TABLE notes (x)')
  e.close()
  t.match(openError(ourTablesPlusOne), 'another application\'s database (application_id 0, user_version 0, tables: agents, notes, session_counts, sessions)')
})

t.test('a meibel-mock database of another schema version, or with changed tables', async (t) => {
  const dir = t.testdir()
  const newer = storeFile(join(dir, 'newer.db'))
  const n = new Database(newer)
  n.pragma('user_version = 5')
  n.close()
  t.equal(openError(newer), `${newer}: written by another version of meibel-mock (schema version 5, this one uses 4); use that version or point --db at a meibel-mock database or at a path for a new one`)
  const changed = storeFile(join(dir, 'changed.db'))
  const c = new Database(changed)
  c.exec('DROP INDEX sessions_by_agent_start')
  c.close()
  t.match(openError(changed), `${changed}: a meibel-mock database whose tables were changed; delete it to start from the seeded data`)
})

t.test('a read-only file or folder', async (t) => {
  const dir = t.testdir({ ro: {} })
  const file = storeFile(join(dir, 'ro.db'))
  chmodSync(file, 0o444)
  t.equal(openError(file), `${file}: read-only; make it writable or point --db at another file`)
  const folder = join(dir, 'ro')
  // (tap removes the test folder afterwards; as root, a 0555 folder does not stop it.)
  chmodSync(folder, 0o555)
  t.equal(openError(join(folder, 'x.db')), `${join(folder, 'x.db')}: the folder ${folder} is read-only; make it writable or point --db at another file`)
  t.equal(statOrNull(join(folder, 'x.db')), null, 'nothing created')
})

t.test('SQLite\'s read-only error (a file it can open only for reading) gets its line', async (t) => {
  // As root the kernel lets every write through, so the error comes from a
  // connection opened read-only, as SQLite opens a file it cannot write.
  const path = storeFile(join(t.testdir(), 'x.db'))
  const db = new Database(path, { readonly: true })
  t.teardown(() => { db.close() })
  let err: unknown
  try { db.pragma('user_version = 1') } catch (e) { err = e }
  t.equal(openFailure(path, err).message, `${path}: read-only; make it (and its folder) writable or point --db at another file (SQLITE_READONLY: attempt to write a readonly database)`)
  t.equal(failureKind(err), 'SQLITE_READONLY')
})

t.test('other open errors keep SQLite\'s words; a StartupError passes through', async (t) => {
  const err = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_SHORT_READ' })
  t.equal(openFailure('/x.db', err).message, '/x.db: cannot be opened as a database (SQLITE_IOERR_SHORT_READ: disk I/O error); point --db at a meibel-mock database or at a path for a new one')
  t.equal(openFailure('/x.db', new Error('odd')).message, '/x.db: cannot be opened as a database (error: odd); point --db at a meibel-mock database or at a path for a new one')
  const startup = new StartupError('as is')
  t.equal(openFailure('/x.db', startup), startup)
})

t.test('failureKind: database failures by their primary code, nothing else', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => { db.close() })
  db.exec('CREATE TABLE t (x PRIMARY KEY)')
  db.exec('INSERT INTO t VALUES (1)')
  let constraint: unknown
  try { db.exec('INSERT INTO t VALUES (1)') } catch (e) { constraint = e }
  t.equal(failureKind(constraint), null, 'a constraint is the caller\'s problem')
  t.equal(failureKind(new Error('x')), null)
  t.equal(failureKind(new Database.SqliteError('bad', 'SQLITE_CORRUPT_INDEX')), 'SQLITE_CORRUPT')
})

t.test('a file in use by another store is refused by its lock; the first one keeps working', async (t) => {
  const path = join(t.testdir(), 'shared.db')
  const first = openSessionsStore(path)
  t.teardown(() => { first.close() })
  t.equal(openError(path), `${path}: in use by another process (another meibel-mock?); stop it or point --db at another file (SQLITE_BUSY: database is locked)`)
  first.replaceAll([{ agent_id: 'a', agent_name: null, agent_version: null }], [])
  t.same(first.listAgents().map((a) => a.agent_id), ['a'], 'the first store reads and writes')
  t.equal(openError(path), `${path}: in use by another process (another meibel-mock?); stop it or point --db at another file (SQLITE_BUSY: database is locked)`, 'still locked after writes')
  const reader = new Database(path, { readonly: true, timeout: 0 })
  t.teardown(() => { reader.close() })
  t.throws(() => reader.prepare('SELECT count(*) FROM agents').get(), { code: 'SQLITE_BUSY' }, 'not even a reader gets in')
  first.close()
  t.equal(openError(path), 'opened', 'free again once closed')
})

t.test(':memory: opens without any file check', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => { db.close() })
  t.same(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all(), ['agents', 'seeding', 'session_counts', 'sessions'])
})

t.test('a file of this schema version from before the seeding record gets its table, its data kept', async (t) => {
  const path = join(t.testdir(), 'before-seeding.db')
  const before = new Database(path)
  before.pragma(`application_id = ${APPLICATION_ID}`)
  before.pragma(`user_version = ${SCHEMA_VERSION}`)
  before.exec(SCHEMA_SQL)
  before.prepare("INSERT INTO agents VALUES ('kept', null, null)").run()
  before.close()
  const store = openSessionsStore(path)
  t.equal(store.seeding(), null, 'no seeding recorded')
  store.close()
  t.same(agents(path), ['kept'])
  const db = new Database(path, { readonly: true })
  t.same(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all(), ['agents', 'seeding', 'session_counts', 'sessions'])
  db.close()
})

t.test('the folder of a relative path is the working directory\'s', async (t) => {
  const dir = t.testdir()
  mkdirSync(join(dir, 'data'))
  const cwd = process.cwd()
  process.chdir(dir)
  t.teardown(() => { process.chdir(cwd) })
  t.equal(openError('data/x.db'), 'opened')
  t.equal(openError('nope/x.db'), `nope/x.db: the folder ${join(dir, 'nope')} does not exist; create it or point --db at a meibel-mock database or at a path for a new one`)
  writeFileSync(join(dir, 'data', 'y.db'), '')
  t.equal(openError('data/y.db'), 'opened')
})
