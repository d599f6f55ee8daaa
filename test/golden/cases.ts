// Golden cases as data: a request, then the exact status, the headers that
// matter and the body bytes the real service sends. Expected values are
// written from the fidelity document (docs/fidelity.md)
// and test/fixtures/golden, never copied from the emulator's output.
import { fileURLToPath } from 'node:url'
import {
  INVALID_API_KEY_BODY, METHOD_NOT_ALLOWED_BODY, MSG_INT_PARSING, MSG_INT_PARSING_SIZE,
  NOT_AUTHENTICATED_BODY, NOT_FOUND_BODY
} from '../../src/fastapi/errors.js'

// The dataset the golden cases are written against.
export const GOLDEN_FIXTURES = fileURLToPath(new URL('../fixtures/golden', import.meta.url))

export interface GoldenCase {
  name: string
  request: { method?: string, url: string, headers?: Record<string, string> }
  // Extra configuration for this case (e.g. accepted keys, strict mode).
  config?: { apiKeys?: string[], strict?: boolean }
  expect: { status: number, headers: Record<string, string | undefined>, body: string }
}

export const KEY = { 'meibel-api-key': 'test-key' }
const JSON_CT = 'application/json'
const len = (body: string): string => String(Buffer.byteLength(body))
const json = (status: number, body: string, extra: Record<string, string | undefined> = {}): GoldenCase['expect'] =>
  ({ status, headers: { 'content-type': JSON_CT, 'content-length': len(body), ...extra }, body })

// The sessions of test/fixtures/golden as pydantic serializes them (§9).
export const S1 = '{"session_id":"s1","status":"COMPLETED","start_time":"2026-01-02T03:04:05Z","end_time":"2026-01-02T03:05:06.120000Z","agent_name":"Agent One","agent_version":"2.0.0","messages_count":4,"token_usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15},"result":[{"type":"message","content":"done é"}]}'
export const S2 = '{"session_id":"s2","status":"RUNNING","start_time":"2026-01-03T00:00:00.000007Z","end_time":null,"agent_name":"Agent One","agent_version":"2.0.0","messages_count":0,"token_usage":null,"result":[]}'
export const S3 = '{"session_id":"s3","status":"FAILED","start_time":"2026-01-02T03:04:05Z","end_time":"2026-01-02T03:04:06Z","agent_name":"Agent One","agent_version":"1.9.9","messages_count":1,"token_usage":null,"result":[]}'
export const S4 = '{"session_id":"s4","status":"CANCELED","start_time":"2025-12-31T23:59:59.999999Z","end_time":"2026-01-01T00:00:00Z","agent_name":null,"agent_version":null,"messages_count":0,"token_usage":null,"result":[]}'
const list = (total: number, ...sessions: string[]): string => `{"data":[${sessions.join(',')}],"total":${total}}`

const intParsing = (name: string, input: string): string =>
  `{"type":"int_parsing","loc":["query","${name}"],"msg":"${MSG_INT_PARSING}","input":${JSON.stringify(input)}}`
const ge = (name: string, input: string, bound: number): string =>
  `{"type":"greater_than_equal","loc":["query","${name}"],"msg":"Input should be greater than or equal to ${bound}","input":${JSON.stringify(input)},"ctx":{"ge":${bound}}}`
const pattern = (input: string): string =>
  `{"type":"string_pattern_mismatch","loc":["query","sort_order"],"msg":"String should match pattern '^(asc|desc)$'","input":${JSON.stringify(input)},"ctx":{"pattern":"^(asc|desc)$"}}`
const detail = (...entries: string[]): string => `{"detail":[${entries.join(',')}]}`
const SESSIONS = '/v2/agents/a1/sessions'

