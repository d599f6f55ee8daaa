// The seeded dataset written straight into a new database file, off the
// calling thread: the rows seedStore would put in a store for the same
// options, built by worker threads (src/seed/seed-worker.ts) so the event
// loop stays free while a large dataset (up to a million sessions) is drawn
// and written. Each agent's sessions come from a stream of their own (seed +
// agent id), so agents are drawn in parallel by GENERATORS workers; one more
// worker writes the file (src/store/bulk-load.ts).
import { existsSync, rmSync } from 'node:fs'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { loadFixtures, type FixtureAgent } from './fixtures.js'
import type { GenerateJob, WriteDone, WriteJob } from './seed-worker.js'

export interface BuildOptions {
  path: string
  fixturesDir: string
  seed: number
  // null: each fixture agent's generated_sessions.
  sessionsPerAgent: number | null
  // Synced to disk before the build resolves (a file that is to stay); a
  // file that is unlinked once open is not (src/store/bulk-load.ts).
  durable: boolean
}

// From this many sessions in all, the workers are worth it; below it,
// seedStore in the calling thread is faster. The workers' fixed cost is
// their start: each loads the seed, store and schema modules (faker,
// better-sqlite3, TypeBox, fast-json-stringify), 0.7 s for the writer alone
// and about 1.9 s for the default data (256 sessions, against 0.1 s in
// seedStore). Measured on the 2 shared cores, load average about 2.3
// (seedStore into a file, then buildSeededDatabase): 10,011 sessions 0.34-0.39 s
// against 0.69-0.75 s; 30,011 0.71-0.73 s against 0.98-1.01 s; 50,011 1.17 s
// against 1.15-1.22 s; 100,011 2.42 s against 1.78-1.80 s. Below it, seedStore
// blocks the event loop for its whole run (about 24 us a session at that
// load), which is why the workers start below their break-even; above it,
// they never block it.
export const WORKER_SEED_THRESHOLD = 30_000

// The total a seeding writes: the fixtures' sessions and the generated ones.
export const seededSessionCount = (agents: readonly FixtureAgent[], fixtureSessions: number, sessionsPerAgent: number | null): number =>
  agents.reduce((n, a) => n + (sessionsPerAgent ?? a.generated_sessions), fixtureSessions)

// Two cores here: two generators and the writer share them (three or five
// generators, one per agent at most, were no faster for a million sessions
// and each adds a young generation to the peak RSS).
const GENERATORS = 2

// A young generation of 48 MB (V8's default is a few): drawing a session
// leaves much short-lived garbage, collected far less often (1 M sessions
// took 26-27 s against 31-33 s with the default, in an early build). 96 MB
// was no faster (a million sessions, alternated four times: 9.4-9.9 s
// against 9.3-9.7 s) and each worker's young generation is resident: the
// peak RSS of the seed was 580-620 MiB against 490-530 MiB.
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 48 }

// The worker's module next to this one: .js once built, .ts when run from
// source (the tests, whose loader the workers inherit with execArgv).
const WORKER_URL = new URL(`./seed-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

// The agents with sessions to draw, spread over the generators: the largest
// first, each to the least loaded.
const assign = (agents: readonly FixtureAgent[], sessionsPerAgent: number | null): FixtureAgent[][] => {
  const countOf = (a: FixtureAgent): number => sessionsPerAgent ?? a.generated_sessions
  const drawn = agents.filter((a) => countOf(a) > 0).sort((a, b) => countOf(b) - countOf(a))
  const groups = Array.from({ length: Math.min(GENERATORS, drawn.length) }, () => ({ load: 0, agents: [] as FixtureAgent[] }))
  for (const agent of drawn) {
    const least = groups.reduce((min, g) => (g.load < min.load ? g : min))
    least.agents.push(agent)
    least.load += countOf(agent)
  }
  return groups.map((g) => g.agents)
}

// Writes the file at `path` (which must not exist) and resolves with how many
// agents and sessions it holds; rejects with an Error, leaving no file.
export const buildSeededDatabase = async ({ path, fixturesDir, seed, sessionsPerAgent, durable }: BuildOptions): Promise<WriteDone> => {
  if (existsSync(path)) throw new Error(`${path}: already exists; a seeded database is written to a new file`)
  const fixtures = loadFixtures(fixturesDir)
  const groups = assign(fixtures.agents, sessionsPerAgent)
  const channels = groups.map(() => new MessageChannel())
  const workers: Worker[] = []
  const start = (job: GenerateJob | WriteJob, transfer: MessagePort[]): Worker => {
    const worker = new Worker(WORKER_URL, { workerData: job, transferList: transfer, resourceLimits: WORKER_LIMITS })
    workers.push(worker)
    return worker
  }
  const writeJob: WriteJob = { role: 'write', ports: channels.map((c) => c.port2), path, durable, agents: fixtures.agents, sessions: fixtures.sessions, seed, sessionsPerAgent }
  try {
    const done = await new Promise<WriteDone>((resolve, reject) => {
      let result: WriteDone | null = null
      const writer = start(writeJob, writeJob.ports)
      writer.on('message', (message: WriteDone) => { result = message })
      // After its last message; an error comes before it, and rejects first.
      writer.on('exit', (code) => {
        /* c8 ignore next: an exit without a result or an error (process.exit in a worker) is never coded */
        if (result === null) reject(new Error(`the seed writer stopped (exit code ${code})`))
        resolve(result!)
      })
      writer.on('error', reject)
      groups.forEach((agents, i) => {
        const port = channels[i]!.port1
        start({ role: 'generate', port, agents, seed, sessionsPerAgent }, [port]).on('error', reject)
      })
    })
    return done
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()))
    rmSync(path, { force: true })
    rmSync(`${path}-journal`, { force: true })
    throw err
  }
}
