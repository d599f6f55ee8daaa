import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { DEFAULT_FIXTURES_DIR, DEFAULT_SEED } from '../../src/config.js'
import { defaultDataKey, preparedSessions, readDefaultData, writeDefaultData } from '../../src/seed/default-data.js'
import { loadFixtures } from '../../src/seed/fixtures.js'
import { seededSessions } from '../../src/seed/seed-store.js'

const fixtures = loadFixtures(DEFAULT_FIXTURES_DIR)
const seeding = { seed: DEFAULT_SEED, sessionsPerAgent: null }
const sessions = seededSessions(fixtures, DEFAULT_SEED, null)

t.test('the prepared sessions are the generated ones, through JSON', async (t) => {
  // What the store is given from dist/default-data.json is what seeding generates.
  t.strictSame(JSON.parse(JSON.stringify(sessions)), sessions)
  t.ok(sessions.some((s) => s.lifecycle !== undefined), 'running sessions keep their planned ends')
})

t.test('the key changes with every input', async (t) => {
  const key = defaultDataKey('g1', fixtures, seeding)
  t.equal(defaultDataKey('g1', fixtures, seeding), key)
  t.not(defaultDataKey('g2', fixtures, seeding), key, 'the generator')
  t.not(defaultDataKey('g1', fixtures, { seed: DEFAULT_SEED + 1, sessionsPerAgent: null }), key, 'the seed')
  t.not(defaultDataKey('g1', fixtures, { seed: DEFAULT_SEED, sessionsPerAgent: 112 }), key, 'the sessions per agent')
  const renamed = { ...fixtures, agents: fixtures.agents.map((a, i) => i === 0 ? { ...a, agent_name: 'Other' } : a) }
  t.not(defaultDataKey('g1', renamed, seeding), key, 'the fixtures')
})

t.test('the file is read only for its own key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meibel-mock-default-data-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'default-data.json')
  const key = defaultDataKey('g1', fixtures, seeding)
  t.equal(readDefaultData(file, key), null, 'no file')
  writeDefaultData(file, key, sessions)
  t.strictSame(readDefaultData(file, key), JSON.parse(JSON.stringify(sessions)))
  t.equal(readDefaultData(file, defaultDataKey('g2', fixtures, seeding)), null, 'another key')
  t.strictSame(preparedSessions(fixtures, seeding, 'g1', file), JSON.parse(JSON.stringify(sessions)))
  t.equal(preparedSessions(fixtures, { seed: 1, sessionsPerAgent: null }, 'g1', file), null, 'other inputs generate')
  writeFileSync(file, '{"key":')
  t.equal(readDefaultData(file, key), null, 'a broken file')
  writeFileSync(file, `{"key":"${key}","sessions":[{`)
  t.equal(readDefaultData(file, key), null, 'a broken file with the key')
  writeFileSync(file, JSON.stringify({ sessions, key }))
  t.equal(readDefaultData(file, key), null, 'a file whose key is not first (not written by writeDefaultData)')
})

t.test('without the bundle there is no prepared data', async (t) => {
  t.equal(preparedSessions(fixtures, seeding), null)
  t.equal(preparedSessions(fixtures, seeding, null), null)
})
