// fast-check arbitraries for raw requests to the List Sessions endpoint and
// around it: valid and invalid query values, odd encodings, API key header
// variants, other methods, trailing slashes and unknown paths. Everything is
// built as raw ASCII request-target text, never through a URL class.
import fc from 'fast-check'
import type { RawRequest } from './raw-http.js'

export const HOST = 'testserver:8000'
const PARAMS = ['offset', 'limit', 'sort_by', 'sort_order', 'status'] as const
type Param = typeof PARAMS[number]

// Agent ids with sessions in the emulator's fixtures (inputs, so some 200s
// carry real data for the /__judge/session-list check).
const FIXTURE_AGENTS = ['demo-agent', 'support-triage', 'invoice-extractor', 'research-assistant', 'idle-agent'] as const

// ---------------------------------------------------------------- encoding

const hex = (byte: number, lower: boolean): string => {
  const h = byte.toString(16).padStart(2, '0')
  return `%${lower ? h : h.toUpperCase()}`
}

// How a logical (decoded) string is written into the query.
//  minimal: unreserved and a few sub-delims raw, the rest %XX (space as %20)
//  plus:    like minimal, space as '+'
//  lower:   like minimal with lower-case hex digits
//  all:     every byte as %XX
type Encoding = 'minimal' | 'plus' | 'lower' | 'all'
const RAW_OK = /^[A-Za-z0-9\-._~!$'()*,:@/?]$/

const encodeComponent = (logical: string, encoding: Encoding): string => {
  let out = ''
  for (const byte of Buffer.from(logical, 'utf8')) {
    const ch = String.fromCharCode(byte)
    if (encoding !== 'all' && byte < 0x80 && RAW_OK.test(ch)) out += ch
    else if (encoding === 'plus' && byte === 0x20) out += '+'
    else out += hex(byte, encoding === 'lower')
  }
  return out
}

const encodingArb: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Encoding>('minimal') },
  { weight: 2, arbitrary: fc.constant<Encoding>('plus') },
  { weight: 1, arbitrary: fc.constant<Encoding>('lower') },
  { weight: 1, arbitrary: fc.constant<Encoding>('all') }
)

const encoded = (logical: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(logical, encodingArb).map(([s, e]) => encodeComponent(s, e))

// Raw query text with unusual percent-escapes and separators-lookalikes.
const ODD_RAW = [
  '%ZZ', '%', '%4', '%G1', '%%', '%FF', '%fe', '%C3', '%C3%28', '%E2%82', '%ED%A0%80', '%F4%90%80%80',
  '%C0%AF', '%F0%9F%98', '%00', '%0A', '%0D', '%25', '%2B', '%2b', '+', '++', ';', '=', '==', '?', '%26',
  '%3D', '%3d', '%C3%A9', '%E2%82%AC', '%F0%9F%98%80', '%u00e9', '%EF%BB%BF', '%E2%80%A8', '%7F', '%1F'
] as const
// Printable ASCII outside the usual URL alphabet, sent raw.
const RISKY_RAW = ['"', '<', '>', '{', '}', '|', '\\', '^', '`', '[', ']', '/', ':', '@', '!', '$', "'", '(', ')', '*', ','] as const

const oddRaw: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_RAW) },
  { weight: 1, arbitrary: fc.constantFrom(...RISKY_RAW) }
)

// A raw value: mostly one encoded logical string, sometimes mixed with odd raw text.
const rawValue = (logical: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof(
  { weight: 8, arbitrary: encoded(logical) },
  { weight: 2, arbitrary: fc.array(fc.oneof(encoded(logical), oddRaw), { minLength: 1, maxLength: 3 }).map((p) => p.join('')) }
)

// ---------------------------------------------------------------- values

// Rust `str::trim` (Unicode White_Space) and some characters it does not trim.
const RUST_WHITESPACE = [
  ' ', '\t', '\n', '\r', '\u000b', '\u000c', '\u0085', '\u00a0', '\u1680', '\u2000', '\u2003', '\u200a',
  '\u2028', '\u2029', '\u202f', '\u205f', '\u3000'
] as const
const NOT_RUST_WHITESPACE = ['\ufeff', '\u200b', '\u180e', '\u200c', '\u001c', '\u001f', '\u0000'] as const

const pad: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...RUST_WHITESPACE), { minLength: 1, maxLength: 3 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.constantFrom(...NOT_RUST_WHITESPACE) }
)

