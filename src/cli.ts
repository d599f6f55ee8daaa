#!/usr/bin/env node
// The only module that reads process.env and handles signals; it starts the
// emulator through src/start.ts, as the programmatic API does.
import type { FastifyInstance } from 'fastify'
import { bannerBlock } from './banner.js'
import { HELP, parseCli } from './config.js'
import { StartupError } from './errors.js'
import { ListenError, startServer } from './start.js'
import { VERSION_LINE } from './version.js'

// Bad configuration, fixtures or keys file (a StartupError): one line on stderr, exit code 2.
export const EXIT_BAD_CONFIG = 2
// The address could not be bound (a ListenError): one line on stderr, exit code 1.
export const EXIT_CANNOT_LISTEN = 1

const fail = (message: string, code: number): never => {
  process.stderr.write(`meibel-mock: ${message}\n`)
  process.exit(code)
}

// SIGINT/SIGTERM: the drain of src/start.ts (stop accepting, close idle
// connections, give in-flight requests --shutdown-timeout ms, close the rest
// and the database), then exit 0. A second signal exits at once.
const handleSignals = (app: FastifyInstance, close: () => Promise<void>): void => {
  let closing = false
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) process.exit(1)
    closing = true
    app.log.info({ signal }, 'shutting down')
    close().then(() => process.exit(0), (err: unknown) => {
      app.log.error({ err }, 'error while shutting down')
      process.exit(1)
    })
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

const main = async (): Promise<void> => {
  let parsed
  try {
    parsed = parseCli(process.argv.slice(2), process.env)
  } catch (err) {
    if (err instanceof StartupError) return fail(err.message, EXIT_BAD_CONFIG)
    throw err
  }
  if (parsed.action === 'help') { process.stdout.write(HELP); return }
  if (parsed.action === 'version') { process.stdout.write(`${VERSION_LINE}\n`); return }

  try {
    const terminal = process.stdout.isTTY === true
    // Signals are handled from the moment the instance exists, as before it listens.
    const { banner } = await startServer(parsed.config, { onBuilt: handleSignals, terminal })
    // For people at a terminal, unless the log level asks for quiet.
    if (terminal && ['info', 'debug', 'trace'].includes(parsed.config.logLevel)) process.stdout.write(bannerBlock(banner))
  } catch (err) {
    if (err instanceof ListenError) return fail(err.message, EXIT_CANNOT_LISTEN)
    if (err instanceof StartupError) return fail(err.message, EXIT_BAD_CONFIG)
    throw err
  }
}

// Not a top-level await: the bundled CLI is a CommonJS script, run from a
// code cache (scripts/bundle.mjs). An error nobody expected ends the process
// as an unhandled one would: its stack on stderr, exit code 1.
main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
