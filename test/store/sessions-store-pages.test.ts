// Deep pages from checkpoints and totals from the trigger-kept counts answer
// exactly what the plain queries answer: count(*) and ORDER BY ... LIMIT ?
// OFFSET ? over the same rows, kept here (REFERENCE_*) and run on a model of
// the table that every write is applied to as well.
import t from 'tap'
import fc from 'fast-check'
import Database from 'better-sqlite3'
import { SESSION_STATUSES } from '../../src/schemas/list-sessions.js'
import { serializeSession } from '../../src/schemas/serialize.js'
import { CHECKPOINT_SPACING, firstKeySql, nextKeySql, openSessionsStore, type CheckpointSpacing, pageSql, toStoredSession, type ListQuery, type PlannedSession, type SessionRecord, type SessionsStore, type SortKey, type SortOrder } from '../../src/store/sessions-store.js'
import { SCHEMA_SQL } from '../../src/store/database.js'

// The reference: what List Sessions answered before checkpoints and counts.
const REFERENCE_ORDER: Record<SortKey, Record<SortOrder, string>> = {
  start_time: { asc: 'start_us ASC, session_id ASC', desc: 'start_us DESC, session_id DESC' },
  status: { asc: 'status ASC, start_us ASC, session_id ASC', desc: 'status DESC, start_us DESC, session_id DESC' }
}
const REFERENCE_COUNT = 'SELECT count(*) FROM model WHERE agent_id = ? AND (? IS NULL OR status = ?)'
const referencePage = (sortBy: SortKey, sortOrder: SortOrder): string =>
  `SELECT json, iif(status = 'RUNNING', plan, NULL) FROM model WHERE agent_id = ? AND (? IS NULL OR status = ?) ORDER BY ${REFERENCE_ORDER[sortBy][sortOrder]} LIMIT ? OFFSET ?`

interface Row {
  session_id: string
  agent_id: string
  status: string
  start_us: number
  json: string
  planned_end_us: number | null
  planned_status: string | null
  other_json: string | null
  plan: string | null
  spawn_index: number | null
}
const COLUMNS = ['session_id', 'agent_id', 'status', 'start_us', 'json', 'planned_end_us', 'planned_status', 'other_json', 'plan', 'spawn_index'] as const

const reference = new Database(':memory:')
t.teardown(() => { reference.close() })
reference.exec(`CREATE TABLE model (${COLUMNS.join(', ')})`)
const clearModel = reference.prepare('DELETE FROM model')
const insertModel = reference.prepare(`INSERT INTO model VALUES (${COLUMNS.map(() => '?').join(', ')})`)
const loadModel = reference.transaction((rows: Iterable<Row>) => {
  clearModel.run()
  for (const row of rows) insertModel.run(...COLUMNS.map((c) => row[c]))
})
const referenceCount = reference.prepare(REFERENCE_COUNT).pluck()
const referencePages = {
  start_time: { asc: reference.prepare(referencePage('start_time', 'asc')).raw(), desc: reference.prepare(referencePage('start_time', 'desc')).raw() },
  status: { asc: reference.prepare(referencePage('status', 'asc')).raw(), desc: reference.prepare(referencePage('status', 'desc')).raw() }
}

// A running session with a plan is rendered at read time: any function of
// the row and the instant does.
const NOW = 123
const render = (json: string, plan: string, nowUs: number): string => `${json.slice(0, -1)},"plan":"${plan}@${nowUs}"}`

const referenceList = (q: ListQuery): { sessions: string[], total: number } => {
  const total = referenceCount.get(q.agentId, q.status, q.status) as number
  // SQLite's LIMIT takes -1 for none; offsets past 2^53 are past every end.
  const offset = Math.min(q.offset, total)
  const rows = referencePages[q.sortBy][q.sortOrder].all(q.agentId, q.status, q.status, q.limit === null ? -1 : Math.min(q.limit, total), offset) as Array<[string, string | null]>
  return { sessions: rows.map(([json, plan]) => plan === null ? json : render(json, plan, NOW)), total }
}

// A small deterministic generator, so one fast-check integer is a dataset.
const random = (seed: number): () => number => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const AGENTS = ['a', 'b', 'c']
const record = (agentId: string, sessionId: string, status: string, startUs: number, endUs: number | null): SessionRecord => ({
  agent_id: agentId,
  session_id: sessionId,
  status: status as SessionRecord['status'],
  start_us: startUs,
  end_us: endUs,
  agent_name: null,
  agent_version: null,
  messages_count: startUs % 5,
  token_usage: null,
  result: []
})
const json = (s: SessionRecord): string => serializeSession(toStoredSession(s))

