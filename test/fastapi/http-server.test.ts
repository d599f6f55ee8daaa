// The node:http server under Fastify (src/fastapi/http-server.ts), over raw
// sockets: what Node would answer on its own, and h11's 400 (§13).
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import t from 'tap'
import { INVALID_REQUEST_RESPONSE, MAX_HEAD_BYTES, invalidRequestHandler } from '../../src/fastapi/http-server.js'
import { build } from '../helper.js'

// h11's bytes, as uvicorn 0.54 sent them to a raw socket (no date, no length).
const H11_400 = 'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nInvalid HTTP request received.'

const app = await build(t)
await app.listen({ port: 0, host: '127.0.0.1' })
const port = (app.server.address() as AddressInfo).port

// Writes `head` (then `body` once `waitFor` has arrived, when given) and
// reads until the server closes.
const raw = (head: string, options: { body?: string, waitFor?: string } = {}): Promise<string> => new Promise((resolve, reject) => {
  const socket = connect({ host: '127.0.0.1', port })
  let got = ''
  let sentBody = false
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => {
    got += chunk
    if (options.waitFor !== undefined && !sentBody && got.includes(options.waitFor)) {
      sentBody = true
      socket.write(options.body ?? '')
    }
  })
  socket.on('close', () => resolve(got))
  socket.on('error', reject)
  socket.write(head)
  if (options.waitFor === undefined && options.body !== undefined) socket.write(options.body)
})
const withoutDate = (response: string): string => response.replace(/\r\ndate: [^\r]*/i, '')

const S = '/v2/agents/demo-agent/sessions'
const K = 'Meibel-API-Key: k\r\n'

t.equal(H11_400, INVALID_REQUEST_RESPONSE, "h11's bytes")

t.test('Expect: no 417 and no interim 100 on the emulated API (§13.1)', async (t) => {
  for (const expect of ['foo', '', '100-continue', '100-Continue']) {
    const res = await raw(`GET ${S} HTTP/1.1\r\nHost: t\r\nExpect: ${expect}\r\n${K}Connection: close\r\n\r\n`)
    t.match(res, /^HTTP\/1\.1 200 OK\r\n/, `Expect: ${expect}`)
  }
  const post = await raw(`POST ${S} HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n`, { body: '{}' })
  t.match(post, /^HTTP\/1\.1 405 Method Not Allowed\r\n/, 'no 100 before the 405')
})

