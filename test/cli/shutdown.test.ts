// The real CLI as a process: clean shutdown under load (SIGTERM), a List
// Sessions call and SIGINT, and the exit code 2 paths. Runs dist/cli.js,
// rebuilt first when src/ is newer.
import t from 'tap'
import { Agent, request } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { ensureBuilt, freePort, runCli, startCli, tryConnect } from './cli-process.js'

const PATH = '/v2/agents/demo-agent/sessions'
const HEADERS = { 'Meibel-API-Key': 'k' }
const CONCURRENCY = 8
const WARM_UP = 300
const EXIT_WITHIN_MS = 2000

t.comment(`dist/: ${await ensureBuilt()}`)

interface Outcome {
  id: number
  // Whether the request was started before SIGTERM was sent.
  beforeSignal: boolean
  status?: number
  // Response headers arrived.
  headers: boolean
  // Response body read to its end.
  complete: boolean
  body: string
  error?: string
}

const get = (port: number, agent: Agent, outcome: Outcome, path = PATH): Promise<Outcome> => new Promise((resolve) => {
  const req = request({ host: '127.0.0.1', port, path, headers: HEADERS, agent }, (res) => {
    outcome.status = res.statusCode
    outcome.headers = true
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => { outcome.body += chunk })
    res.on('end', () => { outcome.complete = true; resolve(outcome) })
    res.on('error', (err: NodeJS.ErrnoException) => { outcome.error ??= err.code ?? err.message; resolve(outcome) })
  })
  req.on('error', (err: NodeJS.ErrnoException) => { outcome.error ??= err.code ?? err.message; resolve(outcome) })
  req.end()
})

const isSessionList = (body: string): boolean => {
  try {
    const parsed = JSON.parse(body) as { data?: unknown, total?: unknown }
    return Array.isArray(parsed.data) && typeof parsed.total === 'number'
  } catch {
    return false
  }
}