// Sessions of an agent: few distinct start times (ties), mostly COMPLETED so
// filtered orders get past a checkpoint too, some running with a plan.
let serial = 0
const makeSessions = (next: () => number, agentId: string, n: number, spawned = false): PlannedSession[] => Array.from({ length: n }, (_, i) => {
  const id = `${agentId}-${String(Math.floor(next() * 1000)).padStart(3, '0')}-${serial++}`
  const startUs = Math.floor(next() * 400)
  const pick = next()
  const status = pick < 0.55 ? 'COMPLETED' : SESSION_STATUSES[Math.floor(next() * SESSION_STATUSES.length)]!
  const planned = status === 'RUNNING' && pick > 0.7
  const base: PlannedSession = record(agentId, id, status, startUs, status === 'RUNNING' ? null : startUs + 1)
  if (planned) {
    base.lifecycle = { final: record(agentId, id, next() < 0.5 ? 'COMPLETED' : 'FAILED', startUs, startUs + 1 + Math.floor(next() * 100)), plan: `p${i}` }
  }
  if (spawned) base.spawn_index = i
  return base
})
const rowOf = (s: PlannedSession): Row => ({
  session_id: s.session_id,
  agent_id: s.agent_id,
  status: s.status,
  start_us: s.start_us,
  json: json(s),
  planned_end_us: s.lifecycle?.final.end_us ?? null,
  planned_status: s.lifecycle?.final.status ?? null,
  other_json: s.lifecycle === undefined ? null : json(s.lifecycle.final),
  plan: s.lifecycle?.plan ?? null,
  spawn_index: s.spawn_index ?? null
})
const swapped = (r: Row, status: string): Row => ({ ...r, status, json: r.other_json!, other_json: r.json })

// One agent past several blocks of checkpoints, one past about one, one small.
const dataset = (seed: number, span: number): PlannedSession[] => {
  const next = random(seed)
  return [
    ...makeSessions(next, 'a', Math.floor(next() * 2.5 * span)),
    ...makeSessions(next, 'b', Math.floor(next() * 1.2 * span)),
    ...makeSessions(next, 'c', Math.floor(next() * 10))
  ]
}

type Op =
  | { kind: 'read', query: ListQuery, chunk: number }
  | { kind: 'insert', agent: number, n: number, seed: number }
  | { kind: 'spawn', agent: number, n: number, seed: number }
  | { kind: 'deleteOne', agent: number, pick: number }
  | { kind: 'deleteAgent', agent: number }
  | { kind: 'finishDue', nowUs: number }
  | { kind: 'rewindTo', nowUs: number }
  | { kind: 'replaceAll', seed: number }
  | { kind: 'snapshot' }
  | { kind: 'restore' }

const queryArb = ({ every, block }: CheckpointSpacing, span: number): fc.Arbitrary<ListQuery> => fc.record({
  agentId: fc.constantFrom('a', 'a', 'a', 'b', 'c', 'nobody'),
  status: fc.option(fc.constantFrom('COMPLETED', 'COMPLETED', ...SESSION_STATUSES, 'UNKNOWN'), { nil: null, freq: 2 }),
  sortBy: fc.constantFrom<SortKey>('start_time', 'status'),
  sortOrder: fc.constantFrom<SortOrder>('asc', 'desc'),
  offset: fc.oneof(fc.integer({ min: 0, max: Math.ceil(2.5 * span) }), fc.constantFrom(every - 1, every, every + 1, every * block - 1, every * block, every * block + 1, 1e20)),
  limit: fc.option(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: span })), { nil: null })
})
const agentArb = fc.integer({ min: 0, max: AGENTS.length - 1 })
const opArb = (spacing: CheckpointSpacing, span: number): fc.Arbitrary<Op> => fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('read' as const), query: queryArb(spacing, span), chunk: fc.integer({ min: 1, max: 300 }) }) },
  fc.record({ kind: fc.constant('insert' as const), agent: agentArb, n: fc.integer({ min: 1, max: 40 }), seed: fc.integer() }),
  fc.record({ kind: fc.constant('spawn' as const), agent: agentArb, n: fc.integer({ min: 1, max: 10 }), seed: fc.integer() }),
  fc.record({ kind: fc.constant('deleteOne' as const), agent: agentArb, pick: fc.nat() }),
  fc.record({ kind: fc.constant('deleteAgent' as const), agent: agentArb }),
  fc.record({ kind: fc.constant('finishDue' as const), nowUs: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ kind: fc.constant('rewindTo' as const), nowUs: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ kind: fc.constant('replaceAll' as const), seed: fc.integer() }),
  fc.constant({ kind: 'snapshot' as const }),
  fc.constant({ kind: 'restore' as const })
)

