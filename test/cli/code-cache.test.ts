// The bundled CLI (dist/cli.js running dist/cli.cjs) as a user starts it,
// with no V8 flags and no NODE_OPTIONS: V8 takes the code cache the build
// wrote (scripts/bundle.mjs), and the answers are the ones buildServer gives.
// (The other CLI tests run it under tap's NODE_OPTIONS, without the cache.)
import t, { type Test } from 'tap'
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, KEY } from '../helper.js'
import { childEnv, CLI, ensureBuilt, freePort, ROOT } from './cli-process.js'

const get = async (port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers })
  return { status: res.status, body: await res.text() }
}

// dist/cli.js with an IPC channel (scripts/cli-entry.mjs answers on it),
// started as a user starts it (no V8 flags, no NODE_OPTIONS) unless told
// otherwise; killed at the end of the test.
const forkCli = async (t: Test, execArgv: string[] = [], nodeOptions?: string): Promise<{ child: ChildProcess, port: number }> => {
  const env = childEnv()
  if (nodeOptions === undefined) delete env.NODE_OPTIONS
  else env.NODE_OPTIONS = nodeOptions
  const port = await freePort()
  const child = fork(CLI, ['--host', '127.0.0.1', '--port', String(port), '--log-level', 'silent'], { cwd: ROOT, env, execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.teardown(async () => {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL')
    await exited
  })
  return { child, port }
}

// The entry's answer to { [key]: 'status' }.
const ask = (child: ChildProcess, key: 'meibelMockCodeCache' | 'meibelMockHeap'): Promise<unknown> => new Promise((resolve) => {
  child.on('message', (m: Record<string, unknown>) => { if (m[key] !== undefined) resolve(m[key]) })
  child.send({ [key]: 'status' })
})

t.test('started as a user starts it, the CLI runs from its code cache and answers as buildServer does', async (t) => {
  await ensureBuilt()
  t.ok(existsSync(join(ROOT, 'dist', 'cli.cjs.cache')), 'the build wrote the cache')
  const bundle = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8')
  t.notOk(bundle.startsWith('#!'), 'the bundle has no hashbang (it runs inside a function)')
  t.notOk(/[\u0080-\uffff]/.test(bundle), 'the bundle is ASCII (dist/cli.js reads it as latin1)')

  const { child, port } = await forkCli(t)
  t.equal(await ask(child, 'meibelMockCodeCache'), 'used', 'V8 took the cache')

  let health = { status: 0, body: '' }
  for (let i = 0; i < 500 && health.status !== 200; i++) {
    health = await get(port, '/health').catch(() => ({ status: 0, body: '' }))
    if (health.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(health.status, 200, 'it listens')

  const app = await build(t)
  for (const [path, headers] of [
    ['/v2/agents/demo-agent/sessions?limit=3&status=COMPLETED', KEY],
    ['/v2/agents/demo-agent/sessions?limit=x', KEY],
    ['/v2/agents/demo-agent/sessions', {}],
    ['/openapi.json', {}]
  ] as const) {
    const expected = await app.inject({ method: 'GET', url: path, headers })
    const got = await get(port, path, headers)
    t.same(got, { status: expected.statusCode, body: expected.body }, `${path}: the same answer`)
  }
})

// scripts/cli-entry.mjs: V8's old generation grows to twice what was live
// and the young one stays as the start left it, unless the user gave heap
// flags of their own.
const heapStatus = async (t: Test, execArgv: string[], nodeOptions?: string): Promise<unknown> =>
  await ask((await forkCli(t, execArgv, nodeOptions)).child, 'meibelMockHeap')

t.test('the CLI sets the heap\'s growth unless the user chose heap flags', async (t) => {
  await ensureBuilt()
  const ours = { 'heap-growing-percent': 20, 'semi-space-growth-factor': 1, youngSemiSpace: 2 * 1024 * 1024 }
  t.same(await heapStatus(t, []), ours, 'a plain start: 1.2 times what was live, and no larger young generation')
  t.same(await heapStatus(t, ['--max-old-space-size=512']), null, 'a heap flag on the command line: V8 as the user set it')
  t.same(await heapStatus(t, [], '--max-semi-space-size=8'), null, 'a heap flag in NODE_OPTIONS: V8 as the user set it')
  t.same(await heapStatus(t, ['--semi_space_growth_factor=3']), null, 'spelled with underscores too')
  t.same(await heapStatus(t, ['--stack-size=984']), ours, 'another V8 flag changes nothing')
})
