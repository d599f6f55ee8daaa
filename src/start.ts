// The one place that builds, listens and closes: the CLI (src/cli.ts) and the
// programmatic API (src/index.ts) both start the emulator through here, so a
// start-up failure means the same in both.
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { bannerLine, makeBanner, type Banner } from './banner.js'
import type { Config } from './config.js'
import { StartupError } from './errors.js'
import { buildServer, type BuildOptions } from './server.js'

// The port is taken or the address cannot be bound. A StartupError, so the
// programmatic API rejects with one kind of error for every start-up failure;
// its own class, so the CLI can keep exit code 1 for it (a bad option, fixture
// or keys file is exit code 2).
export class ListenError extends StartupError {
  override name = 'ListenError'
}

export interface StartOptions extends Omit<BuildOptions, 'deadline'> {
  // Called once the instance is built, before it listens, with the drain that
  // close() runs (the CLI installs its signal handlers here, so a signal
  // during listen closes it cleanly).
  onBuilt?: (app: FastifyInstance, close: () => Promise<void>) => void
}

export interface RunningServer {
  app: FastifyInstance
  // http://<host>:<port>, without a trailing slash.
  url: string
  // The port it listens on (the free one picked for port 0).
  port: number
  // What the start-up banner said (logged at info once listening).
  banner: Banner
  // The drain: stops accepting connections, closes the idle ones at once,
  // gives in-flight requests config.shutdownTimeout ms, closes the rest,
  // closes the database. Calling it again returns the same promise.
  close: () => Promise<void>
}

// A wildcard address is not one to connect to: its loopback is.
const LOOPBACK: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '::1' }

export const urlHost = (host: string): string => {
  const shown = LOOPBACK[host] ?? host
  return shown.includes(':') ? `[${shown}]` : shown
}

// The message the CLI prints (after "meibel-mock: ") for a failed listen.
export const listenFailure = (config: Config, err: unknown): string =>
  `cannot listen on ${config.host}:${config.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`

// The connection limits (README "Reliability"). Set on the server itself, not
// as Fastify options, so they hold for any server Fastify is given.
// An idle keep-alive connection closes 5 s after its last answer, as with
// uvicorn's timeout_keep_alive: Node closes it one second after the timeout it
// advertises (Keep-Alive: timeout=4), so that clients stop reusing it first.
const NODE_KEEP_ALIVE_BUFFER_MS = 1000
const KEEP_ALIVE_TIMEOUT_MS = 5000
// A request's head must arrive within 10 s of the connection (or of the last
// answer on it), the whole request within 30 s of its first byte; else Node
// answers 408 and closes the connection. Checked every second (Node's default
// is every 30 s, which would stretch the 10 s to 40).
const HEADERS_TIMEOUT_MS = 10_000
const REQUEST_TIMEOUT_MS = 30_000
const TIMEOUT_CHECK_INTERVAL_MS = 1000
// After the deadline, the answers of delays it cut short get this long to be
// written before every connection left is closed.
const DEADLINE_GRACE_MS = 200

const limitConnections = (server: Server): void => {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS - NODE_KEEP_ALIVE_BUFFER_MS
  server.headersTimeout = HEADERS_TIMEOUT_MS
  server.requestTimeout = REQUEST_TIMEOUT_MS
  // Read when the server starts listening (not in @types/node 20).
  Object.assign(server, { connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS })
}

interface Connections {
  // From now on, a connection closes as soon as it has no request in
  // progress; those with none right now close at once.
  drain: () => void
  // Closes every connection left.
  closeAll: () => void
  // Connections still open.
  size: () => number
}

// Every connection with the number of its requests in progress (received,
// not yet answered). Node's own closeIdleConnections() skips connections that
// never sent a request, or are in the middle of a head, and after close()
// Node stops checking its timeouts: a drain that trusted them could wait forever.
const trackConnections = (server: Server): Connections => {
  const inProgress = new Map<Socket, number>()
  let draining = false
  server.on('connection', (socket: Socket) => {
    inProgress.set(socket, 0)
    socket.once('close', () => { inProgress.delete(socket) })
  })
  server.on('request', (request: { socket: Socket }, response: { once: (event: 'close', fn: () => void) => void }) => {
    const { socket } = request
    inProgress.set(socket, inProgress.get(socket)! + 1)
    response.once('close', () => {
      const left = inProgress.get(socket)! - 1
      inProgress.set(socket, left)
      // end(), not destroy(): the answer just written still goes out first.
      if (draining && left === 0) socket.end()
    })
  })
  return {
    drain: () => {
      draining = true
      for (const [socket, count] of inProgress) if (count === 0) socket.destroy()
    },
    closeAll: () => { for (const socket of inProgress.keys()) socket.destroy() },
    size: () => inProgress.size
  }
}

// close() for an instance: Fastify's close (its preClose hooks, then the
// listening socket, then onClose: the database) with the connections drained
// around it, and a deadline after which pending delays are cut short
// (`deadline` aborts) and every connection left is closed.
const makeDrain = (app: FastifyInstance, timeoutMs: number, deadline: AbortController): (() => Promise<void>) => {
  const connections = trackConnections(app.server)
  // Synchronous. Fastify runs the preClose hooks (after buildServer's) and
  // then closes the listening socket through avvio's process.nextTick and
  // microtask steps, with no I/O in between, so no connection accepted in
  // between escapes the drain.
  app.addHook('preClose', (done) => {
    connections.drain()
    done()
  })
  let closed: Promise<void> | undefined
  return () => (closed ??= (async () => {
    let grace: NodeJS.Timeout | undefined
    const timer = setTimeout(() => {
      app.log.warn({ connections: connections.size() }, `shutdown deadline (${timeoutMs} ms) reached: closing the connections left`)
      deadline.abort()
      grace = setTimeout(connections.closeAll, DEADLINE_GRACE_MS)
    }, timeoutMs)
    try {
      await app.close()
    } finally {
      clearTimeout(timer)
      clearTimeout(grace)
    }
  })())
}

// Builds the instance from a checked config and listens on config.host and
// config.port. Rejects with a StartupError (a ListenError when listening
// failed), after closing whatever it had opened.
export const startServer = async (config: Config, { onBuilt, ...buildOptions }: StartOptions = {}): Promise<RunningServer> => {
  const deadline = new AbortController()
  const app = await buildServer(config, { ...buildOptions, deadline: deadline.signal })
  limitConnections(app.server)
  const close = makeDrain(app, config.shutdownTimeout, deadline)
  onBuilt?.(app, close)
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    await close()
    throw new ListenError(listenFailure(config, err), { cause: err })
  }
  const { port } = app.server.address() as { port: number }
  const url = `http://${urlHost(config.host)}:${port}`
  const banner = makeBanner(url, app.startupSummary)
  app.log.info({ banner }, bannerLine(banner))
  return {
    app,
    url,
    port,
    banner,
    close
  }
}
