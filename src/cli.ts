#!/usr/bin/env node
// The only module that listens, reads process.env and handles signals.
import { readFileSync } from 'node:fs'
import { HELP, parseCli } from './config.js'
import { StartupError } from './errors.js'
import { buildServer } from './server.js'

// Bad configuration, fixtures or keys file (a StartupError): one line on stderr, exit code 2.
export const EXIT_BAD_CONFIG = 2

const version = (): string =>
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

const fail = (message: string, code: number): never => {
  process.stderr.write(`meibel-mock: ${message}\n`)
  process.exit(code)
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
  if (parsed.action === 'version') { process.stdout.write(`${version()}\n`); return }
  const { config } = parsed

  let app
  try {
    app = await buildServer(config)
  } catch (err) {
    if (err instanceof StartupError) return fail(err.message, EXIT_BAD_CONFIG)
    throw err
  }

  // SIGINT/SIGTERM: stop accepting, let in-flight requests finish, close the
  // database (an onClose hook), exit 0. A second signal exits at once.
  let closing = false
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) process.exit(1)
    closing = true
    app.log.info({ signal }, 'shutting down')
    app.close().then(() => process.exit(0), (err: unknown) => {
      app.log.error({ err }, 'error while shutting down')
      process.exit(1)
    })
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    await app.close()
    return fail(`cannot listen on ${config.host}:${config.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1)
  }
}

await main()
