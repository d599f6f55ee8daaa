// The one place that builds, listens and closes: the CLI (src/cli.ts) and the
// programmatic API (src/index.ts) both start the emulator through here, so a
// start-up failure means the same in both.
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

export interface StartOptions extends BuildOptions {
  // Called once the instance is built, before it listens (the CLI installs its
  // signal handlers here, so a signal during listen closes it cleanly).
  onBuilt?: (app: FastifyInstance) => void
}

export interface RunningServer {
  app: FastifyInstance
  // http://<host>:<port>, without a trailing slash.
  url: string
  // The port it listens on (the free one picked for port 0).
  port: number
  // What the start-up banner said (logged at info once listening).
  banner: Banner
  // Stops accepting connections, lets in-flight requests finish, closes the
  // database. Calling it again returns the same promise.
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

// Builds the instance from a checked config and listens on config.host and
// config.port. Rejects with a StartupError (a ListenError when listening
// failed), after closing whatever it had opened.
export const startServer = async (config: Config, { onBuilt, ...buildOptions }: StartOptions = {}): Promise<RunningServer> => {
  const app = await buildServer(config, buildOptions)
  onBuilt?.(app)
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    await app.close()
    throw new ListenError(listenFailure(config, err), { cause: err })
  }
  const { port } = app.server.address() as { port: number }
  const url = `http://${urlHost(config.host)}:${port}`
  const banner = makeBanner(url, app.startupSummary)
  app.log.info({ banner }, bannerLine(banner))
  let closed: Promise<void> | undefined
  return {
    app,
    url,
    port,
    banner,
    close: () => (closed ??= app.close())
  }
}
