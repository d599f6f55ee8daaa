// Bad --db files through the real CLI: one line on stderr and exit code 2,
// no stack trace; two emulators on one file never both start.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { childEnv, CLI, ensureBuilt, ROOT, runCli, startCli } from '../cli/cli-process.js'

t.comment(`dist/: ${await ensureBuilt()}`)

const get = (port: number, path: string): Promise<{ status: number, body: string }> => new Promise((resolve, reject) => {
  const req = request({ host: '127.0.0.1', port, path, headers: { 'Meibel-API-Key': 'k' } }, (res) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => { body += chunk })
    res.on('end', () => { resolve({ status: res.statusCode!, body }) })
  })
  req.on('error', reject)
  req.end()
})

const REMEDY = 'point --db at a meibel-mock database or at a path for a new one'

t.test('a text file: one line, exit 2', async (t) => {
  const path = join(t.testdir({ 'notes.txt': 'not a database\n' }), 'notes.txt')
  const result = await runCli(t, ['--port', '0', '--db', path])
  t.equal(result.code, 2)
  t.equal(result.stderr, `meibel-mock: ${path}: not a SQLite database; ${REMEDY} (SQLITE_NOTADB: file is not a database)\n`)
  t.equal(result.stdout, '', 'nothing logged')
})

t.test('a missing folder: one line, exit 2', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'nope', 'x.db')
  const result = await runCli(t, ['--port', '0'], { MEIBEL_MOCK_DB: path })
  t.equal(result.code, 2)
  t.equal(result.stderr, `meibel-mock: ${path}: the folder ${join(dir, 'nope')} does not exist; create it or ${REMEDY}\n`)
})

t.test('a file in use by a running emulator: the second one exits 2, the first keeps serving', async (t) => {
  const path = join(t.testdir(), 'shared.db')
  const first = await startCli(t, ['--db', path])
  const second = await runCli(t, ['--port', '0', '--db', path])
  t.equal(second.code, 2)
  t.equal(second.stderr, `meibel-mock: ${path}: in use by another process (another meibel-mock?); stop it or point --db at another file (SQLITE_BUSY: database is locked)\n`)
  t.same(await get(first.port, '/ready'), { status: 200, body: '{"status":"ready"}' })
  t.equal((await get(first.port, '/v2/agents/demo-agent/sessions?limit=1')).status, 200)
  // Both at once: exactly one of them gets the file, whichever locks it first.
  const other = join(t.testdir(), 'race.db')
  const [started, ran] = await Promise.allSettled([startCli(t, ['--db', other]), runCli(t, ['--port', '0', '--db', other], {}, 10_000)])
  if (ran.status === 'rejected') throw ran.reason
  if (started.status === 'fulfilled') {
    t.equal(ran.value.code, 2, 'the started one won; the other exits 2')
    t.match(ran.value.stderr, /^meibel-mock: .*: in use by another process/)
  } else {
    t.match((started.reason as Error).message, /exited before the expected log line; stderr: meibel-mock: .*: in use by another process/, 'the other one won')
    t.equal(ran.value.code, null, 'and served until killed')
  }
})

// The tests run as root, which the kernel lets write anywhere; as the
// unprivileged user `nobody` (uid 65534) a file or folder owned by root is
// read-only for real.
t.test('read-only for the user that runs it: one line, exit 2', { skip: process.getuid?.() === 0 ? false : 'needs root to run the CLI as nobody' }, async (t) => {
  const dir = t.testdir({ locked: {}, open: {} })
  chmodSync(dir, 0o755)
  chmodSync(join(dir, 'locked'), 0o755)
  chmodSync(join(dir, 'open'), 0o777)
  writeFileSync(join(dir, 'open', 'x.db'), '')
  chmodSync(join(dir, 'open', 'x.db'), 0o644)
  // Without tap's process tracking, which would write its record as nobody.
  const env = Object.fromEntries(Object.entries(childEnv()).filter(([key]) => key !== 'NODE_OPTIONS' && !key.startsWith('_TAPJS_')))
  const asNobody = (path: string): { status: number | null, stderr: string } =>
    spawnSync(process.execPath, [CLI, '--port', '0', '--db', path], { cwd: ROOT, env, uid: 65534, gid: 65534, encoding: 'utf8', timeout: 10_000 })
  const inLocked = asNobody(join(dir, 'locked', 'x.db'))
  t.same(inLocked, { ...inLocked, status: 2, stderr: `meibel-mock: ${join(dir, 'locked', 'x.db')}: the folder ${join(dir, 'locked')} is read-only; make it writable or point --db at another file\n` })
  const file = asNobody(join(dir, 'open', 'x.db'))
  t.same(file, { ...file, status: 2, stderr: `meibel-mock: ${join(dir, 'open', 'x.db')}: read-only; make it writable or point --db at another file\n` })
})
