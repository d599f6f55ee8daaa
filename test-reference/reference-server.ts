// Starts the FastAPI reference (reference/app.py) under uvicorn with h11 on a
// free 127.0.0.1 port, in its own process group, and stops that group.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { sendRaw } from './raw-http.js'

const REFERENCE_DIR = fileURLToPath(new URL('../reference/', import.meta.url))
const REFERENCE_PYTHON = fileURLToPath(new URL('../reference/.venv/bin/python', import.meta.url))

export interface ReferenceServer {
  readonly port: number
  readonly pid: number
  // uvicorn's stderr so far (for error messages).
  log: () => string
  stop: () => Promise<void>
}

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = createServer()
  server.unref()
  server.on('error', reject)
  server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
    const address = server.address()
    server.close(() => {
      if (address === null || typeof address === 'string') reject(new Error('no port'))
      else resolve(address.port)
    })
  })
})

// `python -m uvicorn`, plus a watchdog thread: if this test process dies
// without running its teardown (SIGKILL, a crash), uvicorn is re-parented
// and exits by itself.
const WATCHED_UVICORN = `
import os, sys, threading, time
parent = os.getppid()
def watch():
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)
threading.Thread(target=watch, daemon=True).start()
import uvicorn
sys.argv = ["uvicorn", *sys.argv[1:]]
uvicorn.main()
`

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

// Kills the whole process group (uvicorn and anything it forked).
const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null

const startOnce = async (port: number, readyTimeoutMs: number): Promise<ReferenceServer> => {
  const child = spawn(REFERENCE_PYTHON, [
    '-c', WATCHED_UVICORN, 'app:app',
    '--app-dir', REFERENCE_DIR,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--http', 'h11',
    '--no-server-header',
    '--no-access-log',
    '--log-level', 'warning',
    '--workers', '1'
  ], {
    cwd: REFERENCE_DIR,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' }
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (s: string) => { stderr = (stderr + s).slice(-20_000) })
  // Safety net: no uvicorn outlives this test process, even on a crash.
  const onExit = (): void => killGroup(child, 'SIGKILL')
  process.once('exit', onExit)

  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit)
    if (exited(child)) return
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    killGroup(child, 'SIGTERM')
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000)
    await done
    clearTimeout(timer)
  }

  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (exited(child)) {
      await stop()
      throw new Error(`uvicorn exited (${child.exitCode ?? child.signalCode}) before answering:\n${stderr}`)
    }
    try {
      const res = await sendRaw(port, { method: 'GET', target: '/__judge/ready', headers: [['Host', `127.0.0.1:${port}`]] }, 2_000)
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`uvicorn did not answer within ${readyTimeoutMs} ms:\n${stderr}`)
    }
    await sleep(100)
  }
  return { port, pid: child.pid!, log: () => stderr, stop }
}

export const startReference = async (readyTimeoutMs = 60_000): Promise<ReferenceServer> => {
  if (!existsSync(REFERENCE_PYTHON)) {
    throw new Error(`${REFERENCE_PYTHON} is missing: run \`bash reference/setup-venv.sh\` (npm run test:reference does)`)
  }
  let lastError: unknown
  // The free port could be taken between the probe and uvicorn's bind: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort(), readyTimeoutMs)
    } catch (err) {
      lastError = err
    }
  }
  throw lastError
}
