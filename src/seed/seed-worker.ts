// The worker threads of buildSeededDatabase (src/seed/build-seeded-database.ts):
// 'generate' draws some agents' sessions and posts them to the writer in
// batches; 'write' creates the file and inserts what the generators post.
// A generator keeps at most IN_FLIGHT batches unacknowledged, so a writer
// slower than it holds a few batches in memory, never the whole dataset.
import { on } from 'node:events'
import { setPriority } from 'node:os'
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import type { SessionRecord } from '../schemas/records.js'
import { openBulkLoad } from '../store/bulk-load.js'
import { SESSION_ROW_WIDTH } from '../store/sessions-store.js'
import type { FixtureAgent } from './fixtures.js'
import { fixtureRows, generatedRows } from './seed-rows.js'
import { makeSortedRun } from './sorted-run.js'

export interface GenerateJob {
  role: 'generate'
  port: MessagePort
  agents: FixtureAgent[]
  seed: number
  sessionsPerAgent: number | null
}
export interface WriteJob {
  role: 'write'
  ports: MessagePort[]
  path: string
  durable: boolean
  agents: FixtureAgent[]
  sessions: SessionRecord[]
  seed: number
  sessionsPerAgent: number | null
}
// What the writer posts when the file is complete.
export interface WriteDone { agents: number, sessions: number }

const BATCH = 1_000
// Enough batches unacknowledged that a generator keeps drawing while the
// writer inserts a run (about 100 ms), which it does before it reads the
// next batch: with 2, the generators waited 3.5-4.3 s each of a million
// sessions. So at most 2 x 32 batches in flight, and a run of SORTED_RUN rows.
const IN_FLIGHT = 32
// Rows per insert, in session_id order (src/seed/sorted-run.ts).
const SORTED_RUN = 32_768

// To the writer: { values } batches, then { end: true }; each batch acknowledged.
const generate = async ({ port, agents, seed, sessionsPerAgent }: GenerateJob): Promise<void> => {
  let inFlight = 0
  let wake: (() => void) | null = null
  port.on('message', () => {
    inFlight--
    wake?.()
    wake = null
  })
  const emit = async (values: unknown[]): Promise<void> => {
    port.postMessage({ values })
    inFlight++
    if (inFlight >= IN_FLIGHT) await new Promise<void>((resolve) => { wake = resolve })
  }
  for (const agent of agents) await generatedRows(agent, seed, sessionsPerAgent ?? agent.generated_sessions, BATCH, emit)
  port.postMessage({ end: true })
  port.close()
}

// The rows are inserted while the generators draw, SORTED_RUN at a time in
// session_id order (src/seed/sorted-run.ts): the work overlaps with the
// drawing instead of following it, and no row is kept past its run. Each
// batch is acknowledged before its run is inserted, so the generators draw on.
const write = async ({ ports, path, durable, agents, sessions, seed, sessionsPerAgent }: WriteJob): Promise<WriteDone> => {
  const load = openBulkLoad(path)
  for (const a of agents) load.insertAgent(a.agent_id, a.agent_name, a.agent_version)
  const run = makeSortedRun()
  let count = run.add(fixtureRows(sessions))
  // A failed insert (a fixture's id drawn again) rejects, and so ends the write.
  await Promise.all(ports.map(async (port) => {
    for await (const [message] of on(port, 'message') as AsyncIterableIterator<[{ values?: unknown[] }]>) {
      if (message.values === undefined) break
      count += message.values.length / SESSION_ROW_WIDTH
      port.postMessage(0)
      if (run.add(message.values) >= SORTED_RUN) load.insertSessions(run.take())
    }
    port.close()
  }))
  load.insertSessions(run.take())
  load.insertSeeding(seed, sessionsPerAgent)
  load.finish(durable)
  return { agents: agents.length, sessions: count }
}

// Thrown out of the worker as a plain Error: structured cloning keeps the
// message of Node's own error classes only (better-sqlite3's SqliteError
// would arrive as { code }).
const job = workerData as GenerateJob | WriteJob
// The lowest priority for this thread alone (on Linux a nice value is a
// thread's, and pid 0 is the calling thread): the workers keep both cores
// busy for seconds, and the server's own thread, which answers requests
// meanwhile, must get a core the moment it has work.
setPriority(19)
try {
  if (job.role === 'generate') await generate(job)
  else parentPort!.postMessage(await write(job))
} catch (err) {
  throw new Error((err as Error).message)
}
