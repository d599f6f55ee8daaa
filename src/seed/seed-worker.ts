// The worker threads of buildSeededDatabase (src/seed/build-seeded-database.ts):
// 'generate' draws some agents' sessions and posts them to the writer in
// batches; 'write' creates the file and inserts what the generators post.
// A generator keeps at most IN_FLIGHT batches unacknowledged, so a writer
// slower than it holds a few batches in memory, never the whole dataset.
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
const IN_FLIGHT = 2

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

// Each batch is inserted as it arrives, in the order drawn: the primary
// key's index then takes the generated ids (random UUIDs) all over it, but
// it fits in the page cache (src/store/bulk-load.ts), so a million rows cost
// about 1.6 s more than in session_id order, and that work overlaps with
// the drawing instead of following it, with no row kept past its batch.
const write = async ({ ports, path, durable, agents, sessions, seed, sessionsPerAgent }: WriteJob): Promise<WriteDone> => {
  const load = openBulkLoad(path)
  for (const a of agents) load.insertAgent(a.agent_id, a.agent_name, a.agent_version)
  const fixtures = fixtureRows(sessions)
  load.insertSessions(fixtures)
  let count = fixtures.length / SESSION_ROW_WIDTH
  // A failed insert (a fixture's id drawn again) rejects, out of the handler.
  await Promise.all(ports.map((port) => new Promise<void>((resolve, reject) => {
    port.on('message', (message: { values?: unknown[] }) => {
      if (message.values === undefined) {
        port.close()
        resolve()
        return
      }
      try {
        load.insertSessions(message.values)
      } catch (err) {
        reject(err)
        return
      }
      count += message.values.length / SESSION_ROW_WIDTH
      port.postMessage(0)
    })
  })))
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
