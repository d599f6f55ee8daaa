// Puts the seeded dataset (fixtures plus generated sessions) into a store.
import type { SessionsStore } from '../store/sessions-store.js'
import { generateSessions } from './generate.js'
import { toAgentRecord, type Fixtures } from './fixtures.js'
import { planGenerated } from './lifecycle.js'

export interface SeedOptions {
  seed: number
  // Overrides each agent's generated_sessions; null or absent: the fixtures'.
  sessionsPerAgent?: number | null
}

// The store records the seed options with the data, for the next start.
export const seedStore = (store: SessionsStore, fixtures: Fixtures, { seed, sessionsPerAgent = null }: SeedOptions): void => {
  store.replaceAll(
    fixtures.agents.map(toAgentRecord),
    // The generated running sessions with their planned ends (the fixtures' stay as written).
    [...fixtures.sessions, ...planGenerated(generateSessions(fixtures.agents, seed, sessionsPerAgent ?? undefined), seed)],
    { seed, sessionsPerAgent }
  )
}