const digitString = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), minLength, maxLength })

const INT_CONSTANTS = [
  '0', '1', '00', '007', '-0', '+0', '-00', '1.0', '1.00', '-1.0', '0.0', '1.', '.0', '1.5', '1.05', '0x10', '0b1', '0o7',
  '1e3', '1e0', '1E3', '+-1', '-+1', '--1', '++1', '1__0', '_1', '0_', '1_', '1_000', '1_0.0', '0_1', '1.0_0', '1_.0',
  '①', '１', '٣', 'Infinity', '-Infinity', 'inf', 'NaN', '-', '+', '', 'null', 'None', 'true', '1 2', '1\t2',
  '9223372036854775807', '9223372036854775808', '-9223372036854775809', '18446744073709551616',
  '99999999999999999999', '2147483648', '4294967296', '9007199254740993'
] as const

// A number text of exactly `length` characters (sign included).
const longNumber = (length: number, negative: boolean): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('1', '5', '9'), digitString(length - (negative ? 2 : 1), length - (negative ? 2 : 1)))
    .map(([first, rest]) => `${negative ? '-' : ''}${first}${rest}`)

const hugeInt: fc.Arbitrary<string> = fc.oneof(
  longNumber(4300, false), longNumber(4301, false), longNumber(4300, true), longNumber(4301, true),
  longNumber(4299, false), longNumber(4302, false),
  fc.tuple(fc.constantFrom(' ', '0', '+', '00'), longNumber(4300, false)).map(([p, n]) => p + n),
  fc.tuple(longNumber(4300, false), fc.constantFrom('.0', ' ', '_0')).map(([n, s]) => n + s)
)

// Composed lax-int forms: pad, sign, leading zeros, digits with '_', fraction, pad.
const composedInt: fc.Arbitrary<string> = fc.record({
  lead: pad,
  sign: fc.constantFrom('', '', '', '-', '+', '+-', '-+', '--'),
  zeros: fc.constantFrom('', '', '0', '00', '0_', '_', '0_0'),
  parts: fc.array(digitString(1, 4), { minLength: 1, maxLength: 3 }),
  joiner: fc.constantFrom('', '_', '__'),
  frac: fc.constantFrom('', '', '', '.0', '.00', '.', '.5', '.0_0', '.000', '.01'),
  trail: pad
}).map((r) => `${r.lead}${r.sign}${r.zeros}${r.parts.join(r.joiner)}${r.frac}${r.trail}`)

const intLogical: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 120 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String) },
  { weight: 4, arbitrary: fc.constantFrom(...INT_CONSTANTS) },
  { weight: 6, arbitrary: composedInt },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }
)

const SORT_ORDER_CONSTANTS = [
  'asc', 'desc', 'asc', 'desc', 'ASC', 'Desc', ' asc', 'asc ', 'asc\n', '\nasc', 'desc\r', 'asc\t', 'ascdesc', 'asc|desc',
  '(asc)', '', 'a', 'des', 'descc', 'asc\u0000', 'asc\u2028', 'éasc', 'asc%', 'desc\n\n'
] as const

const sortOrderLogical: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SORT_ORDER_CONSTANTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }
)

const STRING_CONSTANTS = [
  'start_time', 'status', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'running', '', ' ', 'end_time',
  'session_id', 'null', 'é', '\u0000', '"', '\\', '\n', '😀'
] as const

const freeStringLogical: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...STRING_CONSTANTS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }
)

const valueFor = (param: Param): fc.Arbitrary<string> => {
  switch (param) {
    case 'offset':
    case 'limit':
      return fc.oneof(
        { weight: 30, arbitrary: rawValue(intLogical) },
        { weight: 1, arbitrary: encoded(hugeInt) }
      )
    case 'sort_order': return rawValue(sortOrderLogical)
    case 'sort_by':
    case 'status':
      return rawValue(freeStringLogical)
  }
}

// ---------------------------------------------------------------- query

// A declared name, written raw or with some of its bytes percent-encoded.
const encodedName = (name: Param): fc.Arbitrary<string> => fc.oneof(
  { weight: 12, arbitrary: fc.constant(name) },
  { weight: 1, arbitrary: fc.constant(encodeComponent(name, 'all')) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat({ max: name.length - 1 }), fc.boolean()).map(([i, lower]) =>
      name.slice(0, i) + hex(name.charCodeAt(i), lower) + name.slice(i + 1))
  }
)

