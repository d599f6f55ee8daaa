// The worker threads of buildSeededDatabase (src/seed/build-seeded-database.ts):
// 'generate' draws some agents' sessions and posts them to the writer in
// batches; 'write' creates the file and inserts what the generators post.
// A generator keeps at most IN_FLIGHT batches unacknowledged, so a writer
// slower than it holds a few batches in memory, never the whole dataset.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import type { SessionRecord } from '../schemas/records.js'
import { openBulkLoad } from '../store/bulk-load.js'
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
  agents: FixtureAgent[]
  sessions: SessionRecord[]
  seed: number
  sessionsPerAgent: number | null
}
// What the writer posts when the file is complete.
export interface WriteDone { agents: number, sessions: number }

const BATCH = 2_000
const IN_FLIGHT = 4

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

const write = async ({ ports, path, agents, sessions, seed, sessionsPerAgent }: WriteJob): Promise<WriteDone> => {
  const load = openBulkLoad(path)
  for (const a of agents) load.insertAgent(a.agent_id, a.agent_name, a.agent_version)
  load.insertSessions(fixtureRows(sessions))
  let count = sessions.length
  await Promise.all(ports.map((port) => new Promise<void>((resolve) => {
    port.on('message', (message: { values?: unknown[] }) => {
      if (message.values === undefined) {
        port.close()
        resolve()
        return
      }
      load.insertSessions(message.values)
      count += message.values.length / 10
      port.postMessage(0)
    })
  })))
  load.insertSeeding(seed, sessionsPerAgent)
  load.finish()
  return { agents: agents.length, sessions: count }
}

const job = workerData as GenerateJob | WriteJob
if (job.role === 'generate') await generate(job)
else parentPort!.postMessage(await write(job))
