// The worker threads of buildSeededDatabase (src/seed/build-seeded-database.ts):
// 'generate' draws some agents' sessions and posts them to the writer in
// batches; 'write' creates the file and inserts what the generators post.
// A generator keeps at most IN_FLIGHT batches unacknowledged, so a writer
// slower than it holds a few batches in memory, never the whole dataset.
import { setPriority } from 'node:os'
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import type { SessionRecord } from '../schemas/records.js'
import { openBulkLoad, type BulkLoad } from '../store/bulk-load.js'
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

// The rows are inserted in session_id order once all are in: the primary
// key's index then grows at its end, where random ids (the generated ones
// are random UUIDs) would insert all over it, several times slower. While
// the generators draw, the writer spreads the rows over buckets by their
// ids' first two characters (order-preserving for ASCII), so what is left
// at the end is sorting small buckets.
const write = async ({ ports, path, durable, agents, sessions, seed, sessionsPerAgent }: WriteJob): Promise<WriteDone> => {
  const load = openBulkLoad(path)
  for (const a of agents) load.insertAgent(a.agent_id, a.agent_name, a.agent_version)
  const rows = makeRowBuckets()
  rows.add(fixtureRows(sessions))
  await Promise.all(ports.map((port) => new Promise<void>((resolve) => {
    port.on('message', (message: { values?: unknown[] }) => {
      if (message.values === undefined) {
        port.close()
        resolve()
        return
      }
      rows.add(message.values)
      port.postMessage(0)
    })
  })))
  const count = rows.insertInOrder(load)
  load.insertSeeding(seed, sessionsPerAgent)
  load.finish(durable)
  return { agents: agents.length, sessions: count }
}

// Rows per call of insertSessions.
const INSERT_CHUNK = 4_096
const ASCII = 128

const bucketOf = (id: string): number =>
  Math.min(id.charCodeAt(0), ASCII - 1) * ASCII + (id.length > 1 ? Math.min(id.charCodeAt(1), ASCII - 1) : 0)

// Rows (flat batches, SESSION_ROW_WIDTH values a row) kept in buckets by
// their id, then inserted in session_id order (code unit order, as SQLite's
// BINARY collation compares ASCII ids; only the order of insertion depends
// on it, never the content, so a non-ASCII id merely lands out of order).
const makeRowBuckets = (): { add: (values: unknown[]) => void, insertInOrder: (load: BulkLoad) => number } => {
  const buckets: Array<Array<[string, unknown[], number]>> = []
  let count = 0
  return {
    add: (values) => {
      for (let i = 0; i < values.length; i += SESSION_ROW_WIDTH) {
        const id = values[i] as string
        const b = bucketOf(id)
        ;(buckets[b] ??= []).push([id, values, i])
        count++
      }
    },
    insertInOrder: (load) => {
      const chunk: unknown[] = []
      for (const bucket of buckets) {
        if (bucket === undefined) continue
        bucket.sort((x, y) => (x[0] < y[0] ? -1 : 1))
        for (const [, values, at] of bucket) {
          for (let k = 0; k < SESSION_ROW_WIDTH; k++) chunk.push(values[at + k])
          if (chunk.length === INSERT_CHUNK * SESSION_ROW_WIDTH) {
            load.insertSessions(chunk)
            chunk.length = 0
          }
        }
      }
      load.insertSessions(chunk)
      return count
    }
  }
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