const drain = (stream: ReturnType<SessionsStore['streamSessions']>, max: number): string[] => {
  const out: string[] = []
  for (let chunk = stream.next(max); chunk.length > 0; chunk = stream.next(max)) out.push(...chunk)
  return out
}

// The default spacing on datasets past a few blocks, and a small spacing
// that puts many blocks (and their ends) in a small dataset.
// [spacing, the scale of the datasets, runs]
const SPACINGS: Array<[CheckpointSpacing, number, number]> = [[CHECKPOINT_SPACING, 1024, 12], [{ every: 4, block: 3 }, 120, 60], [{ every: 1, block: 2 }, 30, 20]]
for (const [spacing, span, numRuns] of SPACINGS) {
  t.test(`pages, streams and totals answer what the plain count(*) and LIMIT OFFSET queries answer, across every kind of write (checkpoints every ${spacing.every}, blocks of ${spacing.block})`, async (t) => {
    let failures = 0
    const fail = (what: string, detail: unknown): false => {
      if (failures++ < 3) t.fail(what, { detail })
      return false
    }
    t.doesNotThrow(() => fc.assert(fc.property(fc.integer(), fc.array(opArb(spacing, span), { minLength: 1, maxLength: 14 }), (seed, ops) => {
      const store = openSessionsStore(':memory:', {}, spacing)
      try {
        store.attachLifecycle({ sync: () => NOW, render, changed: () => {} })
        const agents = AGENTS.map((agentId) => ({ agent_id: agentId, agent_name: null, agent_version: null }))
        let model = new Map<string, Row>()
        const replace = (s: number): void => {
          const sessions = dataset(s, span)
          store.replaceAll(agents, sessions)
          model = new Map(sessions.map((x) => [x.session_id, rowOf(x)]))
        }
        replace(seed)
        let snapshot: Map<string, Row> | null = null
        // After every write: each total (every status and none) as count(*) counts it.
        const countsHold = (): boolean => {
          loadModel(model.values())
          const listed = store.listAgents().map((a) => [a.agent_id, a.sessions_count])
          const counted = AGENTS.map((a) => [a, referenceCount.get(a, null, null)])
          if (JSON.stringify(listed) !== JSON.stringify(counted)) return fail('sessions_count', { listed, counted })
          for (const agentId of AGENTS) {
            for (const status of SESSION_STATUSES) {
              const got = store.listSessions({ agentId, status, sortBy: 'start_time', sortOrder: 'asc', offset: 0, limit: 0 }).total
              if (got !== referenceCount.get(agentId, status, status)) return fail('filtered total', { agentId, status, got })
            }
          }
          return true
        }
        // The reads so far: the latest are read again after every write, so
        // an order's checkpoints are read before and after it.
        const read: Array<Extract<Op, { kind: 'read' }>> = []
        const readsHold = (reads: typeof read): boolean => {
          loadModel(model.values())
          for (const { query, chunk } of reads) {
            const expected = referenceList(query)
            const got = store.listSessions(query)
            if (JSON.stringify(got) !== JSON.stringify(expected)) return fail('listSessions', { query, got: got.sessions.length, expected: expected.sessions.length })
            const stream = store.streamSessions(query)
            const streamed = drain(stream, chunk)
            const bytes = expected.sessions.reduce((n, s) => n + Buffer.byteLength(s), 0)
            if (stream.total !== expected.total || stream.count !== expected.sessions.length || stream.bytes !== bytes ||
            JSON.stringify(streamed) !== JSON.stringify(expected.sessions)) return fail('streamSessions', { query })
          }
          return true
        }
        for (const op of ops) {
          switch (op.kind) {
            case 'read':
              read.unshift(op)
              if (!readsHold([op])) return false
              continue
            case 'insert': {
              const sessions = makeSessions(random(op.seed), AGENTS[op.agent]!, op.n)
              store.insertSessions(agents[op.agent]!, sessions)
              for (const s of sessions) model.set(s.session_id, rowOf(s))
              break
            }
            case 'spawn': {
              const sessions = makeSessions(random(op.seed), AGENTS[op.agent]!, op.n, true)
              store.insertSpawned(sessions)
              for (const s of sessions) if (!model.has(s.session_id)) model.set(s.session_id, rowOf(s))
              break
            }
            case 'deleteOne': {
              const own = [...model.values()].filter((r) => r.agent_id === AGENTS[op.agent])
              const victim = own[op.pick % Math.max(1, own.length)]
              if (victim === undefined) continue
              store.deleteSession(victim.agent_id, victim.session_id)
              model.delete(victim.session_id)
              break
            }
            case 'deleteAgent':
              store.deleteSessions(AGENTS[op.agent]!)
              for (const [id, r] of model) if (r.agent_id === AGENTS[op.agent]) model.delete(id)
              break
            case 'finishDue':
              store.finishDue(op.nowUs)
              for (const [id, r] of model) {
                if (r.status === 'RUNNING' && r.planned_end_us !== null && r.planned_end_us <= op.nowUs) model.set(id, swapped(r, r.planned_status!))
              }
              break
            case 'rewindTo':
              store.rewindTo(op.nowUs)
              for (const [id, r] of model) {
                if (r.planned_end_us !== null && r.planned_end_us > op.nowUs && r.status !== 'RUNNING') model.set(id, swapped(r, 'RUNNING'))
              }
              for (const [id, r] of model) if (r.spawn_index !== null && r.start_us > op.nowUs) model.delete(id)
              break
            case 'replaceAll':
              replace(op.seed)
              break
            case 'snapshot':
              store.takeSnapshot()
              snapshot = new Map(model)
              continue
            case 'restore':
              if (snapshot === null) continue
              store.restoreSnapshot()
              model = new Map(snapshot)
              break
          }
          if (!countsHold() || !readsHold(read.slice(0, 4))) return false
        }
        return true
      } finally {
        store.close()
      }
    }), { seed: 20261120, numRuns }))
  })
}