t.test('Expect: 100-continue on the control API, which reads the body: the interim 100 first', async (t) => {
  const res = await raw('POST /__admin/reset HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n', { body: '{}', waitFor: '100 Continue' })
  t.match(res, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
})

t.test('no header line is dropped, and heads up to the limit are read (§13.2, §13.3)', async (t) => {
  const many = Array.from({ length: 5000 }, (_, i) => `X-${i}: v\r\n`).join('')
  t.match(await raw(`GET ${S} HTTP/1.1\r\nHost: t\r\n${many}${K}Connection: close\r\n\r\n`), /^HTTP\/1\.1 200 OK\r\n/, 'a key after 5,000 header lines')
  const big = `X-Pad: ${'a'.repeat(100_000)}\r\n`
  t.match(await raw(`GET ${S} HTTP/1.1\r\nHost: t\r\n${big}${K}Connection: close\r\n\r\n`), /^HTTP\/1\.1 200 OK\r\n/, 'a 100 KB head')
  const over = `X-Pad: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n`
  t.equal(await raw(`GET ${S} HTTP/1.1\r\nHost: t\r\n${over}${K}Connection: close\r\n\r\n`), H11_400, 'a head over the limit')
})

t.test("requests Node's parser rejects, or h11 alone, get h11's 400 bytes (§13.4)", async (t) => {
  const cases: Array<[string, string]> = [
    ['a lower-case HTTP version', `GET ${S} http/1.1\r\nHost: t\r\n\r\n`],
    ['a bad header name', `GET ${S} HTTP/1.1\r\nHost: t\r\nX(A: b\r\n\r\n`],
    ['HEAD with a bad header: the body too, as uvicorn', `HEAD ${S} HTTP/1.1\r\nHost: t\r\nX(A: b\r\n\r\n`],
    ['no Host', `GET ${S} HTTP/1.1\r\n${K}\r\n`],
    ['two Host headers', `GET ${S} HTTP/1.1\r\nHost: t\r\nHost: u\r\n${K}\r\n`],
    ['a Transfer-Encoding other than chunked', `POST ${S} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`],
    ['chunked twice', `POST ${S} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ['HTTP/0.9', `GET ${S}\r\n\r\n`]
  ]
  for (const [name, request] of cases) t.equal(await raw(request), H11_400, name)
  t.match(await raw(`POST ${S} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`), /^HTTP\/1\.1 405 /, 'chunked in any case is fine')
  t.match(await raw(`GET ${S} HTTP/1.0\r\n${K}\r\n`), /^HTTP\/1\.1 200 OK\r\n/, 'HTTP/1.0 needs no Host')
})

t.test("CONNECT and targets that are not a path get FastAPI's routing answer (§13.5)", async (t) => {
  t.equal(withoutDate(await raw(`CONNECT ${S} HTTP/1.1\r\nHost: t\r\n\r\n`)),
    'HTTP/1.1 405 Method Not Allowed\r\nallow: GET\r\ncontent-length: 31\r\ncontent-type: application/json\r\nConnection: close\r\n\r\n{"detail":"Method Not Allowed"}')
  t.equal(withoutDate(await raw('CONNECT t:80 HTTP/1.1\r\nHost: t\r\n\r\n')),
    'HTTP/1.1 404 Not Found\r\ncontent-length: 22\r\ncontent-type: application/json\r\nConnection: close\r\n\r\n{"detail":"Not Found"}')
  for (const target of [`http://t${S}`, '*']) {
    t.match(await raw(`GET ${target} HTTP/1.1\r\nHost: t\r\n${K}Connection: close\r\n\r\n`), /^HTTP\/1\.1 404 Not Found\r\n[^]*\{"detail":"Not Found"\}$/, target)
  }
})

t.test('the clientError handler itself', async (t) => {
  const fake = (state: { destroyed?: boolean, writable?: boolean, inFlight?: boolean } = {}): Socket & { written: string[], wasDestroyed: () => boolean } => {
    const written: string[] = []
    let destroyed = false
    return Object.assign(Object.create(null), {
      destroyed: state.destroyed ?? false,
      writable: state.writable ?? true,
      _httpMessage: state.inFlight === true ? {} : null,
      written,
      end: (data: string) => { written.push(data) },
      destroy: () => { destroyed = true },
      wasDestroyed: () => destroyed
    })
  }
  const reset = fake()
  invalidRequestHandler(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), reset)
  t.same([reset.written, reset.wasDestroyed()], [[], false], 'a reset: nothing to answer')
  const gone = fake({ destroyed: true })
  invalidRequestHandler(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), gone)
  t.same(gone.written, [], 'a destroyed socket: nothing')
  const busy = fake({ inFlight: true })
  invalidRequestHandler(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), busy)
  t.same([busy.written, busy.wasDestroyed()], [[], true], 'a response in flight: closed, not corrupted')
  const slow = fake()
  invalidRequestHandler(Object.assign(new Error('x'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), slow)
  t.same(slow.written, ['HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n'], "a timeout: Node's own answer")
  const slowGone = fake({ writable: false })
  invalidRequestHandler(Object.assign(new Error('x'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), slowGone)
  t.same(slowGone.written, [], 'a timeout on a closed socket: nothing')
  const bad = fake()
  invalidRequestHandler(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), bad)
  t.same(bad.written, [H11_400], "an invalid request: h11's 400")
  const closed = fake({ writable: false })
  invalidRequestHandler(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), closed)
  t.same([closed.written, closed.wasDestroyed()], [[], true], 'not writable: closed')
})