const OTHER_KEYS = [
  'Offset', 'LIMIT', 'sortBy', 'sort-by', 'sort+order', 'sort%20order', 'offset+', '+offset', 'offset%00', 'offset%5B%5D',
  'x', 'page', '', '%', '%ZZ', '%FF', 'st%C3%A4tus', 'status%3D'
] as const

const segment: fc.Arbitrary<string> = fc.oneof(
  // key=value for a declared parameter
  { weight: 20, arbitrary: fc.constantFrom(...PARAMS).chain((p) => fc.tuple(encodedName(p), valueFor(p))).map(([k, v]) => `${k}=${v}`) },
  // a declared key without '=' (value "")
  { weight: 2, arbitrary: fc.constantFrom(...PARAMS).chain(encodedName) },
  // key=value=more
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PARAMS), encoded(fc.string({ maxLength: 4 }))).map(([k, v]) => `${k}=${v}=${v}`) },
  // other keys, blank keys
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...OTHER_KEYS), fc.option(rawValue(intLogical), { nil: undefined })).map(([k, v]) => v === undefined ? k : `${k}=${v}`) },
  // an empty segment ('&&')
  { weight: 1, arbitrary: fc.constant('') }
)

const queryArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('?', '??', '?&', '?&&', '?=', '?;') },
  {
    weight: 14,
    arbitrary: fc.tuple(
      fc.array(segment, { minLength: 1, maxLength: 7 }),
      fc.array(fc.constantFrom('&', '&', '&', '&', '&', '&', ';', '&&'), { minLength: 7, maxLength: 7 }),
      fc.constantFrom('', '', '', '&', '&&')
    ).map(([segments, seps, tail]) => `?${segments.map((s, i) => i === 0 ? s : seps[i]! + s).join('')}${tail}`)
  }
)

// ---------------------------------------------------------------- paths

const AGENT_CONSTANTS = [
  'x', 'a%2Fb', '%2F', 'a%2F', '%2Fa', '%2f', '..', '.', '%2E%2E', '%2e', 'a%20b', 'a+b', '%C3%A9', '%c3%a9', '%FF', '%ZZ',
  '%', 'a;b', 'a:b', 'a@b', '~', '%00', '%0A', '%2B', 'sessions', 'agents', '%3F', '%23', '%25', '%252F', 'v2',
  'demo-agent%2Fsessions', '%F0%9F%98%80', 'a%3Bb', '%E2%80%A8', "a'b", 'a(b)', 'a*b', 'a!b', 'a$b', 'a,b', 'a=b', 'a&b'
] as const

const agentIdArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIXTURE_AGENTS) },
  { weight: 3, arbitrary: fc.constantFrom(...AGENT_CONSTANTS) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom<Encoding>('minimal', 'all', 'lower')).map(([s, e]) => encodeComponent(s, e)) },
  // Long ids (Starlette has no length limit; the request head stays under 16 KiB).
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 200, max: 10_500 }), fc.constantFrom('a', 'Z', '%41', '-')).map(([n, c]) => c.repeat(Math.ceil(n / c.length)).slice(0, n)) }
)

const trailingSlashes: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.constantFrom('/', '//', '///', '%2F', '/%2F', '%2F/') }
)

const OTHER_PATHS = [
  '/', '/v2', '/v2/', '/v2/agents', '/v2/agents/', '/v2/agents//sessions', '/v2/agents//sessions/', '/V2/agents/x/sessions',
  '/v2/Agents/x/sessions', '/v2/agents/x/Sessions', '/v1/agents/x/sessions', '/v2/agents/x/sessions.json',
  '//v2/agents/x/sessions', '/v2//agents/x/sessions', '/v2/agents/x//sessions', '/v2/agents/x/sessions/..',
  '/v2/agents/x/sessions/.', '/v2/agents/x/sessio%6Es', '/v2%2Fagents/x/sessions', '/nope', '/v2/nope', '/v2/nope/',
  '/v2/agents/x/sessions%3F', '/v2/agents/x/sessions%20', '/v2/agents/x/sessions/x', '/v2/agents/x/sessions/x/',
  '/v2/agents/x', '/v2/agents/x/', '/v2/sessions', '/agents/x/sessions', '/v2/agents/x/session', '/v2/agents/x/sessionss',
  '/v2/./agents/x/sessions', '/v2/agents/x/./sessions', '/v2/agents/../agents/x/sessions', '/%76%32/agents/x/sessions',
  '/v2/agents/%78/%73essions', '/v2/agents/x/sessions;x', '/v2/agents/x/sessions%00'
] as const

const pathArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 16, arbitrary: fc.tuple(agentIdArb, trailingSlashes).map(([id, slashes]) => `/v2/agents/${id}/sessions${slashes}`) },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_PATHS) },
  { weight: 1, arbitrary: fc.tuple(agentIdArb, fc.constantFrom('', '/', '/x', '/sessions/x')).map(([id, tail]) => `/v2/agents/${id}${tail}`) }
)

// ---------------------------------------------------------------- headers

const KEY_NAMES = ['Meibel-API-Key', 'Meibel-API-Key', 'meibel-api-key', 'MEIBEL-API-KEY', 'Meibel-Api-Key'] as const
const WRONG_KEY_NAMES = ['Meibel_API_Key', 'Meibel-API-Key2', 'X-Meibel-API-Key', 'Meibel-API', 'Authorization', 'Api-Key'] as const

const validKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('test-key', 'k', 'sk-live-0123456789abcdef', 'a b', '0', 'null', '""') },
  { weight: 2, arbitrary: fc.stringMatching(/^[!-~](?:[ -~]{0,18}[!-~])?$/) }
)
const blankKey = fc.constantFrom('', ' ', '\t', ' \t ', '  ', '\t\t')
const paddedKey = fc.tuple(fc.constantFrom(' ', '\t', ' \t', '  '), validKey, fc.constantFrom('', ' ', '\t', '\t ')).map(([a, k, b]) => a + k + b)

type Headers = ReadonlyArray<readonly [string, string]>

const apiKeyHeadersArb: fc.Arbitrary<Headers> = fc.oneof(
  { weight: 14, arbitrary: fc.tuple(fc.constantFrom(...KEY_NAMES), validKey).map(([n, v]) => [[n, v] as const]) },
  { weight: 2, arbitrary: fc.constant([]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...KEY_NAMES), blankKey).map(([n, v]) => [[n, v] as const]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...KEY_NAMES), paddedKey).map(([n, v]) => [[n, v] as const]) },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom(...KEY_NAMES), fc.oneof(validKey, blankKey), fc.constantFrom(...KEY_NAMES), fc.oneof(validKey, blankKey)
    ).map(([n1, v1, n2, v2]) => [[n1, v1] as const, [n2, v2] as const])
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WRONG_KEY_NAMES), validKey).map(([n, v]) => [[n, v] as const]) }
)

// Host values Starlette's _HOST_RE / is_valid_port reject (the 307 Location
// then uses the server's bound address) or accept in unusual forms.
const ODD_HOSTS = [
  'bad host', 'testserver:99999', 'testserver:65536', 'testserver:abc', '[::1', '[zz::1]', '[1:2]', '[V1.x]', '[v1.x]',
  'a/b', 'exa%mple', 'TestServer:8000', 'testserver:0008000', 'testserver:65535', '[::1]:8000', 'testserver:',
  'test_server', 'xn--bcher-kva.example', 'testserver:000000080', 'testserver:8000:1', '127.0.0.1', 'a"b'
] as const

const hostArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: fc.constant(HOST) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_HOSTS) }
)

// ---------------------------------------------------------------- requests

const methodArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 24, arbitrary: fc.constant('GET') },
  { weight: 1, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') }
)

// Node and h11 both cap the request head at 16 KiB by default; stay below.
const MAX_TARGET = 12_000

export const requestArb: fc.Arbitrary<RawRequest> = fc.record({
  method: methodArb,
  path: pathArb,
  query: queryArb,
  host: hostArb,
  keys: apiKeyHeadersArb,
  body: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('{}', '{"agent_id":"x"}', 'not json') })
}).map(({ method, path, query, host, keys, body }): RawRequest => {
  const headers: Array<readonly [string, string]> = [['Host', host], ...keys]
  const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD'
  if (withBody) headers.push(['Content-Type', 'application/json'])
  return withBody ? { method, target: path + query, headers, body } : { method, target: path + query, headers }
}).filter((r) => r.target.length <= MAX_TARGET)
