import t from 'tap'
import fc from 'fast-check'
import { SESSION_STATUSES, type StoredSession } from '../../src/schemas/list-sessions.js'
import Database from 'better-sqlite3'
import { COUNT_SQL, FINISH_SQL, openSessionsStore, pageSql, SCHEMA_SQL, type ListQuery, type SessionRecord, type SessionsStore, type SortKey, type SortOrder } from '../../src/store/sessions-store.js'
import { formatDateTimeMicros } from '../../src/store/datetime.js'

// A dataset with many ties (few distinct start times) so tie-breaking matters.
const makeSessions = (n: number): SessionRecord[] => Array.from({ length: n }, (_, i) => ({
  agent_id: i % 7 === 0 ? 'other' : 'agent',
  session_id: `s${String((i * 7919) % 1000).padStart(3, '0')}-${i}`,
  status: SESSION_STATUSES[(i * 31) % SESSION_STATUSES.length]!,
  start_us: 1_700_000_000_000_000 + ((i * 13) % 11) * 1_000_000 + (i % 3 === 0 ? 0 : 17),
  end_us: null,
  agent_name: 'A',
  agent_version: null,
  messages_count: i,
  token_usage: i % 2 === 0 ? null : { input_tokens: i, output_tokens: 1, total_tokens: i + 1 },
  result: []
}))

// A page with its sessions parsed back from the stored JSON text.
const list = (from: SessionsStore, query: ListQuery): { data: StoredSession[], total: number } => {
  const page = from.listSessions(query)
  return { data: page.sessions.map((s) => JSON.parse(s) as StoredSession), total: page.total }
}

const sessions = makeSessions(120)
const store = openSessionsStore(':memory:')
store.replaceAll([{ agent_id: 'agent', agent_name: 'A', agent_version: null }, { agent_id: 'other', agent_name: null, agent_version: null }], sessions)
t.teardown(() => { store.close() })

// The reference order, written independently of the SQL: compare tuples.
const expectedOrder = (status: string | null, sortBy: SortKey, order: SortOrder): string[] => {
  const sign = order === 'asc' ? 1 : -1
  const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0)
  return sessions
    .filter((s) => s.agent_id === 'agent' && (status === null || s.status === status))
    .sort((a, b) => sign * ((sortBy === 'status' ? cmp(a.status, b.status) : 0) || cmp(a.start_us, b.start_us) || cmp(a.session_id, b.session_id)))
    .map((s) => s.session_id)
}

t.test('walking pages returns every matching session once, in order, with the true total', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(
    fc.option(fc.constantFrom(...SESSION_STATUSES, 'UNKNOWN'), { nil: null }),
    fc.constantFrom<SortKey>('start_time', 'status'),
    fc.constantFrom<SortOrder>('asc', 'desc'),
    fc.integer({ min: 1, max: 40 }),
    (status, sortBy, sortOrder, limit) => {
      const expected = expectedOrder(status, sortBy, sortOrder)
      const seen: string[] = []
      for (let offset = 0; offset <= expected.length; offset += limit) {
        const page = list(store, { agentId: 'agent', status, sortBy, sortOrder, offset, limit })
        if (page.total !== expected.length) return false
        seen.push(...page.data.map((s) => s.session_id))
      }
      return JSON.stringify(seen) === JSON.stringify(expected)
    }
  ), { seed: 7, numRuns: 200 }))
})

t.test('no limit returns everything from offset on; huge offsets and limits', async (t) => {
  const all = expectedOrder(null, 'start_time', 'desc')
  t.same(list(store, { agentId: 'agent', status: null, sortBy: 'start_time', sortOrder: 'desc', offset: 5, limit: null }).data.map((s) => s.session_id), all.slice(5))
  t.same(list(store, { agentId: 'agent', status: null, sortBy: 'start_time', sortOrder: 'desc', offset: 1e20, limit: null }), { data: [], total: all.length })
  t.same(list(store, { agentId: 'agent', status: null, sortBy: 'start_time', sortOrder: 'desc', offset: 0, limit: Infinity }).data.length, all.length)
  t.same(list(store, { agentId: 'nobody', status: null, sortBy: 'status', sortOrder: 'asc', offset: 0, limit: null }), { data: [], total: 0 })
})

