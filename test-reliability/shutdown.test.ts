// SIGTERM always ends: with a client holding a connection that never sends a
// request, one sending its head slowly, one sending its body slowly, and one
// waiting on a long Prefer: delay, `node dist/cli.js` exits 0 within the
// drain deadline (--shutdown-timeout) plus 1 s, each time.
import t, { type Test } from 'tap'
import { connect, type Socket } from 'node:net'
import { ensureBuilt, startCli, tryConnect, type RunningCli } from '../test/cli/cli-process.js'
import { sleep } from './support.js'

t.comment(`dist/: ${await ensureBuilt()}`)

const DEADLINE_MS = 2000

interface Client { socket: Socket, received: () => string }

const client = async (port: number, first: string): Promise<Client> => {
  const socket = connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  let received = ''
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => { received += chunk })
  socket.on('error', () => undefined)
  if (first !== '') socket.write(first)
  return { socket, received: () => received }
}

// Keeps writing one byte a second, as a slow client does, until the socket closes.
const trickle = (socket: Socket, byte: string): void => {
  const timer = setInterval(() => { if (!socket.destroyed) socket.write(byte) }, 1000)
  socket.once('close', () => { clearInterval(timer) })
}

interface Case {
  name: string
  // Opens the connection(s) the shutdown has to deal with.
  open: (port: number) => Promise<Client[]>
  // What each client should have received by the end (a regexp over the raw bytes).
  expect?: RegExp
}

const CASES: Case[] = [
  { name: 'an idle connection that never sent a request', open: async (port) => [await client(port, '')] },
  { name: 'an idle keep-alive connection after an answer', open: async (port) => [await client(port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n')], expect: /^HTTP\/1\.1 200 OK\r\n/ },
  {
    name: 'a slow header (one byte a second)',
    open: async (port) => {
      const c = await client(port, 'GET /v2/agents/demo-agent/sessions HTTP/1.1\r\nHost: x\r\nX-Slow: ')
      trickle(c.socket, 'a')
      return [c]
    }
  },
  {
    name: 'a slow body to the control API (one byte a second)',
    open: async (port) => {
      const c = await client(port, 'POST /__admin/seed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"seed": 1')
      trickle(c.socket, ' ')
      return [c]
    }
  },
  {
    name: 'a request waiting on Prefer: delay=60000',
    open: async (port) => [await client(port, 'GET /v2/agents/demo-agent/sessions?limit=1 HTTP/1.1\r\nHost: x\r\nMeibel-API-Key: k\r\nPrefer: delay=60000\r\n\r\n')],
    // Cut short at the deadline and answered, with Connection: close.
    expect: /^HTTP\/1\.1 200 OK\r\n(.*\r\n)*connection: close\r\n/i
  }
]

const stopWithin = async (t: Test, cli: RunningCli, clients: Client[], boundMs: number): Promise<void> => {
  const signalledAt = performance.now()
  t.ok(cli.child.kill('SIGTERM'), `SIGTERM sent to PID ${cli.child.pid}`)
  await cli.waitForLog((line) => line.msg === 'no longer accepting connections', boundMs).catch(() => undefined)
  const probe = await tryConnect(cli.port)
  const exit = await Promise.race([cli.exited, sleep(boundMs + 5000).then(() => null)])
  if (exit === null) {
    t.fail(`still running ${boundMs + 5000} ms after SIGTERM`)
    return
  }
  const elapsed = exit.at - signalledAt
  t.comment(`exit ${exit.code} after ${elapsed.toFixed(0)} ms (bound ${boundMs} ms)`)
  t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'exit code 0')
  t.ok(elapsed < boundMs, `exits within ${boundMs} ms of SIGTERM (took ${elapsed.toFixed(0)} ms)`)
  t.equal(probe, 'ECONNREFUSED', 'a new connection after the shutdown began is refused')
  for (const c of clients) c.socket.destroy()
}

for (const c of CASES) {
  t.test(`SIGTERM with ${c.name}: exit 0 within the deadline (${DEADLINE_MS} ms) + 1 s`, async (t) => {
    const cli = await startCli(t, ['--shutdown-timeout', String(DEADLINE_MS), '--api-keys', 'k'])
    const clients = await c.open(cli.port)
    // Let the server read what was sent (and the slow clients send a byte or two).
    await sleep(1500)
    await stopWithin(t, cli, clients, DEADLINE_MS + 1000)
    if (c.expect !== undefined) for (const client of clients) t.match(client.received(), c.expect, 'the client got its answer')
    t.equal(cli.stderr(), '', 'nothing on stderr')
  })
}

t.test('SIGTERM with all of them at once and the default deadline (5 s): exit 0 within 6 s', async (t) => {
  const cli = await startCli(t, ['--api-keys', 'k'])
  const clients = (await Promise.all(CASES.map((c) => c.open(cli.port)))).flat()
  await sleep(1500)
  await stopWithin(t, cli, clients, 6000)
  t.ok(cli.logs.some((line) => typeof line.msg === 'string' && line.msg.startsWith('shutdown deadline (5000 ms) reached')), 'the deadline was logged')
})
