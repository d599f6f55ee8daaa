// The node:http server under Fastify (its `serverFactory`), set up to answer
// like uvicorn with h11 where Node lets the emulator choose (docs/fidelity.md
// §13): Node sends no 417 and no interim 100 on its own, drops no header line,
// accepts request heads of uvicorn's size, and any request its parser rejects
// gets h11's 400 bytes (`clientErrorHandler`).
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyServerFactory } from 'fastify'
import { isHeaderNamed } from './header-names.js'

// §13.4: what uvicorn writes for a request h11 refuses (send_400_response):
// no date, no length (the body ends with the connection), the same bytes for
// every method, HEAD included, since h11 never parsed one.
export const INVALID_REQUEST_RESPONSE = 'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nInvalid HTTP request received.'

// §13.3: the largest request head Node accepts. h11 refuses an incomplete head
// once its buffer passes 16 KiB, but parses any head that arrives in one read:
// on loopback uvicorn accepts heads up to about 125 KiB. 128 KiB is the
// nearest round limit; a bigger head gets the 400 above.
export const MAX_HEAD_BYTES = 128 * 1024

type Handler = (req: IncomingMessage, res: ServerResponse) => void

// §13.4: h11 refuses a request Node's parser takes in these cases; they are
// answered before any routing, with the same 400 bytes.
const h11Refuses = (req: IncomingMessage): boolean => {
  let hosts = 0
  const encodings: string[] = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!
    if (isHeaderNamed(name, 'host')) hosts++
    else if (isHeaderNamed(name, 'transfer-encoding')) encodings.push(req.rawHeaders[i + 1]!)
  }
  // h11 speaks HTTP/1.x only (Node takes a request line without a version as 0.9);
  // "Missing mandatory Host: header" (HTTP/1.1 only), "Found multiple Host: headers".
  if (req.httpVersionMajor !== 1 || hosts > 1 || (hosts === 0 && req.httpVersion === '1.1')) return true
  // h11: "Only Transfer-Encoding: chunked is supported" (the whole comma list).
  if (encodings.length === 0) return false
  const list = encodings.join(',').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
  return list.length !== 1 || list[0] !== 'chunked'
}

const refuse = (socket: Socket): void => {
  // Not writable: the client has gone; nothing to tell it.
  if (socket.writable) socket.end(INVALID_REQUEST_RESPONSE)
  else socket.destroy()
}

// `readsBody(url)`: whether the route may read a body (the control API), so
// `Expect: 100-continue` gets its interim 100 as uvicorn sends one when the
// application reads the body; the emulated API never reads one.
export const makeServerFactory = (readsBody: (url: string) => boolean): FastifyServerFactory<Server> =>
  (handler: Handler, options) => {
    const handle: Handler = (req, res) => {
      if (h11Refuses(req)) {
        // Not a request the application would see: no log, no journal entry.
        res.detachSocket(req.socket)
        refuse(req.socket)
        return
      }
      handler(req, res)
    }
    // maxHeadersCount 0: no header line is dropped (h11 has no count limit);
    // requireHostHeader off: h11's own rule above answers instead of Node's 400.
    const server = createServer({ maxHeaderSize: MAX_HEAD_BYTES, requireHostHeader: false }, handle)
    server.maxHeadersCount = 0
    // §13.1: with these listeners Node sends neither a 417 nor an automatic 100.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (readsBody(req.url!)) res.writeContinue()
      handle(req, res)
    })
    server.on('checkExpectation', handle)
    // §13.5: to h11, CONNECT is a method like any other, so FastAPI's router
    // answers it (405, 307 or 404), where Node hands the socket over as a
    // tunnel. Answered as a request, then the connection is closed.
    server.on('connect', (req: IncomingMessage, socket: Socket) => {
      const res = new ServerResponse(req)
      res.shouldKeepAlive = false
      res.assignSocket(socket)
      res.on('finish', () => { res.detachSocket(socket); socket.end() })
      handle(req, res)
    })
    // The timeouts Fastify sets on a server it creates itself (lib/server.js),
    // from its normalized options, so they keep their meaning here.
    server.keepAliveTimeout = Number(options.keepAliveTimeout)
    server.requestTimeout = Number(options.requestTimeout)
    server.setTimeout(Number(options.connectionTimeout))
    // 0, Fastify's default, is Node's "no limit" too.
    server.maxRequestsPerSocket = Number(options.maxRequestsPerSocket)
    return server
  }

// §13.4: Fastify's clientErrorHandler. A request Node's parser rejects (a bad
// request line, header syntax, a head over MAX_HEAD_BYTES) gets h11's 400;
// a timeout Node's own answer (uvicorn has no request timeout to copy).
export const invalidRequestHandler = (err: NodeJS.ErrnoException, socket: Socket): void => {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  // A response in flight on this socket would be corrupted by more bytes.
  if ((socket as Socket & { _httpMessage?: unknown })._httpMessage != null) {
    socket.destroy()
    return
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    if (socket.writable) socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n')
    return
  }
  refuse(socket)
}
