// The dataset as the control API changes it: inserts with generated fields,
// deletes, reset to the state right after start, and reseeding. Keeps the
// current seed and, per agent, how many records the control API has drawn,
// so a sequence of calls gives the same data for the same seed.
import { ConflictError, InvalidError, NotFoundError } from '../errors.js'
import type { SessionInput } from '../schemas/admin.js'
import type { StoredSession } from '../schemas/list-sessions.js'
import { readSessionTime } from '../store/datetime.js'
import type { AgentRecord, AgentSummary, SessionsStore } from '../store/sessions-store.js'
import type { Fixtures } from './fixtures.js'
import { makeSessionGenerator, type SessionOverrides } from './generate.js'
import { ENDS_BEFORE_START, fieldMessage, recordLabel } from './record-errors.js'
import { seedStore } from './seed-store.js'

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
  // Fixtures plus sessions generated from `seed`.
  reseed: (seed: number, sessionsPerAgent?: number) => void
}

const fieldError = (where: string, field: string, message: string): InvalidError =>
  new InvalidError(fieldMessage(where, field, message))

// A session time, or an InvalidError naming the field.
const parseTime = (where: string, field: string, text: string): number => {
  const us = readSessionTime(text)
  if (typeof us !== 'number') throw fieldError(where, field, us.problem)
  return us
}

const toOverrides = (input: SessionInput, where: string): SessionOverrides => {
  const { start_time: start, end_time: end, ...rest } = input
  const given: SessionOverrides = { ...rest }
  if (start !== undefined) given.start_us = parseTime(where, 'start_time', start)
  if (end !== undefined) given.end_us = end === null ? null : parseTime(where, 'end_time', end)
  if (given.start_us !== undefined && given.end_us != null && given.end_us < given.start_us) {
    throw fieldError(where, 'end_time', ENDS_BEFORE_START)
  }
  return given
}

export const makeDataset = (store: SessionsStore, fixtures: Fixtures, startSeed: number): Dataset => {
  let seed = startSeed
  const drawn = new Map<string, number>()
  const generate = makeSessionGenerator()
  // The state right after start, for reset.
  store.takeSnapshot()

  const insertSessions = (agentId: string, inputs: readonly SessionInput[]): StoredSession[] => {
    const given = inputs.map((input, i) => toOverrides(input, recordLabel(i, input)))
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
    const records = given.map((overrides) => {
      let record = generate(seed, agent, index++, overrides)
      // A drawn id can meet one stored earlier (a --db file from another run): draw again.
      while (overrides.session_id === undefined && (taken.has(record.session_id) || store.hasSession(record.session_id))) {
        record = generate(seed, agent, index++, overrides)
      }
      taken.add(record.session_id)
      return record
    })
    const stored = store.insertSessions(agent, records)
    drawn.set(agentId, index)
    return stored
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
    },
    reseed: (newSeed, sessionsPerAgent) => {
      seedStore(store, fixtures, { seed: newSeed, sessionsPerAgent })
      seed = newSeed
      drawn.clear()
    }
  }
}
