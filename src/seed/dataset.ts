// The dataset as the control API changes it: inserts with generated fields,
// deletes, reset to the state right after start, and reseeding. Keeps the
// current seed and, per agent, how many records the control API has drawn,
// so a sequence of calls gives the same data for the same seed.
import { ConflictError, InvalidError, NotFoundError } from '../errors.js'
import type { SessionInput } from '../schemas/admin.js'
import type { StoredSession } from '../schemas/list-sessions.js'
import { readSessionTime } from '../store/datetime.js'
import type { Seeding } from '../store/seeding.js'
import type { AgentRecord, AgentSummary, PlannedSession, SessionsStore } from '../store/sessions-store.js'
import type { Fixtures } from './fixtures.js'
import { makeSessionGenerator, type SessionOverrides } from './generate.js'
import { planInserted, storedAt, type LiveSessions, type Outcome } from './lifecycle.js'
import { ENDS_BEFORE_START, fieldMessage, recordLabel } from './record-errors.js'
import { seedStore } from './seed-store.js'
import { seededTotal } from './seeded-file.js'

export interface Dataset {
  // The seed that generated fields are drawn from.
  readonly seed: number
  listAgents: () => AgentSummary[]
  // All or nothing; an unknown agent is created.
  insertSessions: (agentId: string, inputs: readonly SessionInput[]) => StoredSession[]
  deleteSessions: (agentId: string) => number
  deleteSession: (agentId: string, sessionId: string) => void
  // Back to the state right after start (and the start seed).
  reset: () => void
  // Fixtures plus sessions generated from `seed`; resolves once the new data
  // is served. Reseeds run one after another, each in the order asked: one
  // asked while another builds waits for it.
  reseed: (seed: number, sessionsPerAgent?: number) => Promise<void>
}

// Big reseeds, built off the main thread and swapped in (src/server.ts):
// those generating more than `threshold` sessions in all.
export interface SeedApart {
  threshold: number
  build: (seeding: Seeding) => Promise<void>
}

const fieldError = (where: string, field: string, message: string): InvalidError =>
  new InvalidError(fieldMessage(where, field, message))

// A session time, or an InvalidError naming the field.
const parseTime = (where: string, field: string, text: string): number => {
  const us = readSessionTime(text)
  if (typeof us !== 'number') throw fieldError(where, field, us.problem)
  return us
}

// A running session's planned end and outcome (README "Live sessions").
interface GivenLifecycle { endsUs: number, outcome: Outcome }

const toOverrides = (input: SessionInput, where: string): SessionOverrides => {
  const { start_time: start, end_time: end, lifecycle, ...rest } = input
  const given: SessionOverrides = { ...rest }
  // With a lifecycle the session is running: RUNNING is its default status.
  if (lifecycle !== undefined) given.status ??= 'RUNNING'
  if (start !== undefined) given.start_us = parseTime(where, 'start_time', start)
  if (end !== undefined) given.end_us = end === null ? null : parseTime(where, 'end_time', end)
  if (given.start_us !== undefined && given.end_us != null && given.end_us < given.start_us) {
    throw fieldError(where, 'end_time', ENDS_BEFORE_START)
  }
  if (lifecycle !== undefined) {
    if (given.status !== 'RUNNING') throw fieldError(where, 'lifecycle', 'only a RUNNING session has one')
    if (given.end_us != null) throw fieldError(where, 'end_time', 'a session with a lifecycle is running: null or left out')
    given.end_us = null
  }
  return given
}

const toLifecycle = (input: SessionInput, where: string): GivenLifecycle | null => input.lifecycle === undefined
  ? null
  : { endsUs: parseTime(where, 'lifecycle.ends_at', input.lifecycle.ends_at), outcome: input.lifecycle.outcome }