t.test('rows come back in the contract shape', async (t) => {
  const first = sessions.find((s) => s.agent_id === 'agent' && s.token_usage !== null)!
  const page = list(store, { agentId: 'agent', status: first.status, sortBy: 'start_time', sortOrder: 'asc', offset: 0, limit: null })
  const row = page.data.find((s) => s.session_id === first.session_id)
  t.same(row, {
    session_id: first.session_id,
    status: first.status,
    start_time: formatDateTimeMicros(first.start_us),
    end_time: null,
    agent_name: 'A',
    agent_version: null,
    messages_count: first.messages_count,
    token_usage: first.token_usage,
    result: []
  })
  t.same(Object.keys(row!), ['session_id', 'status', 'start_time', 'end_time', 'agent_name', 'agent_version', 'messages_count', 'token_usage', 'result'])
})

t.test('agents with session counts', async (t) => {
  t.same(store.listAgents(), [
    { agent_id: 'agent', agent_name: 'A', agent_version: null, sessions_count: sessions.filter((s) => s.agent_id === 'agent').length },
    { agent_id: 'other', agent_name: null, agent_version: null, sessions_count: sessions.filter((s) => s.agent_id === 'other').length }
  ])
  t.equal(store.isEmpty(), false)
  t.equal(store.open, true)
})

t.test('every page query and count is served by an index, with no sort step', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => { db.close() })
  db.exec(SCHEMA_SQL)
  const plan = (sql: string): string => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...sql.split('?').slice(1).map(() => 'x'))
    .map((r) => (r as { detail: string }).detail).join('; ')
  for (const filtered of [false, true]) {
    for (const sortBy of ['start_time', 'status'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const p = plan(pageSql(filtered, sortBy, order))
        t.match(p, /USING INDEX sessions_by_agent_/, `${filtered} ${sortBy} ${order}: ${p}`)
        t.notMatch(p, /TEMP B-TREE/, `${filtered} ${sortBy} ${order}: no sort step`)
      }
    }
  }
  t.equal(plan(COUNT_SQL.all), 'SEARCH session_counts USING PRIMARY KEY (agent_id=?)', 'the total reads the agent\'s counts, not its sessions')
  t.equal(plan(COUNT_SQL.filtered), 'SEARCH session_counts USING PRIMARY KEY (agent_id=? AND status=?)', 'a filtered total reads one row')
  t.match(plan(FINISH_SQL), /USING (COVERING )?INDEX sessions_running_by_planned_end \(planned_end_us<\?\)/, 'ending what is due reads only the running sessions due')
})

t.test('dataInstant: null without a clock, else the instant the clock brought the data to', async (t) => {
  const own = openSessionsStore(':memory:')
  t.teardown(() => { own.close() })
  t.equal(own.dataInstant(), null)
  let synced = 0
  own.attachLifecycle({ sync: () => { synced++; return 42 }, render: (json) => json, changed: () => {} })
  t.equal(own.dataInstant(), 42)
  t.equal(synced, 1, 'brought to it first')
})

