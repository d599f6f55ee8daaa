// The sessions table's rows of the seeded dataset, as src/store/bulk-load.ts
// inserts them: the same rows seedStore's replaceAll writes (the store's
// sessionRow), built one agent at a time for the seed workers.
import type { SessionRecord } from '../schemas/records.js'
import { SESSION_ROW_WIDTH, sessionRow, toStoredSession, type PlannedSession } from '../store/sessions-store.js'
import type { FixtureAgent } from './fixtures.js'
import { newFastFaker } from './fast-faker.js'
import { fnv1a, makeSession } from './generate.js'
import { makePlanner } from './lifecycle.js'

// JSON.stringify writes the same bytes as serializeSession for a generated
// session: toStoredSession builds it with every field, in the schema's key
// order, of the schema's types, and the drawn strings need no escape that the
// two write differently (test/seed/build-seeded-database.test.ts compares
// the stored JSON with seedStore's). It is several times faster; the
// fixtures' sessions, of any content, keep the store's serializeSession.
const serializeGenerated = (s: SessionRecord): string => JSON.stringify(toStoredSession(s))

const pushRow = (out: unknown[], s: PlannedSession, serialize?: (s: SessionRecord) => string): void => {
  for (const value of sessionRow(s, serialize)) out.push(value)
}

// The fixtures' hand-written sessions (no lifecycle), flat.
export const fixtureRows = (sessions: readonly SessionRecord[]): unknown[] => {
  const out: unknown[] = []
  for (const s of sessions) pushRow(out, s)
  return out
}

// An agent's generated sessions with their plans, as generateSessions and
// planGenerated draw them (the agent's stream seeded once, each running
// session planned from its index), handed out `batch` rows at a time (flat).
export const generatedRows = async (agent: FixtureAgent, seed: number, count: number, batch: number,
  emit: (values: unknown[]) => Promise<void>): Promise<void> => {
  const faker = newFastFaker()
  faker.seed([seed, fnv1a(agent.agent_id)])
  const plan = makePlanner(seed)
  let out: unknown[] = []
  for (let i = 0; i < count; i++) {
    pushRow(out, plan(makeSession(faker, agent), i), serializeGenerated)
    if (out.length >= batch * SESSION_ROW_WIDTH) {
      await emit(out)
      out = []
    }
  }
  if (out.length > 0) await emit(out)
}
