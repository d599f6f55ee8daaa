// Bad --db files through the real CLI: one line on stderr and exit code 2,
// no stack trace; two emulators on one file never both start.
import t, { type Test } from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { childEnv, CLI, ensureBuilt, ROOT, runCli } from '../cli/cli-process.js'

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
  const result = await runCli(t, ['--port', '0', '--db', path], {}, 60_000)
  t.equal(result.code, 2)
  t.equal(result.stderr, `meibel-mock: ${path}: not a SQLite database; ${REMEDY} (SQLITE_NOTADB: file is not a database)\n`)
  t.equal(result.stdout, '', 'nothing logged')
})

t.test('a missing folder: one line, exit 2', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'nope', 'x.db')
  const result = await runCli(t, ['--port', '0'], { MEIBEL_MOCK_DB: path }, 60_000)
  t.equal(result.code, 2)
  t.equal(result.stderr, `meibel-mock: ${path}: the folder ${join(dir, 'nope')} does not exist; create it or ${REMEDY}\n`)
})

// A CLI process with generous timeouts: the machines running the suite are
// shared and sometimes slow to start a process. Killed when the test ends.
const spawnCli = (t: Test, args: string[]): { exited: Promise<{ code: number | null, stderr: string }>, listening: Promise<number>, running: () => boolean } => {
  const child = spawn(process.execPath, [CLI, '--host', '127.0.0.1', '--port', '0', ...args], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let done = false
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => { stderr += chunk })
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk
      const port = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]
      if (port !== undefined) resolve(Number(port))
    })
    child.once('exit', () => { reject(new Error(`exited before listening; stderr: ${stderr}`)) })
  })
  listening.catch(() => {})
  const exited = new Promise<{ code: number | null, stderr: string }>((resolve) => {
    child.once('close', (code) => { done = true; resolve({ code, stderr }) })
  })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, 120_000)
  t.teardown(async () => {
    clearTimeout(timer)
    if (!done) { child.kill('SIGKILL'); await exited }
  })
  return { exited, listening, running: () => !done }
}

t.test('a file in use by a running emulator: the second one exits 2, the first keeps serving', async (t) => {
  const path = join(t.testdir(), 'shared.db')
  const first = spawnCli(t, ['--db', path])
  const port = await first.listening
  const second = await runCli(t, ['--port', '0', '--db', path], {}, 60_000)
  t.equal(second.code, 2)
  t.equal(second.stderr, `meibel-mock: ${path}: in use by another process (another meibel-mock?); stop it or point --db at another file (SQLITE_BUSY: database is locked)\n`)
  t.same(await get(port, '/ready'), { status: 200, body: '{"status":"ready"}' })
  t.equal((await get(port, '/v2/agents/demo-agent/sessions?limit=1')).status, 200)
})

t.test('two emulators started at once on one file: exactly one gets it', async (t) => {
  const path = join(t.testdir(), 'race.db')
  const both = [spawnCli(t, ['--db', path]), spawnCli(t, ['--db', path])]
  // The first to exit is the one refused; the other one listens.
  const [first] = await Promise.race(both.map((cli, i) => cli.exited.then((result) => [i, result] as const)))
  const loser = await both[first]!.exited
  t.equal(loser.code, 2, 'the refused one exits 2')
  t.match(loser.stderr, /^meibel-mock: .*: in use by another process \(another meibel-mock\?\); stop it or point --db at another file \(SQLITE_BUSY: database is locked\)\n$/)
  const winner = both[1 - first]!
  const port = await winner.listening
  t.ok(winner.running(), 'the other one runs')
  t.same(await get(port, '/ready'), { status: 200, body: '{"status":"ready"}' })
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
  // Without tap's process tracking, which would write its record as nobody:
  // tap sets NODE_OPTIONS on every child, so env(1) removes it.
  const asNobody = (path: string): { status: number | null, stderr: string } =>
    spawnSync('env', ['-u', 'NODE_OPTIONS', process.execPath, CLI, '--port', '0', '--db', path], { cwd: ROOT, env: childEnv(), uid: 65534, gid: 65534, encoding: 'utf8', timeout: 60_000 })
  const inLocked = asNobody(join(dir, 'locked', 'x.db'))
  t.same(inLocked, { ...inLocked, status: 2, stderr: `meibel-mock: ${join(dir, 'locked', 'x.db')}: the folder ${join(dir, 'locked')} is read-only; make it writable or point --db at another file\n` })
  const file = asNobody(join(dir, 'open', 'x.db'))
  t.same(file, { ...file, status: 2, stderr: `meibel-mock: ${join(dir, 'open', 'x.db')}: read-only; make it writable or point --db at another file\n` })
})
