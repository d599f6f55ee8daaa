// What FastAPI's router does when no route fully matches (§3.2), for a table
// of routes (src/fastapi/route-table.ts): a path that matches a route with
// another method gets 405, a path that matches once its trailing slashes are
// removed gets a 307 to it, anything else 404. None of these depends on the
// API key or the query string.
// Section numbers (§) refer to docs/fidelity.md.
import { isIPv6 } from 'node:net'
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import { JSON_CONTENT_TYPE, METHOD_NOT_ALLOWED_BODY, NOT_FOUND_BODY } from './errors.js'
import { allowHeader, type RouteParams, type RouteSpec, type RouteTable } from './route-table.js'
import { unquote } from './urllib.js'

const notFoundBody = Buffer.from(NOT_FOUND_BODY)
const methodNotAllowedBody = Buffer.from(METHOD_NOT_ALLOWED_BODY)

// content-length before content-type, as Starlette sends them, also where
// the app's onSend hook does not run (frameworkErrors in src/server.ts).
const sendNotFound = (reply: FastifyReply): FastifyReply =>
  reply.code(404).header('content-length', notFoundBody.length).type(JSON_CONTENT_TYPE).send(notFoundBody)

// §7 R405: the Allow header lists the answering route's methods.
const sendMethodNotAllowed = (reply: FastifyReply, allow: string): FastifyReply =>
  reply.code(405).header('allow', allow).header('content-length', methodNotAllowedBody.length).type(JSON_CONTENT_TYPE).send(methodNotAllowedBody)

// A request target's raw path and raw query (without the `?`).
export const splitTarget = (url: string): { path: string, query: string } => {
  const q = url.indexOf('?')
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) }
}

// §3.1: uvicorn percent-decodes the path before routing, so a `%2F` in an
// agent_id is a path separator and a malformed escape stays literal; and h11
// keeps a `#` in the target as part of the path. This re-encodes the decoded
// path so that find-my-way routes exactly the segments uvicorn would: every
// character outside the unreserved/sub-delims set is escaped. A final `%0A`
// that Starlette's `$` matches is left out (§3.2), so the route answers.
const PATH_SAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu
export const canonicalTarget = (url: string, table: RouteTable<RouteSpec>): string => {
  const { path, query } = splitTarget(url)
  if (!path.includes('%') && !path.includes('#')) return url
  const routed = table.routedPath(unquote(path)).replace(PATH_SAFE, (c) => encodeURIComponent(c))
  return url.length === path.length ? routed : `${routed}?${query}`
}

// The params of the route a target names for FastAPI's router: the route's
// own, or those of the route it answers 405 or 307 for; null otherwise.
export const paramsOfTarget = (table: RouteTable<RouteSpec>, url: string): RouteParams | null => {
  const unrouted = table.unrouted(unquote(splitTarget(url).path))
  return unrouted.kind === 'not-found' ? null : unrouted.params
}

// §7 R307: Starlette's _HOST_RE and parse_host_header, and ParsedHost.is_valid_port.
const HOST_RE = /^(?<host>[a-z0-9._~%!$&'()*+,;=-]+|\[(?:(?<ipv6>[a-f0-9]*:[a-f0-9.:]+)|v[a-f0-9]+\.[a-z0-9._~!$&'()*+,;=:-]+)\])(?::(?<port>[0-9]+))?$/i

const validAuthority = (host: string | undefined): string | null => {
  if (host === undefined) return null
  const m = HOST_RE.exec(host)
  if (m === null) return null
  // `(?-i:v)`: an IPvFuture literal needs a lower-case `v`; JS has no inline flags.
  if (host.startsWith('[V')) return null
  // A bracketed IPv6 literal must parse as one (IPv6Address in Starlette).
  if (m.groups!.ipv6 !== undefined && !isIPv6(m.groups!.ipv6)) return null
  const port = m.groups!.port
  if (port !== undefined) {
    const digits = port.replace(/^0+/, '')
    if (digits.length > 5 || Number(digits || '0') > 65535) return null
  }
  return host
}

// Starlette's RedirectResponse: quote(url, safe=":/%#?=@[]!$&'()*+,;") over
// the UTF-8 bytes, with Python's always-safe `A-Za-z0-9_.-~`.
const SAFE = new Set(Array.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~:/%#?=@[]!$&'()*+,;", (c) => c.charCodeAt(0)))
export const quoteLocation = (url: string): string => {
  let out = ''
  for (const byte of Buffer.from(url, 'utf8')) {
    out += SAFE.has(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

// `scheme`: the request URL's scheme as uvicorn's proxy headers set it
// (src/fastapi/proxy-headers.ts).
// The default serves makeEmptyParamHook, whose requests never get a 307.
/* c8 ignore next */
const plainHttp = (): string => 'http'
// Synchronous: it answers in the same tick (no promise per request).
export const makeNotFoundHandler = (table: RouteTable<RouteSpec>, scheme: (request: FastifyRequest) => string = plainHttp) =>
  (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const { path: rawPath, query } = splitTarget(request.raw.url!)
    // The path as uvicorn hands it to the app: percent-decoded (§3.1).
    const unrouted = table.unrouted(unquote(rawPath))
    if (unrouted.kind === 'method-not-allowed') return sendMethodNotAllowed(reply, allowHeader(unrouted.route))
    if (unrouted.kind === 'not-found') return sendNotFound(reply)
    // §7 R307: scheme from the connection or a trusted proxy (§14), Host
    // verbatim when valid, else the bound address.
    const authority = validAuthority(request.headers.host) ?? boundAuthority(request.raw.socket)
    const location = `${scheme(request)}://${authority}${unrouted.path}${query === '' ? '' : `?${query}`}`
    // Starlette sends content-length: 0 and no content-type, also to HEAD.
    return reply.code(307).header('content-length', '0').header('location', quoteLocation(location)).send()
  }

// §7 R404: Starlette's `[^/]+` matches no empty param, find-my-way's `:param`
// does; such a request is answered as if no route had matched it (a 404:
// no route matches it with a slash added either, so no scheme is needed). An
// onRequest hook of the routes, before any other.
// Synchronous: a hook that answers does not call done.
export const makeEmptyParamHook = (table: RouteTable<RouteSpec>): onRequestHookHandler => {
  const notFound = makeNotFoundHandler(table)
  return (request, reply, done) => {
    const params = request.params as RouteParams
    for (const name in params) {
      if (params[name] === '') {
        notFound(request, reply)
        return
      }
    }
    done()
  }
}

// Starlette's fallback: the server's address, the default port left out.
export const boundAuthority = (socket: { localAddress?: string | undefined, localPort?: number | undefined }): string => {
  const address = socket.localAddress!
  const host = address.includes(':') ? `[${address}]` : address
  return socket.localPort === 80 ? host : `${host}:${socket.localPort!}`
}
