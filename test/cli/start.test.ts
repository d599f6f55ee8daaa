// The real CLI's start through src/start.ts: a port in use is exit code 1
// with one line (not 2, which is for bad configuration), and --version
// prints the package's version without starting anything.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ensureBuilt, ROOT, runCli } from './cli-process.js'

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

t.test('--version prints the version of package.json', async (t) => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  const result = await runCli(t, ['--version'], {}, TIMEOUT_MS)
  t.same({ code: result.code, stdout: result.stdout, stderr: result.stderr }, { code: 0, stdout: `${version}\n`, stderr: '' })
})
