// Hand-picked requests: the examples of docs/fidelity.md.
// `status` (and `bodyIncludes` where given) is what that document states; the
// suite checks it against the reference (so a broken reference shows up) and
// then compares the emulator's whole answer with the reference's.
import type { RawRequest } from './raw-http.js'
import { HOST } from './requests.js'

export interface HandPicked {
  readonly name: string
  readonly request: RawRequest
  readonly status: number
  readonly bodyIncludes?: string
}

const KEY = ['Meibel-API-Key', 'test-key'] as const
const S = '/v2/agents/demo-agent/sessions'

const get = (target: string, headers: ReadonlyArray<readonly [string, string]> = [KEY]): RawRequest =>
  ({ method: 'GET', target, headers: [['Host', HOST], ...headers] })

const digits = (n: number): string => `1${'0'.repeat(n - 1)}`

const accepted = ['1.0', '1.00', '%201%20', '+3', '%2B3', '1_000', '007', '00', '-0', '1_0.0', '0_1', '%E2%80%831', '%C2%A01', '%091', '%C2%851']
const rejected = [
  'abc', '1.5', '1.', '.0', '0x10', '0b1', '1e3', '1e0', '%2B-1', '1__0', '_1', '0_', '1.0_0', '%E2%91%A0', '%EF%BC%91', 'Infinity',
  'NaN', '-', '%2B', 'null', '%EF%BB%BF1', '%E2%80%8B1', '%E1%A0%8E1', `%20${digits(4301)}`, '1%3Blimit%3D0'
]

