// Every bad --db: one line on stderr naming the file, no stack trace, exit
// code 2, and a file that is not the emulator's left byte for byte as it was.
import t from 'tap'
import Database from 'better-sqlite3'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureBuilt, runCli, startCli } from '../test/cli/cli-process.js'
import { prng } from './support.js'

t.comment(`dist/: ${await ensureBuilt()}`)

const randomBytes = (n: number, seed: number): Buffer => {
  const random = prng(seed)
  return Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)))
}

// A SQLite file with a valid header and every page after the first overwritten.
const garbagePages = (path: string): void => {
  const db = new Database(path)
  db.exec('CREATE TABLE t (x TEXT); CREATE INDEX t_x ON t (x)')
  const insert = db.prepare('INSERT INTO t VALUES (?)')
  for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(50)}`)
  db.close()
  const bytes = readFileSync(path)
  const pageSize = bytes.readUInt16BE(16)
  randomBytes(bytes.length - pageSize, 7).copy(bytes, pageSize)
  writeFileSync(path, bytes)
}

interface BadDb {
  name: string
  // Makes the case in `dir` and returns the --db path.
  make: (dir: string) => string
  // The file must be unchanged afterwards.
  untouched?: boolean
}

const CASES: BadDb[] = [
  { name: 'a missing folder', make: (dir) => join(dir, 'missing', 'x.db') },
  { name: 'a folder', make: (dir) => { mkdirSync(join(dir, 'folder')); return join(dir, 'folder') } },
  { name: 'a text file', make: (dir) => { writeFileSync(join(dir, 'notes.txt'), 'not a database\n'.repeat(100)); return join(dir, 'notes.txt') }, untouched: true },
  { name: 'a random file', make: (dir) => { writeFileSync(join(dir, 'random.bin'), randomBytes(65536, 1)); return join(dir, 'random.bin') }, untouched: true },
  { name: 'a database with a valid header and garbage pages', make: (dir) => { garbagePages(join(dir, 'garbage.db')); return join(dir, 'garbage.db') }, untouched: true },
  {
    name: "another application's database",
    make: (dir) => {
      const path = join(dir, 'other.db')
      const db = new Database(path)
      db.exec("CREATE TABLE sessions (id INTEGER PRIMARY KEY, payload TEXT); INSERT INTO sessions (payload) VALUES ('theirs')")
      db.close()
      return path
    },
    untouched: true
  },
  {
    // No write bit at all: refused even for root (README "Reliability").
    name: 'a read-only file',
    make: (dir) => {
      const path = join(dir, 'readonly.db')
      writeFileSync(path, '')
      chmodSync(path, 0o444)
      return path
    }
  },
  {
    name: 'a file in a read-only folder',
    make: (dir) => {
      mkdirSync(join(dir, 'locked'))
      chmodSync(join(dir, 'locked'), 0o555)
      return join(dir, 'locked', 'x.db')
    }
  }
]

for (const c of CASES) {
  t.test(`--db with ${c.name}: one line on stderr, exit 2`, async (t) => {
    const dir = t.testdir()
    const path = c.make(dir)
    const before = c.untouched === true ? readFileSync(path) : null
    const result = await runCli(t, ['--port', '0', '--db', path], {}, 60_000)
    t.same({ code: result.code, signal: result.signal }, { code: 2, signal: null }, 'exit code 2')
    const lines = result.stderr.split('\n')
    t.equal(lines.length, 2, `one line on stderr: ${result.stderr.trimEnd()}`)
    t.ok(lines[0]!.startsWith(`meibel-mock: ${path}`), 'it names the file')
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace')
    t.notMatch(result.stdout, /Server listening/, 'never listened')
    if (before !== null) t.ok(readFileSync(path).equals(before), 'the file is unchanged')
  })
}

t.test('--db with a file in use by a running emulator: the second one exits 2 with one line', async (t) => {
  const path = join(t.testdir(), 'shared.db')
  const first = await startCli(t, ['--db', path])
  const result = await runCli(t, ['--port', '0', '--db', path], {}, 60_000)
  t.same({ code: result.code, signal: result.signal }, { code: 2, signal: null }, 'exit code 2')
  t.equal(result.stderr.split('\n').length, 2, `one line on stderr: ${result.stderr.trimEnd()}`)
  t.ok(result.stderr.startsWith(`meibel-mock: ${path}`), 'it names the file')
  t.equal(first.child.exitCode, null, 'the first one still runs')
  first.child.kill('SIGTERM')
  t.equal((await first.exited).code, 0, 'and exits 0 on SIGTERM')
})
