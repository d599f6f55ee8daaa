import t, { type Test } from 'tap'
import { join } from 'node:path'
import { DEFAULT_FIXTURES_DIR } from '../../src/config.js'
import { StartupError } from '../../src/errors.js'
import { loadFixtures } from '../../src/seed/fixtures.js'
import { SESSION_STATUSES } from '../../src/schemas/list-sessions.js'

const AGENT = { agent_id: 'a', agent_name: 'A', agent_version: '1', generated_sessions: 0 }
const SESSION = { agent_id: 'a', session_id: 's', status: 'COMPLETED', start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-01T00:00:01Z' }

const dirWith = (t: Test, agents: unknown, sessions: unknown): string => t.testdir({
  'agents.json': typeof agents === 'string' ? agents : JSON.stringify(agents),
  'sessions.json': typeof sessions === 'string' ? sessions : JSON.stringify(sessions)
})

t.test('the shipped fixtures load: demo-agent covers every status', async (t) => {
  const { agents, sessions } = loadFixtures(DEFAULT_FIXTURES_DIR)
  const demo = agents.find((a) => a.agent_id === 'demo-agent')!
  const handWritten = sessions.filter((s) => s.agent_id === 'demo-agent')
  t.ok(demo.generated_sessions + handWritten.length >= 120, 'demo-agent has at least 120 sessions')
  t.same(new Set(handWritten.map((s) => s.status)), new Set(SESSION_STATUSES), 'hand-written sessions cover all five statuses')
  for (const s of sessions) {
    t.equal(s.end_us === null, s.status === 'RUNNING', `${s.session_id}: only RUNNING sessions have no end`)
    if (s.token_usage !== null) {
      const u = s.token_usage as { input_tokens: number, output_tokens: number, total_tokens: number }
      t.equal(u.input_tokens + u.output_tokens, u.total_tokens, `${s.session_id}: token usage adds up`)
    }
  }
})

t.test('defaults from the agent; offsets normalized to UTC microseconds', async (t) => {
  const dir = dirWith(t, [AGENT], [{ ...SESSION, start_time: '2026-01-01T02:00:00.5+02:00', end_time: null, status: 'RUNNING' }])
  t.same(loadFixtures(dir).sessions, [{
    agent_id: 'a',
    session_id: 's',
    status: 'RUNNING',
    start_us: Date.UTC(2026, 0, 1) * 1000 + 500000,
    end_us: null,
    agent_name: 'A',
    agent_version: '1',
    messages_count: 0,
    token_usage: null,
    result: []
  }])
})

t.test('a record that does not fit names file, record and field', async (t) => {
  const cases: Array<[string, unknown, unknown, RegExp]> = [
    ['missing agents file', undefined, [], /agents\.json: cannot read: ENOENT$/],
    ['bad JSON', '[', [], /agents\.json: not valid JSON: /],
    ['not an array', { a: 1 }, [], /agents\.json: expected a JSON array of records$/],
    ['agent field', [{ ...AGENT, generated_sessions: -1 }], [], /agents\.json: record 0 \(agent_id "a"\): field "generated_sessions": /],
    ['agent id with slash', [{ ...AGENT, agent_id: 'a/b' }], [], /record 0 \(agent_id "a\/b"\): field "agent_id": /],
    ['extra agent field', [{ ...AGENT, colour: 'red' }], [], /agents\.json: record 0 \(agent_id "a"\): field "colour": /],
    ['record not an object', [AGENT], [SESSION, 5], /sessions\.json: record 1: field "\(record\)": /],
    ['duplicate agent', [AGENT, AGENT], [], /agents\.json: record 1 \(agent_id "a"\): field "agent_id": duplicate agent_id$/],
    ['bad status', [AGENT], [{ ...SESSION, status: 'DONE' }], /sessions\.json: record 0 \(session_id "s"\): field "status": /],
    ['unknown agent', [AGENT], [{ ...SESSION, agent_id: 'zz' }], /sessions\.json: record 0 \(session_id "s"\): field "agent_id": unknown agent "zz"/],
    ['duplicate session', [AGENT], [SESSION, SESSION], /sessions\.json: record 1 \(session_id "s"\): field "session_id": duplicate session_id$/],
    ['bad start', [AGENT], [{ ...SESSION, start_time: '2026-13-01T00:00:00Z' }], /record 0 \(session_id "s"\): field "start_time": expected an RFC 3339 date-time/],
    ['bad end', [AGENT], [{ ...SESSION, end_time: 'soon' }], /record 0 \(session_id "s"\): field "end_time": expected an RFC 3339 date-time/],
    ['start too far from 1970', [AGENT], [{ ...SESSION, start_time: '9999-01-01T00:00:00.000001Z' }], /record 0 \(session_id "s"\): field "start_time": too far from 1970 to keep microseconds exact$/],
    ['ends before start', [AGENT], [{ ...SESSION, end_time: '2025-12-31T23:59:59Z' }], /field "end_time": ends before it starts$/],
    ['nested field', [AGENT], [{ ...SESSION, result: [1] }], /field "result\.0": /],
    // §15: JSON's \ud800 escape gives a string the real service could not send.
    ['lone surrogate', [AGENT], '[{"agent_id":"a","session_id":"s","status":"COMPLETED","start_time":"2026-01-01T00:00:00Z","end_time":null,"agent_name":"x\\ud800"}]', /sessions\.json: record 0 \(session_id "s"\): field "agent_name": a string with a lone surrogate \(\\ud800-\\udfff\), which has no UTF-8 form$/],
    ['lone surrogate in an agent', [{ ...AGENT, agent_name: '\udc00' }], [], /agents\.json: record 0 \(agent_id "a"\): field "agent_name": a string with a lone surrogate/]
  ]
  for (const [name, agents, sessions, message] of cases) {
    const dir = agents === undefined ? t.testdir({ 'sessions.json': '[]' }) : dirWith(t, agents, sessions)
    t.throws(() => loadFixtures(dir), message, name)
    try { loadFixtures(dir) } catch (err) {
      t.type(err, StartupError, `${name}: a StartupError`)
      t.notMatch((err as Error).message, /\n/, `${name}: one line`)
      t.ok((err as Error).message.startsWith(join(dir, '')), `${name}: names the file`)
    }
  }
})

t.test('a union says what it allows, not "expected union value"', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['status', { status: 'DONE' }, 'field "status": expected one of "RUNNING", "COMPLETED", "FAILED", "CANCELED", "TERMINATED"'],
    ['nullable string', { end_time: 5 }, 'field "end_time": expected string or null'],
    ['empty end', { end_time: '' }, 'field "end_time": expected string length greater or equal to 1'],
    ['nullable name', { agent_name: 1 }, 'field "agent_name": expected string or null'],
    ['free-form object or null', { token_usage: [] }, 'field "token_usage": expected object or null'],
    ['free-form object', { result: [{ any: 'thing' }, 1] }, 'field "result.1": expected object']
  ]
  for (const [name, fields, message] of cases) {
    const dir = dirWith(t, [AGENT], [{ ...SESSION, ...fields }])
    t.throws(() => loadFixtures(dir), { message: `${join(dir, 'sessions.json')}: record 0 (session_id "s"): ${message}` }, name)
  }
  const kept = dirWith(t, [AGENT], [{ ...SESSION, token_usage: { a: { b: [1] } }, result: [{ x: 1, y: null }] }])
  t.match(loadFixtures(kept).sessions[0], { token_usage: { a: { b: [1] } }, result: [{ x: 1, y: null }] }, 'free-form objects keep every property')
})
