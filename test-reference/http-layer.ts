// fast-check arbitraries for requests that test routing and the HTTP layer
// rather than the query: control characters in every path position, every
// method with empty, malformed and listed Content-Types, Expect values,
// header counts and sizes, forwarded headers from loopback, and unusual or
// malformed request lines and header syntax (sent as raw bytes).
// KNOWN_DIFFERENCES lists the requests whose answers Node does not let the
// emulator match, as the README's "Differences below the application" does.
import fc from 'fast-check'
import type { RawRequest } from './raw-http.js'
import { HOST } from './requests.js'

type Headers = ReadonlyArray<readonly [string, string]>
const KEY = ['Meibel-API-Key', 'k'] as const

// ---------------------------------------------------------------- paths

// Percent-escapes of control characters and look-alikes of a newline.
const CONTROL = ['%0A', '%0a', '%0D', '%0D%0A', '%0A%0A', '%09', '%00', '%0B', '%0C', '%1F', '%7F', '%C2%85', '%E2%80%A8', '%20', '%0A%20'] as const
const AGENTS = ['demo-agent', 'x', 'idle-agent'] as const

// /v2/agents/{id}/sessions with a control character at one position, and
// sometimes a trailing slash after it.
const controlPath: fc.Arbitrary<string> = fc.record({
  agent: fc.constantFrom(...AGENTS),
  control: fc.constantFrom(...CONTROL),
  at: fc.constantFrom('start', 'v2', 'agents', 'agent-before', 'agent-after', 'sessions', 'end', 'end-slash', 'slash-end'),
  slash: fc.constantFrom('', '', '/')
}).map(({ agent, control: c, at, slash }) => {
  switch (at) {
    case 'start': return `/${c}v2/agents/${agent}/sessions${slash}`
    case 'v2': return `/v2${c}/agents/${agent}/sessions${slash}`
    case 'agents': return `/v2/agents${c}/${agent}/sessions${slash}`
    case 'agent-before': return `/v2/agents/${c}${agent}/sessions${slash}`
    case 'agent-after': return `/v2/agents/${agent}${c}/sessions${slash}`
    case 'sessions': return `/v2/agents/${agent}/sess${c}ions${slash}`
    case 'end': return `/v2/agents/${agent}/sessions${c}${slash}`
    case 'end-slash': return `/v2/agents/${agent}/sessions${c}/`
    default: return `/v2/agents/${agent}/sessions/${c}`
  }
})

const plainPath = fc.constantFrom('/v2/agents/demo-agent/sessions', '/v2/agents/x/sessions/', '/v2/agents/x/sessions//', '/v2/nope', '/v2/agents/x')
const query = fc.constantFrom('', '', '?limit=1', '?offset=abc', '?sort_order=up&limit=0')
const keys: fc.Arbitrary<Headers> = fc.constantFrom([KEY], [KEY], [], [['Meibel-API-Key', '']])

const controlRequest: fc.Arbitrary<RawRequest> = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'DELETE'),
  path: controlPath,
  query,
  keys
}).map(({ method, path, query, keys }) => ({ method, target: path + query, headers: [['Host', HOST], ...keys] }))

// ---------------------------------------------------------------- methods and Content-Types

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'QUERY', 'TRACE', 'PROPFIND', 'PURGE', 'SEARCH', 'LINK', 'M-SEARCH', 'CONNECT'] as const
const CONTENT_TYPES = [
  null, '', ' ', 'application', 'application/', '/json', 'a/b c', 'application/json,text/plain', 'application/json, application/json',
  'application/json', 'application/json; charset=utf-8', 'application/json;', 'text/plain', '*/*', 'multipart/form-data',
  'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', ';', 'application/json; charset', 'é/é'
] as const

const contentTypeRequest: fc.Arbitrary<RawRequest> = fc.record({
  method: fc.constantFrom(...METHODS),
  path: plainPath,
  query,
  keys,
  type: fc.constantFrom(...CONTENT_TYPES),
  body: fc.constantFrom(undefined, '', '{}', 'not json', 'a=b')
}).map(({ method, path, query, keys, type, body }): RawRequest => {
  const headers: Array<readonly [string, string]> = [['Host', HOST], ...keys]
  if (type !== null) headers.push(['Content-Type', type])
  // A body on CONNECT would follow a tunnel request: not sent.
  return body === undefined || method === 'CONNECT' ? { method, target: path + query, headers } : { method, target: path + query, headers, body }
})

// ---------------------------------------------------------------- Expect

const EXPECT = ['', ' ', 'foo', '100-continue', '100-Continue', '100-CONTINUE', '200-ok', '100-continue, foo', 'foo, 100-continue', '100-continuex'] as const

