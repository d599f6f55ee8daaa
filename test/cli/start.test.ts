// The real CLI's start through src/start.ts: a port in use is exit code 1
// with one line (not 2, which is for bad configuration), and --version
// prints the package's version without starting anything.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { parse } from 'yaml'
import { childEnv, CLI, ensureBuilt, ROOT, runCli, startCli } from './cli-process.js'

// fixtures/: its agents, and the sessions of their own (sessions.json).
const shipped = (name: string): number => (JSON.parse(readFileSync(join(ROOT, 'fixtures', name), 'utf8')) as unknown[]).length
const SHIPPED_AGENTS = shipped('agents.json')
const SHIPPED_FIXTURE_SESSIONS = shipped('sessions.json')

t.comment(`dist/: ${await ensureBuilt()}`)

// Generous: the CLI loads the whole emulator before it fails, on a shared machine.
const TIMEOUT_MS = 30_000

t.test('a port in use: one line on stderr, exit 1', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => { resolve() })))
  const { port } = blocker.address() as AddressInfo
  const result = await runCli(t, ['--host', '127.0.0.1', '--port', String(port), '--log-level', 'silent'], {}, TIMEOUT_MS)
  t.same({ code: result.code, signal: result.signal }, { code: 1, signal: null }, 'exit code 1')
  t.equal(result.stderr, `meibel-mock: cannot listen on 127.0.0.1:${port}: EADDRINUSE\n`)
})

t.test('--version prints the version of package.json and the contract\'s', async (t) => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  const contract = parse(readFileSync(join(ROOT, 'openapi', 'meibel-api-v2.list-sessions.yaml'), 'utf8')) as { info: { version: unknown } }
  const result = await runCli(t, ['--version'], {}, TIMEOUT_MS)
  t.same({ code: result.code, stdout: result.stdout, stderr: result.stderr },
    { code: 0, stdout: `meibel-mock ${version} (Meibel AI API contract ${String(contract.info.version)})\n`, stderr: '' })
})

t.test('the banner: one JSON line at info once listening, off a terminal no block', async (t) => {
  const cli = await startCli(t, ['--seed', '5', '--sessions-per-agent', '2'])
  const line = await cli.waitForLog((l) => l.banner !== undefined)
  const url = `http://127.0.0.1:${cli.port}`
  t.same(line.banner, {
    api: `${url}/v2`, docs: `${url}/docs`, control: `${url}/__admin`, data: 'memory', seed: 5, sessionsPerAgent: 2, agents: SHIPPED_AGENTS, sessions: SHIPPED_FIXTURE_SESSIONS + SHIPPED_AGENTS * 2
  })
  t.equal(line.level, 30)
  t.same(cli.logs.filter((l) => l.raw !== undefined), [], 'every line is JSON')
  const res = await fetch(`${url}/v2/agents/demo-agent/sessions?limit=1`, { headers: { 'Meibel-API-Key': 'k' } })
  t.equal(res.status, 200)
  await res.body?.cancel()
})

t.test('--log-format pretty: pino-pretty\'s lines, the banner among them', async (t) => {
  const child = spawn(process.execPath, [CLI, '--host', '127.0.0.1', '--port', '0', '--log-format', 'pretty'], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.teardown(async () => { if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited } })
  let out = ''
  child.stdout.setEncoding('utf8')
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no banner within ${TIMEOUT_MS} ms: ${out}`)) }, TIMEOUT_MS)
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      if (/INFO: ready: /.test(out)) { clearTimeout(timer); resolve() }
    })
  })
  t.match(out, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/m)
  t.match(out, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: ready: API http:\/\/127\.0\.0\.1:\d+\/v2, docs .*, data memory \(seed 20261120: \d+ agents, \d+ sessions\)$/m)
  t.notMatch(out, /^\{/m, 'no JSON line')
  t.notOk(out.includes('\u001b['), 'no colors off a terminal')
  child.kill('SIGTERM')
  await exited
})