t.test('a page from a checkpoint and its checkpoints are read through the indexes, with no sort step', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => { db.close() })
  db.exec(SCHEMA_SQL)
  const plan = (sql: string): string => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...sql.split('?').slice(1).map(() => 'x'))
    .map((r) => (r as { detail: string }).detail).join('; ')
  const cases: Array<[boolean, SortKey, string, string]> = [
    [false, 'start_time', 'sessions_by_agent_start', 'agent_id=? AND (start_us,session_id)#(?,?)'],
    [false, 'status', 'sessions_by_agent_status_start', 'agent_id=? AND (status,start_us,session_id)#(?,?,?)'],
    [true, 'start_time', 'sessions_by_agent_status_start', 'agent_id=? AND status=? AND (start_us,session_id)#(?,?)']
  ]
  for (const [filtered, sortBy, index, range] of cases) {
    for (const [order, op] of [['asc', '>'], ['desc', '<']] as const) {
      t.equal(plan(pageSql(filtered, sortBy, order, true)), `SEARCH sessions USING INDEX ${index} (${range.replace('#', op)})`, `${String(filtered)} ${sortBy} ${order}: a range of the index, in its order`)
    }
    const c = `${plan(firstKeySql(filtered, sortBy))}; ${plan(nextKeySql(filtered, sortBy))}`
    t.equal(c, `SEARCH sessions USING COVERING INDEX ${index} (${range.replace(/ AND \(.*/, '')}); SEARCH sessions USING COVERING INDEX ${index} (${range.replace('#', '>')})`, `the checkpoints of ${String(filtered)} ${sortBy}: steps on the covering index`)
    t.notMatch(c, /TEMP B-TREE/, 'no sort step')
  }
})

t.test('a replace that fails leaves the counts and their triggers as they were', async (t) => {
  const store = openSessionsStore(':memory:')
  t.teardown(() => { store.close() })
  const agent = { agent_id: 'a', agent_name: null, agent_version: null }
  const sessions = makeSessions(random(1), 'a', 30)
  store.replaceAll([agent], sessions)
  t.throws(() => { store.replaceAll([agent], [...sessions, sessions[0]!]) }, /UNIQUE constraint failed/)
  t.same(store.listAgents().map((a) => a.sessions_count), [30], 'the counts of before')
  store.insertSessions(agent, makeSessions(random(2), 'a', 2))
  store.deleteSession('a', sessions[0]!.session_id)
  t.same(store.listAgents().map((a) => a.sessions_count), [31], 'kept by the triggers, which are back')
})