const expectRequest: fc.Arbitrary<RawRequest> = fc.record({
  method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'PUT'),
  path: plainPath,
  query,
  keys,
  expect: fc.array(fc.constantFrom(...EXPECT), { minLength: 1, maxLength: 2 }),
  body: fc.constantFrom(undefined, '{}')
}).map(({ method, path, query, keys, expect, body }): RawRequest => {
  const headers: Array<readonly [string, string]> = [['Host', HOST], ...expect.map((e) => ['Expect', e] as const), ...keys]
  return body === undefined ? { method, target: path + query, headers } : { method, target: path + query, headers, body }
})

// ---------------------------------------------------------------- header counts and sizes

// Heads within h11's 16 KiB buffer limit: a bigger head gets uvicorn's 400
// or not depending on how many reads it arrives in, which varies from run to
// run even on loopback (§13.3 of the fidelity document).
const MAX_HEAD = 15_000
const MAX_PADDING = 14_500

const sizeRequest: fc.Arbitrary<RawRequest> = fc.record({
  count: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 900, max: 1_150 })),
  keyFirst: fc.boolean(),
  padding: fc.oneof(fc.constant(0), fc.integer({ min: 10_000, max: MAX_PADDING })),
  path: plainPath,
  keys
}).map(({ count, keyFirst, padding, path, keys }): RawRequest => {
  const filler: Array<readonly [string, string]> = Array.from({ length: count }, (_, i) => [`X-F${i}`, 'v'] as const)
  const room = MAX_HEAD - filler.reduce((n, [name, value]) => n + name.length + value.length + 4, 0)
  if (padding > 0 && room > 0) filler.push(['X-Padding', 'p'.repeat(Math.min(padding, room))])
  const headers: Headers = keyFirst ? [['Host', HOST], ...keys, ...filler] : [['Host', HOST], ...filler, ...keys]
  return { method: 'GET', target: path, headers }
})

// ---------------------------------------------------------------- forwarded headers (the suite connects from 127.0.0.1)

const PROTO = ['https', 'http', 'ws', 'wss', 'HTTPS', ' https', 'https ', 'https, http', 'ftp', '', 'h2'] as const
const FOR = ['1.2.3.4', '127.0.0.1', '::1', '1.2.3.4, 127.0.0.1', '', 'unknown', '[::1]:80, 10.0.0.1:5'] as const

const forwardedRequest: fc.Arbitrary<RawRequest> = fc.record({
  method: fc.constantFrom('GET', 'GET', 'POST', 'HEAD'),
  path: fc.constantFrom('/v2/agents/x/sessions/', '/v2/agents/demo-agent/sessions//', '/v2/agents/x/sessions', '/v2/nope/'),
  query,
  keys,
  proto: fc.array(fc.constantFrom(...PROTO), { maxLength: 2 }),
  forwardedFor: fc.array(fc.constantFrom(...FOR), { maxLength: 2 }),
  host: fc.constantFrom(HOST, HOST, 'bad host', 'example.com')
}).map(({ method, path, query, keys, proto, forwardedFor, host }): RawRequest => ({
  method,
  target: path + query,
  headers: [['Host', host], ...proto.map((p) => ['X-Forwarded-Proto', p] as const), ...forwardedFor.map((f) => ['X-Forwarded-For', f] as const), ...keys]
}))

// ---------------------------------------------------------------- request lines and header syntax, as raw bytes

const S = '/v2/agents/demo-agent/sessions'
const rawOf = (text: string): Buffer => Buffer.from(text, 'latin1')

// Request heads on which h11 and Node (as the emulator sets it up) agree;
// `{K}` is the key header line, `{T}` a target, and every one ends the
// connection (Connection: close, or a request both refuse).
const AGREED = [
  'GET {T} http/1.1\r\nHost: t\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nX(A: b\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\n: b\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nX-A : b\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nX-A\r\n{K}Connection: close\r\n\r\n',
  'HEAD {T} HTTP/1.1\r\nHost: t\r\nX(A: b\r\n\r\n',
  'GET {T} HTTP/1.1\r\n{K}Connection: close\r\n\r\n',
  'HEAD {T} HTTP/1.1\r\nConnection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nHost: u\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: \r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.0\r\n{K}\r\n',
  'GET {T} HTTP/1.0\r\nHost: t\r\n{K}\r\n',
  'GET {T}\r\n\r\n',
  'POST {T} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
  'POST {T} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
  'POST {T} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
  'POST {T} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\nConnection: close\r\n\r\n',
  'POST {T} HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 6\r\nConnection: close\r\n\r\nhello',
  'POST {T} HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\nConnection: close\r\n\r\n',
  'POST {T} HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\nConnection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nX-A: a\x80b\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nX-A: a\tb\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nX-A: \xe9\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1 x\r\nHost: t\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1\r\nHost: t\r\n{K}Connection: close\r\n\r\n',
  'GET {T} HTTP/1.1\r\nHost: t\r\nUpgrade: h2c\r\n{K}Connection: close\r\n\r\n',
  'CONNECT {T} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
  'CONNECT t:80 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
  'CONNECT [::1]:443 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
  'GET http://t{T} HTTP/1.1\r\nHost: t\r\n{K}Connection: close\r\n\r\n',
  'GET https://t{T}/ HTTP/1.1\r\nHost: t\r\n{K}Connection: close\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: t\r\n{K}Connection: close\r\n\r\n'
] as const