// The control API's changes (src/seed/dataset.ts), on a store of their own.
t.test('inserts, deletes and the snapshot of the state right after start', async (t) => {
  const own = openSessionsStore(':memory:')
  t.teardown(() => { own.close() })
  const session = (agentId: string, sessionId: string, startUs: number): SessionRecord => ({
    ...makeSessions(1)[0]!, agent_id: agentId, session_id: sessionId, start_us: startUs, end_us: startUs + 1, token_usage: { n: 1 }
  })
  own.replaceAll([{ agent_id: 'a', agent_name: 'A', agent_version: '1' }], [session('a', 's1', 1_000_000)])
  own.takeSnapshot()
  const all = (agentId: string): string =>
    JSON.stringify(list(own, { agentId, status: null, sortBy: 'start_time', sortOrder: 'asc', offset: 0, limit: null }))
  const atStart = { a: all('a'), agents: JSON.stringify(own.listAgents()) }

  t.same(own.getAgent('a'), { agent_id: 'a', agent_name: 'A', agent_version: '1' })
  t.equal(own.getAgent('b'), undefined)
  t.equal(own.hasSession('s1'), true)
  t.equal(own.hasSession('s2'), false)

  const stored = own.insertSessions({ agent_id: 'b', agent_name: 'B', agent_version: null }, [session('b', 's3', 3_000_000), session('b', 's2', 2_000_000)])
  t.same(stored.map((s) => s.session_id), ['s3', 's2'], 'answered in the given order')
  t.same(stored[0], JSON.parse(all('b')).data[1], 'in the List Sessions shape')
  t.same(own.getAgent('b'), { agent_id: 'b', agent_name: 'B', agent_version: null }, 'an unknown agent is created')
  own.insertSessions({ agent_id: 'b', agent_name: 'renamed', agent_version: null }, [session('b', 's4', 4_000_000)])
  t.equal(own.getAgent('b')!.agent_name, 'B', 'an existing agent is kept as it is')

  t.throws(() => own.insertSessions({ agent_id: 'c', agent_name: null, agent_version: null }, [session('c', 's5', 1), session('c', 's1', 2)]),
    /UNIQUE constraint failed/)
  t.equal(own.hasSession('s5'), false, 'all or nothing: the first record is not kept')
  t.equal(own.getAgent('c'), undefined, 'nor the agent')

  t.equal(own.deleteSession('b', 's1'), 0, 'another agent\'s session is not deleted')
  t.equal(own.deleteSession('b', 's2'), 1)
  t.equal(own.deleteSessions('b'), 2)
  t.equal(own.deleteSessions('b'), 0)
  t.same(own.getAgent('b'), { agent_id: 'b', agent_name: 'B', agent_version: null }, 'the agent stays')

  own.restoreSnapshot()
  t.same({ a: all('a'), agents: JSON.stringify(own.listAgents()) }, atStart, 'restored: the same bytes as at the snapshot')
  t.equal(own.getAgent('b'), undefined)
  own.replaceAll([], [])
  own.takeSnapshot()
  own.restoreSnapshot()
  t.equal(own.isEmpty(), true, 'a new snapshot replaces the old one')
})

t.test('the seeding record: written with the data, kept by inserts, restored with the snapshot', async (t) => {
  const own = openSessionsStore(':memory:')
  t.teardown(() => { own.close() })
  const agent = { agent_id: 'a', agent_name: null, agent_version: null }
  t.equal(own.seeding(), null, 'a new store: nothing recorded')
  own.replaceAll([agent], [])
  t.equal(own.seeding(), null, 'data put in without seeding records none')
  own.replaceAll([agent], [], { seed: 5, sessionsPerAgent: null })
  t.same(own.seeding(), { seed: 5, sessionsPerAgent: null })
  own.takeSnapshot()
  own.replaceAll([agent], [], { seed: 6, sessionsPerAgent: 40 })
  t.same(own.seeding(), { seed: 6, sessionsPerAgent: 40 }, 'one record, replaced')
  own.insertSessions(agent, [{ ...makeSessions(1)[0]!, agent_id: 'a', session_id: 'x' }])
  t.same(own.seeding(), { seed: 6, sessionsPerAgent: 40 }, 'inserts leave it')
  own.restoreSnapshot()
  t.same(own.seeding(), { seed: 5, sessionsPerAgent: null }, 'the snapshot\'s record')
})

// All of a stream, read in chunks of `max`.
const drain = (stream: ReturnType<SessionsStore['streamSessions']>, max: number): string[] => {
  const out: string[] = []
  for (let chunk = stream.next(max); chunk.length > 0; chunk = stream.next(max)) out.push(...chunk)
  return out
}

t.test('a stream reads the same sessions as listSessions, with their count and byte length up front', async (t) => {
  const queries: ListQuery[] = [
    { agentId: 'agent', status: null, sortBy: 'start_time', sortOrder: 'desc', offset: 0, limit: null },
    { agentId: 'agent', status: null, sortBy: 'status', sortOrder: 'asc', offset: 5, limit: null },
    { agentId: 'agent', status: 'COMPLETED', sortBy: 'start_time', sortOrder: 'asc', offset: 1, limit: 7 }
  ]
  for (const query of queries) {
    const whole = store.listSessions(query)
    const stream = store.streamSessions(query)
    t.equal(stream.total, whole.total, 'the total')
    t.equal(stream.count, whole.sessions.length, 'the count')
    t.equal(stream.bytes, whole.sessions.reduce((n, s) => n + Buffer.byteLength(s), 0), 'the UTF-8 bytes of the sessions')
    t.same(drain(stream, 4), whole.sessions, 'the same sessions in the same order')
    t.same(stream.next(4), [], 'and nothing after the end')
  }
  const past = store.streamSessions({ agentId: 'agent', status: null, sortBy: 'start_time', sortOrder: 'desc', offset: 1000, limit: null })
  t.same([past.count, past.bytes, past.next(3)], [0, 0, []], 'an offset past the end streams nothing')
  past.close()
})

