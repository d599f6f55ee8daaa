// --api-keys-file: keys scoped to agents.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadApiKeysFile, parseApiKeysFile } from '../../src/auth/api-keys-file.js'
import { INVALID_API_KEY_BODY } from '../../src/fastapi/errors.js'
import { StartupError } from '../../src/errors.js'
import { GOLDEN_FIXTURES, S1, S2, S3, S4, build, call, listSessions } from '../helper.js'

const dir = mkdtempSync(join(tmpdir(), 'meibel-mock-keys-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const keysFile = (content: string): string => {
  const file = join(dir, `keys-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, content)
  return file
}

t.test('the file maps keys to the agents they own, or "*"', async (t) => {
  const scopes = parseApiKeysFile('{"key-a": ["agent-1", "agent-2"], "key-admin": "*", "key-none": []}', 'keys.json')
  t.same([...scopes.keys()], ['key-a', 'key-admin', 'key-none'])
  t.same([...scopes.get('key-a')!], ['agent-1', 'agent-2'])
  t.equal(scopes.get('key-admin'), null, '"*": every agent')
  t.same([...scopes.get('key-none')!], [])
})

t.test('a bad file: one line naming the file, the key and what is wrong', async (t) => {
  const cases: Array<[string, string]> = [
    ['{', 'keys.json: not valid JSON: '],
    ['["k"]', 'keys.json: expected a JSON object mapping each API key to a list of agent ids or "*", got an array'],
    ['null', 'keys.json: expected a JSON object mapping each API key to a list of agent ids or "*", got null'],
    ['"k"', 'keys.json: expected a JSON object mapping each API key to a list of agent ids or "*", got a string'],
    ['{}', 'keys.json: no keys (every request would get a 401)'],
    ['{"": "*"}', 'keys.json: key "": a key must be non-empty, without spaces or tabs around it'],
    ['{" k": "*"}', 'keys.json: key " k": a key must be non-empty, without spaces or tabs around it'],
    ['{"k": "all"}', 'keys.json: key "k": expected a list of agent ids or "*", got a string'],
    ['{"k": {"a": 1}}', 'keys.json: key "k": expected a list of agent ids or "*", got an object'],
    ['{"k": ["a", 2]}', 'keys.json: key "k": agent 1: expected an agent id (a string), got a number'],
    ['{"k": [""]}', 'keys.json: key "k": agent 0: an empty agent id'],
    ['{"k": ["*"]}', 'keys.json: key "k": agent 0: write "*" instead of ["*"] for all agents']
  ]
  for (const [text, message] of cases) {
    try {
      parseApiKeysFile(text, 'keys.json')
      t.fail(`accepted ${text}`)
    } catch (err) {
      t.type(err, StartupError, text)
      t.ok((err as Error).message.startsWith(message), `${text}: ${(err as Error).message}`)
      t.notMatch((err as Error).message, /\n/, 'one line')
    }
  }
  t.equal(parseApiKeysFile('{"k": "*", "x": ["a"]}', 'f').size, 2)
  t.same([...parseApiKeysFile('{"a b": "*"}', 'f').keys()], ['a b'], 'inner spaces are fine')
})

t.test('an unreadable file stops startup, like a bad fixture', async (t) => {
  const missing = join(dir, 'missing.json')
  t.throws(() => loadApiKeysFile(missing), { name: 'StartupError', message: new RegExp(`^${missing}: cannot read: ENOENT`) })
  await t.rejects(build(t, { fixturesDir: GOLDEN_FIXTURES, apiKeysFile: keysFile('{"k": 1}') }), { name: 'StartupError', message: /key "k": expected a list/ })
})

t.test('scoped keys against the emulated API', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES, apiKeysFile: keysFile('{"key-a": ["a1"], "key-cafe": ["café agent", "nobody"], "key-admin": "*"}') })
  const key = (k: string): Record<string, string> => ({ 'meibel-api-key': k })
  const EMPTY = '{"data":[],"total":0}'
  t.equal((await listSessions(app, 'a1', '', key('key-a'))).body, `{"data":[${S2},${S3},${S1}],"total":3}`, 'an owned agent')
  t.equal((await listSessions(app, 'café agent', '', key('key-cafe'))).body, `{"data":[${S4}],"total":1}`)
  t.equal((await listSessions(app, 'a1', '', key('key-admin'))).json.total, 3, '"*" owns every agent')
  t.equal((await listSessions(app, 'café agent', '', key('key-admin'))).json.total, 1)

  // Another tenant's agent: exactly what an unknown agent gets.
  for (const query of ['', 'status=RUNNING', 'offset=1&limit=1', 'sort_by=status']) {
    const other = await listSessions(app, 'a1', query, key('key-cafe'))
    const unknown = await listSessions(app, 'no-such-agent', query, key('key-admin'))
    t.same([other.status, other.body, other.headers['content-type'], other.headers['content-length']],
      [unknown.status, unknown.body, unknown.headers['content-type'], unknown.headers['content-length']], `?${query}`)
    t.equal(other.body, EMPTY)
  }
  const invalid = await listSessions(app, 'a1', 'limit=0', key('key-cafe'))
  t.equal(invalid.status, 422, 'validation still answers first, as for an unknown agent')
  t.equal((await listSessions(app, 'nobody', '', key('key-cafe'))).body, EMPTY, 'an owned agent without sessions')

  const wrong = await listSessions(app, 'a1', '', key('key-b'))
  t.same([wrong.status, wrong.body, wrong.headers['www-authenticate']], [401, INVALID_API_KEY_BODY, 'APIKey'], 'a key not in the file')
  t.equal((await listSessions(app, 'a1', '', {})).body, '{"detail":"Not authenticated"}')

  const journal = (await call(app, 'GET', '/__admin/requests?agent_id=a1')).json.data
  t.ok(journal.some((e: any) => e.status === 200 && e.query.status === 'RUNNING'), 'the journal still records the request')
  t.ok(journal.every((e: any) => e.headers['meibel-api-key'] === '***' || e.headers['meibel-api-key'] === undefined), 'keys masked')
})