// `live` follows the emulator clock: reset and reseed tell it, and an insert
// answers at its instant. Without `apart`, every reseed is in-process.
export const makeDataset = (store: SessionsStore, fixtures: Fixtures, startSeed: number, live: LiveSessions, apart: SeedApart | null = null): Dataset => {
  let seed = startSeed
  // The reseed running, or done: the next one starts after it.
  let reseeding: Promise<void> = Promise.resolve()
  const drawn = new Map<string, number>()
  const generate = makeSessionGenerator()
  // The state right after start, for reset.
  store.takeSnapshot()

  const insertSessions = (agentId: string, inputs: readonly SessionInput[]): StoredSession[] => {
    const given = inputs.map((input, i) => toOverrides(input, recordLabel(i, input)))
    const lifecycles = inputs.map((input, i) => toLifecycle(input, recordLabel(i, input)))
    const taken = new Set<string>()
    inputs.forEach((input, i) => {
      const id = input.session_id
      if (id === undefined) return
      if (taken.has(id)) throw fieldError(recordLabel(i, input), 'session_id', 'given twice in this request')
      if (store.hasSession(id)) throw new ConflictError(fieldMessage(recordLabel(i, input), 'session_id', 'a session with this id already exists'))
      taken.add(id)
    })
    // A new agent takes its name and version from the first record giving them.
    const agent: AgentRecord = store.getAgent(agentId) ?? {
      agent_id: agentId,
      agent_name: inputs.find((s) => s.agent_name !== undefined)?.agent_name ?? null,
      agent_version: inputs.find((s) => s.agent_version !== undefined)?.agent_version ?? null
    }
    let index = drawn.get(agentId) ?? 0
    const records = given.map((overrides, i): PlannedSession => {
      let record = generate(seed, agent, index++, overrides)
      // A drawn id can meet one stored earlier (a --db file from another run): draw again.
      while (overrides.session_id === undefined && (taken.has(record.session_id) || store.hasSession(record.session_id))) {
        record = generate(seed, agent, index++, overrides)
      }
      taken.add(record.session_id)
      const lifecycle = lifecycles[i]!
      if (lifecycle === null) return record
      if (lifecycle.endsUs < record.start_us) throw fieldError(recordLabel(i, inputs[i]), 'lifecycle.ends_at', 'must not be before start_time')
      return planInserted(seed, agentId, index - 1, record, lifecycle.endsUs, lifecycle.outcome, overrides.result !== undefined)
    })
    const stored = store.insertSessions(agent, records)
    drawn.set(agentId, index)
    // As List Sessions sends them now: one whose planned end has passed has ended.
    const nowUs = live.sync()
    return stored.map((session, i) => storedAt(records[i]!, nowUs, session))
  }

  return {
    get seed () { return seed },
    listAgents: () => store.listAgents(),
    insertSessions,
    deleteSessions: (agentId) => {
      if (store.getAgent(agentId) === undefined) throw new NotFoundError(`agent ${JSON.stringify(agentId)} not found`)
      return store.deleteSessions(agentId)
    },
    deleteSession: (agentId, sessionId) => {
      if (store.deleteSession(agentId, sessionId) === 0) {
        throw new NotFoundError(`session ${JSON.stringify(sessionId)} of agent ${JSON.stringify(agentId)} not found`)
      }
    },
    reset: () => {
      store.restoreSnapshot()
      seed = startSeed
      drawn.clear()
      live.reset(startSeed)
    },
    // While a big reseed builds, the control API's other calls (inserts,
    // deletes, reset) change the data still served, which the reseed then
    // replaces.
    reseed: async (newSeed, sessionsPerAgent) => {
      const seeding: Seeding = { seed: newSeed, sessionsPerAgent: sessionsPerAgent ?? null }
      const run = async (): Promise<void> => {
        if (apart !== null && seededTotal(fixtures, seeding.sessionsPerAgent) > apart.threshold) await apart.build(seeding)
        else seedStore(store, fixtures, seeding)
        seed = newSeed
        drawn.clear()
        live.reseeded(newSeed)
      }
      const done = reseeding.then(run)
      reseeding = done.catch(() => {})
      await done
    }
  }
}