// Targets with bytes no client percent-encodes away (raw non-ASCII, controls, spaces).
const RAW_TARGETS = [S, `${S}/`, '/v2/agents/\xe9/sessions', '/v2/agents/a\x7f/sessions', '/v2/agents/a\tb/sessions', '/v2/agents/a"b/sessions', '/v2/agents/a{b}/sessions', `${S}#x`, `${S}?a=\xe9`, '/v2/agents/a\x01/sessions'] as const

const rawRequest: fc.Arbitrary<RawRequest> = fc.record({
  template: fc.constantFrom(...AGREED),
  target: fc.constantFrom(...RAW_TARGETS),
  key: fc.constantFrom('Meibel-API-Key: k\r\n', 'Meibel-API-Key: k\r\n', '')
}).map(({ template, target, key }): RawRequest => {
  const text = template.replaceAll('{T}', target).replaceAll('{K}', key)
  const method = text.slice(0, text.indexOf(' '))
  return { method, target, headers: [], raw: rawOf(text) }
})

export const httpLayerArb: fc.Arbitrary<RawRequest> = fc.oneof(
  { weight: 3, arbitrary: controlRequest },
  { weight: 4, arbitrary: contentTypeRequest },
  { weight: 2, arbitrary: expectRequest },
  { weight: 1, arbitrary: sizeRequest },
  { weight: 2, arbitrary: forwardedRequest },
  { weight: 3, arbitrary: rawRequest }
)

// ---------------------------------------------------------------- known differences

export interface KnownDifference {
  readonly name: string
  readonly request: RawRequest
  // The statuses each side answers with (the README says why they differ).
  readonly reference: number
  readonly emulator: number
}

const known = (name: string, text: string, reference: number, emulator: number): KnownDifference =>
  ({ name, request: { method: text.slice(0, text.indexOf(' ')), target: S, headers: [], raw: rawOf(text) }, reference, emulator })

// Each is a line of the README's "Differences below the application".
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  known('a lower-case method (h11 takes any token; llhttp knows a fixed list)', `get ${S} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`, 405, 400),
  known('an unknown method', `FOO ${S} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`, 405, 400),
  known('PRI, which llhttp keeps for HTTP/2', `PRI ${S} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`, 405, 400),
  known('a target without a leading /', 'GET v2/agents/a/sessions HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', 404, 400),
  known('HTTP/1.2 (h11 takes any digit.digit version)', `GET ${S} HTTP/1.2\r\nHost: t\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 200, 400),
  known('HTTP/2.0', `GET ${S} HTTP/2.0\r\nHost: t\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 200, 400),
  known('HTTP/0.9 spelled out', `GET ${S} HTTP/0.9\r\nHost: t\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 200, 400),
  known('bare LF line ends', `GET ${S} HTTP/1.1\nHost: t\nMeibel-API-Key: k\nConnection: close\n\n`, 200, 400),
  known('an obs-fold continuation line', `GET ${S} HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 200, 400),
  known('Content-Length: 5, 5', `POST ${S} HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\nConnection: close\r\n\r\nhello`, 405, 400),
  known('Content-Length twice with one value', `POST ${S} HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello`, 405, 400),
  known('a \\x01 in a header value', `GET ${S} HTTP/1.1\r\nHost: t\r\nX-A: a\x01b\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 200, 400),
  known('a DEL in a header value', `GET ${S} HTTP/1.1\r\nHost: t\r\nX-A: a\x7fb\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 200, 400),
  known('Transfer-Encoding and Content-Length together (never accepted: request smuggling)', `POST ${S} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nConnection: close\r\n\r\n0\r\n\r\n`, 405, 400),
  known('a CRLF before the request line', `\r\nGET ${S} HTTP/1.1\r\nHost: t\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 400, 200),
  known('two spaces after the method', `GET  ${S} HTTP/1.1\r\nHost: t\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 400, 200),
  known('two spaces before the version', `GET ${S}  HTTP/1.1\r\nHost: t\r\nMeibel-API-Key: k\r\nConnection: close\r\n\r\n`, 400, 200)
]