export const GOLDEN_CASES: GoldenCase[] = [
  // §9: 200, defaults (offset 0, no limit, start_time desc; ties by session_id desc).
  { name: 'default listing', request: { url: SESSIONS, headers: KEY }, expect: json(200, list(3, S2, S3, S1)) },
  { name: 'ascending', request: { url: `${SESSIONS}?sort_order=asc`, headers: KEY }, expect: json(200, list(3, S1, S3, S2)) },
  { name: 'offset and limit', request: { url: `${SESSIONS}?offset=1&limit=1`, headers: KEY }, expect: json(200, list(3, S3)) },
  { name: 'offset past the end', request: { url: `${SESSIONS}?offset=99999999999999999999`, headers: KEY }, expect: json(200, list(3)) },
  { name: 'huge limit', request: { url: `${SESSIONS}?limit=${'9'.repeat(400)}`, headers: KEY }, expect: json(200, list(3, S2, S3, S1)) },
  { name: 'status filter', request: { url: `${SESSIONS}?status=FAILED`, headers: KEY }, expect: json(200, list(1, S3)) },
  { name: 'empty status is no filter', request: { url: `${SESSIONS}?status=`, headers: KEY }, expect: json(200, list(3, S2, S3, S1)) },
  { name: 'unknown status matches nothing', request: { url: `${SESSIONS}?status=running`, headers: KEY }, expect: json(200, list(0)) },
  { name: 'sort by status desc', request: { url: `${SESSIONS}?sort_by=status`, headers: KEY }, expect: json(200, list(3, S2, S3, S1)) },
  { name: 'sort by status asc', request: { url: `${SESSIONS}?sort_by=status&sort_order=asc`, headers: KEY }, expect: json(200, list(3, S1, S3, S2)) },
  { name: 'unknown sort_by sorts by start_time', request: { url: `${SESSIONS}?sort_by=bogus&sort_order=asc`, headers: KEY }, expect: json(200, list(3, S1, S3, S2)) },
  { name: 'unknown agent', request: { url: '/v2/agents/nobody/sessions', headers: KEY }, expect: json(200, list(0)) },
  { name: 'percent-encoded agent id', request: { url: '/v2/agents/caf%C3%A9%20agent/sessions', headers: KEY }, expect: json(200, list(1, S4)) },
  // §5 lax integers.
  { name: 'lax int forms', request: { url: `${SESSIONS}?offset=+0_1.0&limit=%201%20`, headers: KEY }, expect: json(200, list(3, S3)) },
  { name: 'unknown params and wrong case ignored', request: { url: `${SESSIONS}?Offset=abc&foo=bar`, headers: KEY }, expect: json(200, list(3, S2, S3, S1)) },
  { name: 'last duplicate wins', request: { url: `${SESSIONS}?offset=abc&offset=2`, headers: KEY }, expect: json(200, list(3, S1)) },
  // §6 422 bodies.
  { name: 'offset not an int', request: { url: `${SESSIONS}?offset=abc`, headers: KEY }, expect: json(422, detail(intParsing('offset', 'abc'))) },
  { name: 'blank offset', request: { url: `${SESSIONS}?offset=`, headers: KEY }, expect: json(422, detail(intParsing('offset', ''))) },
  { name: 'key without =', request: { url: `${SESSIONS}?limit`, headers: KEY }, expect: json(422, detail(intParsing('limit', ''))) },
  { name: 'limit=0', request: { url: `${SESSIONS}?limit=0`, headers: KEY }, expect: json(422, detail(ge('limit', '0', 1))) },
  { name: 'negative float offset', request: { url: `${SESSIONS}?offset=-1.0`, headers: KEY }, expect: json(422, detail(ge('offset', '-1.0', 0))) },
  { name: 'semicolon is not a separator', request: { url: `${SESSIONS}?offset=1;limit=0`, headers: KEY }, expect: json(422, detail(intParsing('offset', '1;limit=0'))) },
  { name: 'invalid UTF-8 becomes U+FFFD', request: { url: `${SESSIONS}?offset=%FF`, headers: KEY }, expect: json(422, detail(intParsing('offset', '\ufffd'))) },
  { name: 'malformed escape kept', request: { url: `${SESSIONS}?limit=%ZZ`, headers: KEY }, expect: json(422, detail(intParsing('limit', '%ZZ'))) },
  { name: 'size limit', request: { url: `${SESSIONS}?offset=${'1'.repeat(4301)}`, headers: KEY }, expect: json(422, detail(`{"type":"int_parsing_size","loc":["query","offset"],"msg":"${MSG_INT_PARSING_SIZE}","input":"${'1'.repeat(4301)}"}`)) },
  { name: 'blank sort_order', request: { url: `${SESSIONS}?sort_order=`, headers: KEY }, expect: json(422, detail(pattern(''))) },
  { name: 'sort_order with newline', request: { url: `${SESSIONS}?sort_order=asc%0A`, headers: KEY }, expect: json(422, detail(pattern('asc\n'))) },
  {
    name: 'every bad param in declaration order',
    request: { url: `${SESSIONS}?sort_order=ASC&limit=-5&offset=x`, headers: KEY },
    expect: json(422, detail(intParsing('offset', 'x'), ge('limit', '-5', 1), pattern('ASC')))
  },
  // §7 401: before validation, whatever the query.
  { name: 'missing key', request: { url: `${SESSIONS}?offset=abc` }, expect: json(401, NOT_AUTHENTICATED_BODY, { 'www-authenticate': 'APIKey' }) },
  { name: 'empty key', request: { url: SESSIONS, headers: { 'meibel-api-key': '' } }, expect: json(401, NOT_AUTHENTICATED_BODY, { 'www-authenticate': 'APIKey' }) },
  { name: 'blank key', request: { url: SESSIONS, headers: { 'Meibel-API-Key': ' \t ' } }, expect: json(401, NOT_AUTHENTICATED_BODY, { 'www-authenticate': 'APIKey' }) },
  { name: 'wrong key with --api-keys', config: { apiKeys: ['k1', 'k2'] }, request: { url: SESSIONS, headers: { 'meibel-api-key': 'k3' } }, expect: json(401, INVALID_API_KEY_BODY, { 'www-authenticate': 'APIKey' }) },
  { name: 'listed key with --api-keys', config: { apiKeys: ['k1', 'k2'] }, request: { url: `${SESSIONS}?status=RUNNING`, headers: { 'meibel-api-key': ' k2 ' } }, expect: json(200, list(1, S2)) },
  // §7 404 / 405 / 307: before the key.
  { name: 'unknown path', request: { url: '/v2/nope' }, expect: json(404, NOT_FOUND_BODY) },
  { name: 'root', request: { url: '/', headers: KEY }, expect: json(404, NOT_FOUND_BODY) },
  { name: 'empty agent id', request: { url: '/v2/agents//sessions', headers: KEY }, expect: json(404, NOT_FOUND_BODY) },
  { name: 'encoded slash in agent id', request: { url: '/v2/agents/a%2F1/sessions', headers: KEY }, expect: json(404, NOT_FOUND_BODY) },
  { name: 'POST', request: { method: 'POST', url: SESSIONS }, expect: json(405, METHOD_NOT_ALLOWED_BODY, { allow: 'GET' }) },
  { name: 'DELETE with key', request: { method: 'DELETE', url: SESSIONS, headers: KEY }, expect: json(405, METHOD_NOT_ALLOWED_BODY, { allow: 'GET' }) },
  { name: 'OPTIONS', request: { method: 'OPTIONS', url: SESSIONS }, expect: json(405, METHOD_NOT_ALLOWED_BODY, { allow: 'GET' }) },
  { name: 'HEAD', request: { method: 'HEAD', url: SESSIONS }, expect: { status: 405, headers: { allow: 'GET', 'content-type': JSON_CT, 'content-length': '31' }, body: '' } },
  {
    name: 'trailing slash',
    request: { url: `${SESSIONS}/?offset=1&x=a%20b`, headers: { host: 'localhost:8000' } },
    expect: { status: 307, headers: { location: 'http://localhost:8000/v2/agents/a1/sessions?offset=1&x=a%20b', 'content-length': '0', 'content-type': undefined }, body: '' }
  },
  {
    name: 'several trailing slashes, POST',
    request: { method: 'POST', url: '/v2/agents/caf%C3%A9/sessions//', headers: { host: 'example.test' } },
    expect: { status: 307, headers: { location: 'http://example.test/v2/agents/caf%C3%A9/sessions', 'content-length': '0', 'content-type': undefined }, body: '' }
  },
  {
    name: 'HEAD on a trailing slash',
    request: { method: 'HEAD', url: `${SESSIONS}/`, headers: { host: 'testserver' } },
    expect: { status: 307, headers: { location: 'http://testserver/v2/agents/a1/sessions', 'content-length': '0', 'content-type': undefined }, body: '' }
  },
  { name: 'agent id of 9,000 characters', request: { url: `/v2/agents/${'a'.repeat(9000)}/sessions`, headers: KEY }, expect: json(200, list(0)) },
  { name: 'long agent id, trailing slash', request: { url: `/v2/agents/${'a'.repeat(9000)}/sessions/`, headers: { host: 'h' } }, expect: { status: 307, headers: { location: `http://h/v2/agents/${'a'.repeat(9000)}/sessions` }, body: '' } },
  // --strict: pydantic's literal_error for typos.
  {
    name: 'strict: unknown sort_by and status',
    config: { strict: true },
    request: { url: `${SESSIONS}?sort_by=name&status=running`, headers: KEY },
    expect: json(422, detail(
      '{"type":"literal_error","loc":["query","sort_by"],"msg":"Input should be \'start_time\' or \'status\'","input":"name","ctx":{"expected":"\'start_time\' or \'status\'"}}',
      '{"type":"literal_error","loc":["query","status"],"msg":"Input should be \'RUNNING\', \'COMPLETED\', \'FAILED\', \'CANCELED\' or \'TERMINATED\'","input":"running","ctx":{"expected":"\'RUNNING\', \'COMPLETED\', \'FAILED\', \'CANCELED\' or \'TERMINATED\'"}}'
    ))
  },
  { name: 'strict: known values pass', config: { strict: true }, request: { url: `${SESSIONS}?sort_by=status&status=COMPLETED`, headers: KEY }, expect: json(200, list(1, S1)) }
]