export const HANDPICKED: readonly HandPicked[] = [
  // §4 query parsing
  { name: '§4 `;` is not a separator', request: get(`${S}?offset=1;limit=0`), status: 422, bodyIncludes: '"input":"1;limit=0"' },
  { name: '§4 offset= is int_parsing', request: get(`${S}?offset=`), status: 422, bodyIncludes: '"type":"int_parsing"' },
  { name: '§4 key without = is ""', request: get(`${S}?offset`), status: 422, bodyIncludes: '"input":""' },
  { name: '§4 limit= is int_parsing', request: get(`${S}?limit=`), status: 422, bodyIncludes: '"loc":["query","limit"]' },
  { name: '§4 sort_order= is a pattern mismatch', request: get(`${S}?sort_order=`), status: 422, bodyIncludes: '"type":"string_pattern_mismatch"' },
  { name: '§4 status= and sort_by= are accepted', request: get(`${S}?status=&sort_by=`), status: 200 },
  { name: '§4 last duplicate wins (1, 2)', request: get(`${S}?offset=1&offset=2`), status: 200 },
  { name: '§4 last duplicate wins (abc, 2)', request: get(`${S}?offset=abc&offset=2`), status: 200 },
  { name: '§4 last duplicate wins (2, abc)', request: get(`${S}?offset=2&offset=abc`), status: 422, bodyIncludes: '"input":"abc"' },
  { name: '§4 percent-encoded names are decoded', request: get(`${S}?%6Fffset=abc`), status: 422 },
  { name: '§4 names are case-sensitive', request: get(`${S}?Offset=abc`), status: 200 },
  { name: '§4 %FF decodes to U+FFFD', request: get(`${S}?offset=%FF`), status: 422, bodyIncludes: '"input":"\uFFFD"' },
  { name: '§4 %ZZ stays literal', request: get(`${S}?offset=%ZZ`), status: 422, bodyIncludes: '"input":"%ZZ"' },
  { name: '§4 + is a space', request: get(`${S}?sort_order=+asc`), status: 422, bodyIncludes: '"input":" asc"' },
  { name: '§4 unknown params are ignored', request: get(`${S}?foo=bar&&x`), status: 200 },
  // §5 lax ints
  ...accepted.map((v): HandPicked => ({ name: `§5 offset=${v} is accepted`, request: get(`${S}?offset=${v}`), status: 200 })),
  ...rejected.map((v): HandPicked => ({ name: `§5 offset=${v.slice(0, 30)} is int_parsing`, request: get(`${S}?offset=${v}`), status: 422, bodyIncludes: '"type":"int_parsing"' })),
  { name: '§5 -1.0 fails ge, not parsing', request: get(`${S}?offset=-1.0`), status: 422, bodyIncludes: '"type":"greater_than_equal"' },
  { name: '§5 4300 digits are accepted', request: get(`${S}?offset=${digits(4300)}`), status: 200 },
  { name: '§5 4301 digits are int_parsing_size', request: get(`${S}?offset=${digits(4301)}`), status: 422, bodyIncludes: '"type":"int_parsing_size"' },
  { name: '§5 -4299 digits (4300 chars) is a ge error', request: get(`${S}?offset=-${digits(4299)}`), status: 422, bodyIncludes: '"type":"greater_than_equal"' },
  { name: '§5 limit=null', request: get(`${S}?limit=null`), status: 422, bodyIncludes: '"input":"null"' },
  { name: '§5 limit=0', request: get(`${S}?limit=0`), status: 422, bodyIncludes: '"ctx":{"ge":1}' },
  { name: '§5 limit=-5', request: get(`${S}?limit=-5`), status: 422, bodyIncludes: '"ctx":{"ge":1}' },
  { name: '§5 sort_order=asc\\n', request: get(`${S}?sort_order=asc%0A`), status: 422, bodyIncludes: '"input":"asc\\n"' },
  { name: '§5 sort_order=ASC', request: get(`${S}?sort_order=ASC`), status: 422, bodyIncludes: '"ctx":{"pattern":"^(asc|desc)$"}' },
  { name: '§5 sort_order=asc', request: get(`${S}?sort_order=asc&sort_by=status&status=COMPLETED&limit=2&offset=1`), status: 200 },
  // §6 several errors, in declaration order whatever the URL order
  {
    name: '§6 errors in declaration order',
    request: get(`${S}?status=x&sort_order=up&limit=0&offset=abc`),
    status: 422,
    bodyIncludes: '{"detail":[{"type":"int_parsing","loc":["query","offset"]'
  },
  { name: '§6 control characters are escaped', request: get(`${S}?offset=%01%1F%22%5C%08%0C%0D%09%7F%E2%80%A8`), status: 422 },
  // §7 401
  { name: '§7 no key', request: get(S, []), status: 401, bodyIncludes: '{"detail":"Not authenticated"}' },
  { name: '§7 empty key', request: get(S, [['Meibel-API-Key', '']]), status: 401 },
  { name: '§7 blank key', request: get(S, [['Meibel-API-Key', ' \t ']]), status: 401 },
  { name: '§7 no key and bad query', request: get(`${S}?offset=abc`, []), status: 401 },
  { name: '§7 first duplicate empty', request: get(S, [['Meibel-API-Key', ''], KEY]), status: 401 },
  { name: '§7 first duplicate set', request: get(S, [KEY, ['Meibel-API-Key', '']]), status: 200 },
  { name: '§7 name is case-insensitive', request: get(S, [['meibel-api-key', 'k']]), status: 200 },
  // §7 404
  { name: '§7 unknown path', request: get('/v2/nope'), status: 404, bodyIncludes: '{"detail":"Not Found"}' },
  { name: '§7 unknown path without key', request: get('/v2/nope', []), status: 404 },
  { name: '§7 %2F in agent_id', request: get('/v2/agents/a%2Fb/sessions'), status: 404 },
  { name: '§7 empty agent_id', request: get('/v2/agents//sessions'), status: 404 },
  // §7 405
  ...['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'].map((method): HandPicked => ({
    name: `§7 ${method} is 405`,
    request: { method, target: S, headers: [['Host', HOST], KEY] },
    status: 405,
    ...(method === 'HEAD' ? {} : { bodyIncludes: '{"detail":"Method Not Allowed"}' })
  })),
  { name: '§7 405 before auth', request: { method: 'DELETE', target: `${S}?offset=abc`, headers: [['Host', HOST]] }, status: 405 },
  // §7 307
  { name: '§7 trailing slash', request: get(`${S}/`), status: 307 },
  { name: '§7 two trailing slashes, query kept', request: get(`${S}//?offset=1&x=a%20b`), status: 307 },
  { name: '§7 307 before auth', request: get(`${S}/`, []), status: 307 },
  { name: '§7 POST with trailing slash', request: { method: 'POST', target: `${S}/`, headers: [['Host', HOST]] }, status: 307 },
  { name: '§7 %2F as trailing slash', request: get(`${S}%2F`), status: 307 },
  { name: '§7 non-ASCII agent id in the Location', request: get('/v2/agents/%C3%A9%20x/sessions/'), status: 307 },
  { name: '§7 invalid Host: bound address', request: { method: 'GET', target: `${S}/`, headers: [['Host', 'bad host'], KEY] }, status: 307 },
  { name: '§7 invalid Host port', request: { method: 'GET', target: `${S}/`, headers: [['Host', 'testserver:99999'], KEY] }, status: 307 },
  { name: '§7 invalid IPv6 Host', request: { method: 'GET', target: `${S}/`, headers: [['Host', '[1:2]'], KEY] }, status: 307 },
  // §9 200
  { name: '§9 200 with data', request: get(`${S}?limit=5`), status: 200 },
  { name: '§9 200 for an agent without sessions', request: get('/v2/agents/idle-agent/sessions'), status: 200 }
]