t.test('SIGTERM under load: in-flight requests finish with 200, new connections are refused, exit 0 within 2 s', async (t) => {
  // debug: one log line per request received and per response sent.
  const cli = await startCli(t, ['--log-level', 'debug'])
  const outcomes: Outcome[] = []
  let signalled = false
  let exited = false
  cli.exited.then(() => { exited = true })

  // Requests started and not yet settled; settled ones go to `outcomes`.
  const pending = new Set<Outcome>()
  const tracked = (port: number, agent: Agent, outcome: Outcome): Promise<Outcome> => {
    pending.add(outcome)
    return get(port, agent, outcome).finally(() => pending.delete(outcome))
  }
  // Each client: one keep-alive connection, a new request as soon as the last
  // one is answered, until a request fails or the process is gone.
  const client = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      // eslint-disable-next-line no-unmodified-loop-condition -- `exited` is set by the cli.exited callback while this loop awaits
      while (!exited) {
        const outcome = await tracked(cli.port, agent, { id: outcomes.length, beforeSignal: !signalled, headers: false, complete: false, body: '' })
        outcomes.push(outcome)
        if (outcome.error !== undefined || outcome.status !== 200) break
      }
    } finally {
      agent.destroy()
    }
  }
  const clients = Array.from({ length: CONCURRENCY }, client)

  const deadline = Date.now() + 30_000
  while (outcomes.filter((o) => o.status === 200 && o.complete).length < WARM_UP) {
    if (Date.now() > deadline) throw new Error(`warm-up did not reach ${WARM_UP} responses; stderr: ${cli.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  t.ok(outcomes.every((o) => o.status === 200 && o.complete), 'warm-up: every response is a complete 200')

  const inFlight = [...pending]
  signalled = true
  const signalledAt = performance.now()
  t.ok(cli.child.kill('SIGTERM'), 'SIGTERM sent')

  // A new connection once the CLI has started shutting down.
  // The server logs this right before it closes its listening socket (src/server.ts).
  await cli.waitForLog((line) => line.msg === 'no longer accepting connections', 2000).catch(() => undefined)
  const aliveAtProbe = !exited
  const probe = await tryConnect(cli.port)

  const exit = await Promise.race([
    cli.exited,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))
  ])
  await Promise.all(clients)
  if (exit === null) {
    t.fail('the CLI did not exit within 5 s of SIGTERM')
    return
  }
  const elapsed = exit.at - signalledAt
  t.comment(`exit after ${elapsed.toFixed(0)} ms; ${inFlight.length} in flight at the signal; ${outcomes.length} requests; ` +
    `probe connection ${aliveAtProbe ? 'while the process still ran' : 'after exit'}`)

  t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'exit code 0, not killed by a signal')
  t.ok(elapsed < EXIT_WITHIN_MS, `exits within ${EXIT_WITHIN_MS} ms of SIGTERM (took ${elapsed.toFixed(0)} ms)`)
  t.ok(inFlight.length > 0, 'requests were in flight when the signal was sent')
  const unfinished = inFlight.filter((o) => !(o.status === 200 && o.complete && o.error === undefined && isSessionList(o.body)))
  t.same(unfinished.map((o) => ({ status: o.status, complete: o.complete, error: o.error })), [],
    'every request in flight at the signal completed with a full 200 session list')
  t.equal(probe, 'ECONNREFUSED', 'a new connection after the shutdown started is refused')

  // Later requests (reusing a keep-alive connection after the signal) may be
  // answered, refused or reset before any byte of a response; never cut off.
  const cutOff = outcomes.filter((o) => o.headers && (!o.complete || o.error !== undefined))
  t.same(cutOff.map((o) => ({ status: o.status, error: o.error })), [], 'no response was cut off mid-way')
  const statuses = new Set(outcomes.filter((o) => o.status !== undefined).map((o) => o.status))
  t.ok([...statuses].every((s) => s === 200 || s === 503), `only 200 (or 503 while closing) answers: ${[...statuses].join(', ')}`)
  const after = outcomes.filter((o) => !o.beforeSignal)
  t.comment(`after the signal: ${after.filter((o) => o.status === 200).length} answered 200, ` +
    `${after.filter((o) => o.status === 503).length} answered 503, ` +
    `${after.filter((o) => o.status === undefined).map((o) => o.error).join(', ') || 'none'} without a response`)

  // The server's side: every request it received, it answered.
  const received = new Set(cli.logs.filter((l) => l.msg === 'incoming request').map((l) => l.reqId))
  const answered = new Set(cli.logs.filter((l) => l.msg === 'request completed').map((l) => l.reqId))
  t.ok(received.size >= WARM_UP, `the server logged the requests it received (${received.size})`)
  t.same([...received].filter((id) => !answered.has(id)), [], 'the server answered every request it received')
  t.equal(outcomes.filter((o) => o.complete).length, answered.size, 'the clients read every response the server sent')
  t.ok(cli.logs.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'), 'the CLI logged its shutdown')
})

t.test('started for real, the CLI answers List Sessions and exits 0 on SIGINT', async (t) => {
  const cli = await startCli(t, ['--seed', '7', '--api-keys', 'k'])
  const agent = new Agent({ keepAlive: false })
  t.teardown(() => agent.destroy())
  const ready = await get(cli.port, agent, { id: 0, beforeSignal: true, headers: false, complete: false, body: '' }, '/ready')
  t.same({ status: ready.status, body: JSON.parse(ready.body) as unknown }, { status: 200, body: { status: 'ready' } }, 'GET /ready')
  const list = await get(cli.port, agent, { id: 1, beforeSignal: true, headers: false, complete: false, body: '' }, `${PATH}?limit=3&sort_by=status`)
  t.equal(list.status, 200, 'List Sessions answers 200')
  const body = JSON.parse(list.body) as { data: Array<{ session_id: string }>, total: number }
  t.equal(body.data.length, 3, 'limit=3 gives 3 sessions')
  t.ok(body.total > 3, `total counts every session of the agent (${body.total})`)

  const signalledAt = performance.now()
  cli.child.kill('SIGINT')
  const exit = await cli.exited
  t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'exit code 0 on SIGINT')
  t.ok(exit.at - signalledAt < EXIT_WITHIN_MS, `exits within ${EXIT_WITHIN_MS} ms (took ${(exit.at - signalledAt).toFixed(0)} ms)`)
  t.equal(await tryConnect(cli.port), 'ECONNREFUSED', 'nothing listens afterwards')
  t.equal(cli.stderr(), '', 'nothing on stderr')
})

// Before the logs had a destination of their own (src/log/stdout-destination.ts),
// the line logged on SIGTERM failed with EPIPE and pino's exit-time flush
// retried it for ever: the process never exited.
t.test('with nobody reading its stdout any more, the CLI still answers, and exits 0 on SIGTERM', async (t) => {
  // At info, nothing is logged until the signal, whose line is the first to fail.
  const cli = await startCli(t)
  cli.child.stdout!.destroy()
  const agent = new Agent({ keepAlive: false })
  t.teardown(() => agent.destroy())
  const list = await get(cli.port, agent, { id: 0, beforeSignal: true, headers: false, complete: false, body: '' }, `${PATH}?limit=2`)
  t.equal(list.status, 200, 'List Sessions answers 200')
  t.ok(isSessionList(list.body), 'with a session list')
  cli.child.kill('SIGTERM')
  // An unref'd timer: it holds nothing up once the CLI has exited.
  const exit = await Promise.race([cli.exited, delay(10_000, null, { ref: false })])
  t.same(exit === null ? 'still running 10 s after SIGTERM' : { code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'exit code 0 on SIGTERM')
  t.equal(cli.stderr(), '', 'nothing on stderr')
})

t.test('bad configuration: one line on stderr, exit 2, nothing listening', async (t) => {
  const badFixtures = mkdtempSync(join(tmpdir(), 'meibel-mock-bad-fixtures-'))
  t.teardown(() => rmSync(badFixtures, { recursive: true, force: true }))
  writeFileSync(join(badFixtures, 'agents.json'), '[{"agent_id": "a", "agent_name": null, "agent_version": null, "generated_sessions": -1}]')
  writeFileSync(join(badFixtures, 'sessions.json'), '[]')

  const cases: Array<{ name: string, args: string[], env?: Record<string, string>, stderr: RegExp }> = [
    { name: 'an unknown flag (--bogus)', args: ['--bogus'], stderr: /^meibel-mock: Unknown option '--bogus'/ },
    // Checked when the environment layer applies it, before the --port flag replaces it.
    { name: 'a bad variable (PORT=70000)', args: [], env: { PORT: '70000' }, stderr: /^meibel-mock: invalid PORT '70000' \(environment\): expected a port from 0 to 65535$/ },
    { name: 'a negative number after a flag (--seed -1)', args: ['--seed', '-1'], stderr: /^meibel-mock: invalid --seed '-1': expected a whole number from 0 to 4294967295$/ },
    { name: 'a bad flag value (--log-level loud)', args: ['--log-level', 'loud'], stderr: /^meibel-mock: invalid --log-level 'loud': expected one of fatal, error, warn, info, debug, trace, silent$/ },
    { name: 'a missing fixtures folder', args: ['--fixtures', join(badFixtures, 'missing')], stderr: /^meibel-mock: .*agents\.json: cannot read: ENOENT$/ },
    { name: 'a fixtures folder with an invalid record', args: ['--fixtures', badFixtures], stderr: /^meibel-mock: .*agents\.json: record 0 \(agent_id "a"\): field "generated_sessions": / }
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const port = await freePort()
      const result = await runCli(t, ['--host', '127.0.0.1', '--port', String(port), ...c.args], c.env)
      t.same({ code: result.code, signal: result.signal }, { code: 2, signal: null }, 'exit code 2')
      const lines = result.stderr.split('\n')
      t.equal(lines.length, 2, 'exactly one line on stderr')
      t.equal(lines[1], '', 'the line ends with a newline')
      t.match(lines[0], c.stderr, `stderr: ${lines[0]}`)
      t.notMatch(result.stdout, /Server listening/, 'never listened')
      t.equal(await tryConnect(port), 'ECONNREFUSED', 'nothing listens on the port')
    })
  }
})
