// How a store's data was seeded: the seed and the generated sessions per agent
// (null: each fixture agent's generated_sessions). A module of its own, with
// no SQLite in it, so the package's type declarations (src/server.ts's
// StartupSummary) never reach better-sqlite3's types.
export interface Seeding {
  seed: number
  sessionsPerAgent: number | null
}
