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
// writer inserts the other generator's: at most 2 x 32 batches in flight.
const IN_FLIGHT = 32

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

// The rows are inserted while the generators draw, each batch as it comes:
// the work overlaps with the drawing instead of following it, and no row is
// kept past its batch. Each batch is acknowledged before it is inserted, so
// the generators draw on.
const write = async ({ ports, path, durable, agents, sessions, seed, sessionsPerAgent }: WriteJob): Promise<WriteDone> => {
  const load = openBulkLoad(path)
  for (const a of agents) load.insertAgent(a.agent_id, a.agent_name, a.agent_version)
  load.insertSessions(fixtureRows(sessions))
  let count = sessions.length
  await Promise.all(ports.map(async (port) => {
    for await (const [message] of on(port, 'message') as AsyncIterableIterator<[{ values?: unknown[] }]>) {
      if (message.values === undefined) break
      count += message.values.length / SESSION_ROW_WIDTH
      port.postMessage(0)
      load.insertSessions(message.values)
    }
    port.close()
  }))
  load.insertSeeding(seed, sessionsPerAgent)
  // A session id drawn twice (a fixture's drawn again) fails the unique
  // index's build here, which rejects, and so ends the write.
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
