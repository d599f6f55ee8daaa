// Helpers for tests that run the real CLI (dist/cli.js) as a child process.
// dist/ is rebuilt first when any src/ file is newer than its compiled output
// (`npm test` type-checks but does not build).
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { connect, createServer, type AddressInfo } from 'node:net'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const CLI = join(ROOT, 'dist', 'cli.js')
const SRC = join(ROOT, 'src')

const sourceFiles = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
  const path = join(dir, entry.name)
  if (entry.isDirectory()) return sourceFiles(path)
  return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
})

// True when some src/**/*.ts has no compiled .js in dist/, or a newer mtime.
const distIsStale = (): boolean => sourceFiles(SRC).some((file) => {
  const out = join(ROOT, 'dist', relative(SRC, file)).replace(/\.ts$/, '.js')
  return !existsSync(out) || statSync(out).mtimeMs < statSync(file).mtimeMs
})

// The test runner's environment without the CLI's variables. Under tap, its
// process tracking re-adds its hooks to every child; coverage is switched off
// explicitly so the compiled dist/ does not join the coverage report of src/.
export const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(NODE_V8_COVERAGE|PORT|HOST|MEIBEL_MOCK_.*)$/.test(key)) continue
    env[key] = value
  }
  return { ...env, _TAPJS_PROCESSINFO_COVERAGE_: '0', ...extra }
}

const runNode = async (args: string[]): Promise<void> => await new Promise<void>((resolve, reject) => {
  // Without coverage: the bundle step imports dist/ modules (childEnv).
  execFile(process.execPath, args, { cwd: ROOT, env: childEnv() }, (err, stdout, stderr) => {
    if (err === null) resolve()
    else reject(new Error(`building dist/ failed: ${err.message}\n${stdout}${stderr}`))
  })
})

// What `npm run build` does, only when stale: `tsc -p tsconfig.build.json`,
// then the bundle (scripts/bundle.mjs), which rewrites dist/cli.js from src/
// (tsc alone would leave an older bundle in place).
export const ensureBuilt = async (): Promise<'fresh' | 'built'> => {
  if (!distIsStale()) return 'fresh'
  await runNode([createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'])
  await runNode([join(ROOT, 'scripts', 'bundle.mjs')])
  return 'built'
}

// A port nobody listens on right now (closed again before returning).
export const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = createServer()
  server.once('error', reject)
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    server.close(() => { resolve(port) })
  })
})

// Resolves with the error code of a TCP connection attempt, or 'connected'.
export const tryConnect = (port: number): Promise<string> => new Promise((resolve) => {
  const socket = connect({ host: '127.0.0.1', port })
  socket.once('connect', () => { socket.destroy(); resolve('connected') })
  socket.once('error', (err: NodeJS.ErrnoException) => { resolve(err.code ?? err.message) })
})

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  // performance.now() when the exit was seen.
  at: number
}

export interface RunningCli {
  child: ChildProcess
  port: number
  // Every stdout line parsed as JSON (pino); lines that are not JSON are kept as { raw }.
  logs: Array<Record<string, unknown>>
  stderr: () => string
  exited: Promise<Exit>
  // Resolves with the first log line for which `match` is true (already seen or later).
  waitForLog: (match: (line: Record<string, unknown>) => boolean, timeoutMs?: number) => Promise<Record<string, unknown>>
}

const LISTENING = /^Server listening at http:\/\/127\.0\.0\.1:(\d+)$/

interface Teardown { teardown: (fn: () => void | Promise<void>) => void }

interface Watched {
  logs: Array<Record<string, unknown>>
  stdout: () => string
  stderr: () => string
  // 'exit' (for timing) and 'close' (stdout and stderr fully read).
  exited: Promise<Exit>
  closed: Promise<void>
  onLine: Set<() => void>
}

const watch = (child: ChildProcess): Watched => {
  const logs: Array<Record<string, unknown>> = []
  const onLine = new Set<() => void>()
  let stdout = ''
  let pending = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    stdout += chunk
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) {
      if (line === '') continue
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        logs.push({ raw: line })
      }
    }
    for (const fn of onLine) fn()
  })
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => { resolve({ code, signal, at: performance.now() }) })
  })
  const closed = new Promise<void>((resolve) => { child.once('close', () => { resolve() }) })
  return { logs, stdout: () => stdout, stderr: () => stderr, exited, closed, onLine }
}

// Starts `node dist/cli.js --host 127.0.0.1 --port 0 ...args` and resolves once
// it logs the address it listens on. The test's teardown kills it if it still runs.
export const startCli = async (t: Teardown, args: string[] = [], env: Record<string, string> = {}): Promise<RunningCli> => {
  const child = spawn(process.execPath, [CLI, '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe']
  })
  const { logs, stderr, exited, onLine } = watch(child)
  let done = false
  exited.then(() => { done = true })
  t.teardown(async () => {
    if (!done) {
      child.kill('SIGKILL')
      await exited
    }
  })

  const waitForLog = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const line = logs.find(match)
        if (line === undefined) return false
        cleanup()
        resolve(line)
        return true
      }
      const timer = setTimeout(() => { cleanup(); reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr()}`)) }, timeoutMs)
      const onExit = (): void => {
        if (!check()) { cleanup(); reject(new Error(`the CLI exited before the expected log line; stderr: ${stderr()}`)) }
      }
      const cleanup = (): void => { clearTimeout(timer); onLine.delete(listener); child.off('exit', onExit) }
      const listener = (): void => { check() }
      if (check()) return
      onLine.add(listener)
      child.once('exit', onExit)
    })

  const listening = await waitForLog((line) => typeof line.msg === 'string' && LISTENING.test(line.msg))
  const port = Number(LISTENING.exec(listening.msg as string)![1])
  return { child, port, logs, stderr, exited, waitForLog }
}

export interface CliResult { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

// Runs the CLI to completion (killed after timeoutMs).
export const runCli = (t: Teardown, args: string[], env: Record<string, string> = {}, timeoutMs = 10_000): Promise<CliResult> => {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  const { stdout, stderr, exited, closed } = watch(child)
  const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
  let done = false
  t.teardown(async () => {
    clearTimeout(timer)
    if (!done) { child.kill('SIGKILL'); await exited }
  })
  return Promise.all([exited, closed]).then(([{ code, signal }]) => {
    done = true
    clearTimeout(timer)
    return { code, signal, stdout: stdout(), stderr: stderr() }
  })
}
