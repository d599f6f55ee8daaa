// The hostile control-API bodies of issue 10, against `node dist/cli.js`:
// each is refused with a 422 naming the record and field (a 413 for a body
// over the limit), nothing of it is applied, and the process stays up.
import t from 'tap'
import { ensureBuilt, startCli } from '../test/cli/cli-process.js'
import { call } from './support.js'

t.comment(`dist/: ${await ensureBuilt()}`)

const AGENT = 'hostile-agent'
// JSON text nested `depth` levels: objects or arrays, around a number.
const nested = (depth: number, kind: 'object' | 'array'): string =>
  kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`
const session = (fields: string): string => `[{"session_id": "h1", "status": "COMPLETED"${fields}}]`

interface Hostile { name: string, path: string, body: string, status: number }

const SESSIONS = `/__admin/agents/${AGENT}/sessions`
const CASES: Hostile[] = [
  { name: 'token_usage nested 5,000 levels', path: SESSIONS, body: session(`, "token_usage": ${nested(5000, 'object')}`), status: 422 },
  { name: 'result nested 5,000 levels', path: SESSIONS, body: session(`, "result": [${nested(5000, 'array')}]`), status: 422 },
  { name: 'token_usage nested 100,000 levels', path: SESSIONS, body: session(`, "token_usage": ${nested(100_000, 'object')}`), status: 422 },
  { name: 'a fault body nested 5,000 levels', path: '/__admin/faults', body: `{"match": {}, "status": 503, "body": ${nested(5000, 'object')}}`, status: 422 },
  { name: 'messages_count 1e400 (infinity)', path: SESSIONS, body: session(', "messages_count": 1e400'), status: 422 },
  { name: '1e400 inside token_usage', path: SESSIONS, body: session(', "token_usage": {"input_tokens": 1e400}'), status: 422 },
  { name: 'messages_count 2^53 (beyond the safe integers)', path: SESSIONS, body: session(', "messages_count": 9007199254740992'), status: 422 },
  { name: 'a time offset +99:99', path: SESSIONS, body: session(', "start_time": "2026-01-01T00:00:00+99:99"'), status: 422 },
  { name: 'February 30', path: SESSIONS, body: session(', "end_time": "2026-02-30T00:00:00Z"'), status: 422 },
  { name: 'times 1e300', path: '/__admin/faults', body: '{"match": {}, "status": 503, "times": 1e300}', status: 422 },
  { name: 'delay_ms 1e400', path: '/__admin/faults', body: '{"match": {}, "delay_ms": 1e400}', status: 422 },
  { name: 'delay_ms 700,000', path: '/__admin/faults', body: '{"match": {}, "delay_ms": 700000}', status: 422 },
  { name: 'status 999', path: '/__admin/faults', body: '{"match": {}, "status": 999}', status: 422 },
  { name: 'a 2 MiB fault body (over the 1 MiB limit)', path: '/__admin/faults', body: `{"match": {}, "status": 503, "body": "${'x'.repeat(2 * 1024 * 1024)}"}`, status: 413 }
]

t.test('hostile control-API bodies: refused, nothing applied, the process up', async (t) => {
  const cli = await startCli(t)
  const agentsBefore = (await call(cli.port, 'GET', '/__admin/agents')).text
  const faultsBefore = (await call(cli.port, 'GET', '/__admin/faults')).text
  t.notMatch(agentsBefore, AGENT, 'the agent does not exist before')
  for (const c of CASES) {
    const res = await call(cli.port, 'POST', c.path, c.body)
    t.equal(res.status, c.status, `${c.name}: ${res.status} ${res.text.slice(0, 160)}`)
    t.equal(typeof (res.body as { detail?: unknown } | undefined)?.detail, 'string', `${c.name}: {"detail": "..."}`)
    t.equal((await call(cli.port, 'GET', '/__admin/agents')).text, agentsBefore, `${c.name}: no agent or session added`)
    t.equal((await call(cli.port, 'GET', '/__admin/faults')).text, faultsBefore, `${c.name}: no fault rule added`)
    t.equal((await call(cli.port, 'GET', '/health')).status, 200, `${c.name}: the process answers /health`)
  }
  t.equal(cli.child.exitCode, null, 'still running')
  t.equal(cli.stderr(), '', 'nothing on stderr')
  t.same(cli.logs.filter((line) => typeof line.level === 'number' && line.level >= 50), [], 'no error logged')
  cli.child.kill('SIGTERM')
  t.equal((await cli.exited).code, 0, 'exits 0 on SIGTERM')
})
