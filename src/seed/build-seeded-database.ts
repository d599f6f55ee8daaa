// A placeholder for the worker-thread build (another branch writes the real
// one, with this signature): writes a complete meibel-mock database file at
// `path` (which must not exist yet) from a worker thread, so the main
// thread's event loop keeps answering while it runs.
import { existsSync } from 'node:fs'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { openSessionsStore } from '../store/sessions-store.js'
import { loadFixtures } from './fixtures.js'
import { seedStore } from './seed-store.js'

export interface BuildSeededOptions {
  path: string
  fixturesDir: string
  seed: number
  sessionsPerAgent: number | null
}

export interface BuiltCounts {
  agents: number
  sessions: number
}

// Seeds generating more sessions than this (in all) are built off the main
// thread; smaller ones (the default ~250 sessions) are seeded in-process,
// which starts faster than a worker does.
export const WORKER_SEED_THRESHOLD = 20_000

// The worker: this module, started once with WORKER_TAG as its workerData,
// then kept for later builds (starting one costs a module graph's load,
// seconds under a TypeScript loader); unreferenced while idle, so it never
// keeps the process alive.
const WORKER_TAG = 'meibel-mock:build-seeded-database'
interface Job { id: number, options: BuildSeededOptions }
type Answer = { id: number, counts: BuiltCounts } | { id: number, error: string }

/* c8 ignore start: runs in the worker thread, whose coverage is not collected;
   test/seed/build-seeded-database.test.ts checks its answers and errors, and
   test/admin/dataset-apart.test.ts that the file holds the in-process seed's bytes */
const build = ({ path, fixturesDir, seed, sessionsPerAgent }: BuildSeededOptions): BuiltCounts => {
  const store = openSessionsStore(path)
  try {
    seedStore(store, loadFixtures(fixturesDir), { seed, sessionsPerAgent })
    const agents = store.listAgents()
    return { agents: agents.length, sessions: agents.reduce((sum, agent) => sum + agent.sessions_count, 0) }
  } finally {
    store.close()
  }
}
if (!isMainThread && workerData === WORKER_TAG) {
  parentPort!.on('message', ({ id, options }: Job) => {
    try {
      parentPort!.postMessage({ id, counts: build(options) } satisfies Answer)
    } catch (err) {
      parentPort!.postMessage({ id, error: (err as Error).message } satisfies Answer)
    }
  })
}
/* c8 ignore stop */

let worker: Worker | null = null
let jobs = 0
const pending = new Map<number, (answer: Answer) => void>()
const theWorker = (): Worker => {
  if (worker !== null) return worker
  const started = new Worker(new URL(import.meta.url), { workerData: WORKER_TAG })
  started.on('message', (answer: Answer) => {
    pending.get(answer.id)!(answer)
    pending.delete(answer.id)
    if (pending.size === 0) started.unref()
  })
  /* c8 ignore start: the worker dies only of a bug or of running out of memory */
  started.on('error', (err) => {
    for (const [id, settle] of pending) settle({ id, error: err.message })
    pending.clear()
    worker = null
  })
  /* c8 ignore stop */
  worker = started
  return started
}

export const buildSeededDatabase = async (options: BuildSeededOptions): Promise<BuiltCounts> => {
  if (existsSync(options.path)) throw new Error(`${options.path}: exists already`)
  const id = ++jobs
  const running = theWorker()
  running.ref()
  const answer = await new Promise<Answer>((resolve) => {
    pending.set(id, resolve)
    running.postMessage({ id, options } satisfies Job)
  })
  if ('error' in answer) throw new Error(answer.error)
  return answer.counts
}
