// The worker-thread build on its own: its counts, and its refusals.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildSeededDatabase } from '../../src/seed/build-seeded-database.js'
import { openSessionsStore } from '../../src/store/sessions-store.js'
import { GOLDEN_FIXTURES } from '../helper.js'

t.test('writes a seeded database and answers its counts; the worker is kept for the next build', async (t) => {
  const dir = t.testdir()
  const counts = await buildSeededDatabase({ path: join(dir, 'a.db'), fixturesDir: GOLDEN_FIXTURES, seed: 1, sessionsPerAgent: 3 })
  const store = openSessionsStore(join(dir, 'a.db'))
  const agents = store.listAgents()
  t.same(counts, { agents: agents.length, sessions: agents.reduce((sum, a) => sum + a.sessions_count, 0) })
  t.same(store.seeding(), { seed: 1, sessionsPerAgent: 3 })
  store.close()
  const [b, c] = await Promise.all([
    buildSeededDatabase({ path: join(dir, 'b.db'), fixturesDir: GOLDEN_FIXTURES, seed: 2, sessionsPerAgent: 1 }),
    buildSeededDatabase({ path: join(dir, 'c.db'), fixturesDir: GOLDEN_FIXTURES, seed: 2, sessionsPerAgent: 2 })
  ])
  t.equal(c.sessions - b.sessions, counts.agents, 'each build answered its own counts')
})

t.test('refuses a path that exists, and answers the worker\'s error', async (t) => {
  const dir = t.testdir()
  const taken = join(dir, 'taken.db')
  writeFileSync(taken, '')
  await t.rejects(buildSeededDatabase({ path: taken, fixturesDir: GOLDEN_FIXTURES, seed: 1, sessionsPerAgent: null }), { message: `${taken}: exists already` })
  await t.rejects(buildSeededDatabase({ path: join(dir, 'x.db'), fixturesDir: join(dir, 'no-such-folder'), seed: 1, sessionsPerAgent: null }), { message: /no-such-folder/ })
})
