// The swappable store on its own: what a swap carries over (listeners,
// lifecycle hooks, the snapshot), version tokens that never repeat, streams
// of the old store ending with its data.
import t from 'tap'
import { closeSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { openSessionsStore, type ListQuery, type SessionRecord, type SessionsStore } from '../../src/store/sessions-store.js'
import { makeSwappableStore } from '../../src/store/swappable-store.js'

const session = (agentId: string, sessionId: string, startUs: number): SessionRecord => ({
  agent_id: agentId, session_id: sessionId, status: 'COMPLETED', start_us: startUs, end_us: startUs + 1, agent_name: null, agent_version: null, messages_count: 0, token_usage: null, result: []
})
const agent = (agentId: string): { agent_id: string, agent_name: null, agent_version: null } => ({ agent_id: agentId, agent_name: null, agent_version: null })
const seeded = (path: string, agentId: string, n: number): SessionsStore => {
  const store = openSessionsStore(path)
  store.replaceAll([agent(agentId)], Array.from({ length: n }, (_, i) => session(agentId, `${agentId}-${i}`, 1_000_000 * (i + 1))), { seed: n, sessionsPerAgent: null })
  return store
}
const query = (agentId: string): ListQuery => ({ agentId, status: null, sortBy: 'start_time', sortOrder: 'asc', offset: 0, limit: null })
const ids = (store: SessionsStore, agentId: string): string[] => store.listSessions(query(agentId)).sessions.map((s) => (JSON.parse(s) as { session_id: string }).session_id)

t.test('a swap serves the next store at once; tokens never repeat; the snapshot moves with it', async (t) => {
  const dir = t.testdir()
  const first = seeded(':memory:', 'a', 3)
  const store = makeSwappableStore(first)
  t.teardown(() => { store.close() })
  store.takeSnapshot()
  const tokens = new Set([store.version()])
  store.insertSessions(agent('a'), [session('a', 'later', 9_000_000)])
  tokens.add(store.version())

  // A stream opened before the swap ends with the old data.
  const stream = store.streamSessions(query('a'))
  t.same(stream.next(1).map((s) => JSON.parse(s).session_id), ['a-0'])
  const second = seeded(':memory:', 'b', 2)
  const scratch = join(dir, 'snapshot')
  store.swap(() => second, scratch)
  t.equal(store.swaps, 1)
  t.notOk(first.open, 'the old store is closed')
  t.ok(store.open)
  t.same(stream.next(10).map((s) => JSON.parse(s).session_id), ['a-1', 'a-2', 'later'], 'the stream read ahead before the close')
  t.same(stream.next(10), [])
  t.same(ids(store, 'b'), ['b-0', 'b-1'])
  t.same(ids(store, 'a'), [])
  t.same(store.seeding(), { seed: 2, sessionsPerAgent: null })
  t.notOk(tokens.has(store.version()), 'a new token, though the new store\'s own is its first')
  t.match(store.version(), /^1\//)
  t.throws(() => statSync(scratch), { code: 'ENOENT' }, 'the scratch file is gone')

  // A write after the swap is on the new store.
  store.insertSessions(agent('b'), [session('b', 'b-new', 5_000_000)])
  t.same(ids(store, 'b'), ['b-0', 'b-1', 'b-new'])

  // Reset: the state right after start, seeding included.
  store.restoreSnapshot()
  t.same(ids(store, 'a'), ['a-0', 'a-1', 'a-2'])
  t.same(ids(store, 'b'), [])
  t.same(store.seeding(), { seed: 3, sessionsPerAgent: null })
  t.same(store.listAgents().map((a) => a.agent_id), ['a'])
})

t.test('no snapshot taken: none copied', async (t) => {
  const store = makeSwappableStore(seeded(':memory:', 'a', 1))
  t.teardown(() => { store.close() })
  store.swap(() => seeded(':memory:', 'b', 1), join(t.testdir(), 'snapshot'))
  t.same(ids(store, 'b'), ['b-0'])
})

t.test('listeners and lifecycle hooks go to the next store', async (t) => {
  const dir = t.testdir()
  const store = makeSwappableStore(seeded(':memory:', 'a', 1))
  t.teardown(() => { store.close() })
  const events: string[] = []
  store.onFailure((f) => { events.push(`failure ${f.kind}`) })
  store.attachLifecycle({
    sync: () => { events.push('sync'); return 0 },
    render: (json) => json,
    changed: () => { events.push('changed') }
  })
  t.equal(store.dataInstant(), 0)
  const path = join(dir, 'next.db')
  const next = seeded(path, 'b', 400)
  next.close()
  store.swap(() => openSessionsStore(path), join(dir, 'snapshot'))
  t.same(events, ['sync', 'changed'], 'told the table changed')
  events.length = 0
  t.equal(store.dataInstant(), 0)
  t.same(events, ['sync'], 'the new store syncs through the hooks')
  t.equal(store.failure, null)

  // The new store's file damaged: its failure reaches the listener set before the swap.
  const pages = statSync(path).size / 4096
  const fd = openSync(path, 'r+')
  writeSync(fd, Buffer.alloc((pages - 2) * 4096, 0xff), 0, (pages - 2) * 4096, 2 * 4096)
  closeSync(fd)
  store.readiness()
  let thrown: unknown
  try { store.listSessions(query('b')) } catch (err) { thrown = err }
  t.match(thrown, { code: /^SQLITE_CORRUPT/, reported: true })
  t.same(events.filter((e) => e.startsWith('failure')), ['failure SQLITE_CORRUPT'])
  t.match(store.failure, { kind: 'SQLITE_CORRUPT' })
  t.equal(store.readiness(), 'unavailable')
})