t.test('a write while a stream is open: the stream keeps the data as of its start, the write succeeds', async (t) => {
  const own = openSessionsStore(':memory:')
  t.teardown(() => { own.close() })
  own.replaceAll([{ agent_id: 'agent', agent_name: 'A', agent_version: null }, { agent_id: 'other', agent_name: null, agent_version: null }], sessions)
  const query: ListQuery = { agentId: 'agent', status: null, sortBy: 'start_time', sortOrder: 'asc', offset: 0, limit: null }
  const before = own.listSessions(query).sessions
  const stream = own.streamSessions(query)
  const head = stream.next(10)
  const version = own.version()
  t.equal(own.deleteSessions('agent'), before.length, 'the write is not refused by the open read')
  t.not(own.version(), version, 'a write changes the data-as-of token')
  t.same([...head, ...drain(stream, 7)], before, 'the stream answers the data as of its start')
  t.same(own.listSessions(query).sessions, [], 'a new read sees the write')
  const closed = own.streamSessions({ ...query, agentId: 'other' })
  closed.close()
  closed.close()
  t.same(closed.next(5), [], 'a closed stream reads nothing (closing twice is harmless)')
  const open = own.streamSessions({ ...query, agentId: 'other' })
  t.equal(own.readiness(), 'ready', 'readiness, which drops the page cache, is not refused either')
  t.ok(open.next(1000).length > 0, 'and the stream still answers')
})

t.test('the data-as-of token changes with every write, and only then', async (t) => {
  const own = openSessionsStore(':memory:')
  t.teardown(() => { own.close() })
  const agent = { agent_id: 'agent', agent_name: 'A', agent_version: null }
  const seen = [own.version()]
  own.replaceAll([agent], sessions.filter((s) => s.agent_id === 'agent'))
  seen.push(own.version())
  own.takeSnapshot()
  own.listSessions({ agentId: 'agent', status: null, sortBy: 'start_time', sortOrder: 'asc', offset: 0, limit: 5 })
  t.equal(own.version(), seen.at(-1), 'reads and the snapshot leave it')
  own.insertSessions(agent, [{ ...sessions[1]!, session_id: 'new' }])
  seen.push(own.version())
  own.deleteSession('agent', 'new')
  seen.push(own.version())
  own.deleteSessions('agent')
  seen.push(own.version())
  own.restoreSnapshot()
  seen.push(own.version())
  t.equal(new Set(seen).size, seen.length, 'every write gives a new token')
})

t.test('the lifecycle\'s own writes in sync detach open streams and change the data-as-of token', async (t) => {
  const own = openSessionsStore(':memory:')
  t.teardown(() => { own.close() })
  own.replaceAll([{ agent_id: 'agent', agent_name: 'A', agent_version: null }], sessions.filter((s) => s.agent_id === 'agent'))
  let nowUs = 1
  own.attachLifecycle({ sync: () => { own.finishDue(nowUs); return nowUs }, render: (json) => json, changed: () => {} })
  const query: ListQuery = { agentId: 'agent', status: null, sortBy: 'start_time', sortOrder: 'asc', offset: 0, limit: null }
  const before = own.listSessions(query).sessions
  const version = own.version()
  t.equal(own.version(), version, 'the same instant, no write: the same token')
  const stream = own.streamSessions(query)
  const head = stream.next(3)
  nowUs = 2
  t.not(own.version(), version, 'a new instant (sync runs its UPDATE while the stream is open): a new token')
  t.same([...head, ...drain(stream, 5)], before, 'the stream still answers the data as of its start')
})
