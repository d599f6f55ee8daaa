// Puts the seeded dataset (fixtures plus generated sessions) into a store.
import type { PlannedSession, SessionsStore } from '../store/sessions-store.js'
import { preparedSessions } from './default-data.js'
import { generateSessions } from './generate.js'
import { toAgentRecord, type Fixtures } from './fixtures.js'
import { planGenerated } from './lifecycle.js'

export interface SeedOptions {
  seed: number
  // Overrides each agent's generated_sessions; null or absent: the fixtures'.
  sessionsPerAgent?: number | null
}

// The fixtures' sessions, then the generated ones, the running ones with
// their planned ends (the fixtures' stay as written).
export const seededSessions = (fixtures: Fixtures, seed: number, sessionsPerAgent: number | null): PlannedSession[] =>
  [...fixtures.sessions, ...planGenerated(generateSessions(fixtures.agents, seed, sessionsPerAgent ?? undefined), seed)]

// The store records the seed options with the data, for the next start.
// The bundled CLI's default start reads the same sessions prepared at build
// time (src/seed/default-data.ts).
export const seedStore = (store: SessionsStore, fixtures: Fixtures, { seed, sessionsPerAgent = null }: SeedOptions): void => {
  store.replaceAll(
    fixtures.agents.map(toAgentRecord),
    preparedSessions(fixtures, { seed, sessionsPerAgent }) ?? seededSessions(fixtures, seed, sessionsPerAgent),
    { seed, sessionsPerAgent }
  )
}
