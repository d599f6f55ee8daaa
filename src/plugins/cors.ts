// CORS for browser front ends (--cors), with @fastify/cors. The real
// service's CORS policy is not in the contract, so this is the emulator's own
// and off by default; without --cors nothing here is registered.
//
// - A preflight (OPTIONS with Origin and Access-Control-Request-Method, as
//   Starlette's CORSMiddleware tells one) is answered 204 in a root onRequest
//   hook: before the API key check, the admin token and faults, since a
//   browser sends neither key nor token with it. It is journaled like any
//   request to /v2.
// - Any other OPTIONS gets FastAPI's routing answer, as without --cors (405
//   with Allow: GET on the sessions path, §7 R405).
// - Every other answer carries the headers the Fetch standard advises for
//   caches: with `*`, Access-Control-Allow-Origin: * and no Vary; with a list,
//   Vary: Origin, and the request's Origin echoed back when it is listed.
//   They are set before the route runs, so Starlette's own header order
//   (content-length, content-type last) stays as it is after them.
import cors, { type FastifyCorsOptions } from '@fastify/cors'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    // A route's own CORS options over the plugin's, read by its hook.
    cors?: FastifyCorsOptions
  }
}

// The emulated API (and /openapi.json, /health): GETs with the API key, and
// Prefer for per-request faults.
const API_CORS = { methods: ['GET'], allowedHeaders: ['Meibel-API-Key', 'Content-Type', 'Prefer'] }
// The control API: its methods, JSON bodies and the admin token.
const ADMIN_CORS = { methods: ['GET', 'POST', 'DELETE'], allowedHeaders: ['Content-Type', 'Authorization'] }

const isPreflight = (request: FastifyRequest): boolean =>
  request.headers.origin !== undefined && request.headers.origin !== '' &&
  request.headers['access-control-request-method'] !== undefined && request.headers['access-control-request-method'] !== ''

interface CorsOptions {
  origins: '*' | readonly string[]
  // The control API's prefix; null with --no-admin.
  adminPrefix: string | null
  // What FastAPI's router answers a request no route takes (the app's
  // not-found handler, src/fastapi/routing.ts): every OPTIONS, as FastAPI
  // declares no OPTIONS route.
  unrouted: (request: FastifyRequest, reply: FastifyReply) => FastifyReply
}

export const registerCors = async (app: FastifyInstance, { origins, adminPrefix, unrouted }: CorsOptions): Promise<void> => {
  // Before the plugin's hook, which would answer every OPTIONS as a preflight
  // (or a 400 'Invalid Preflight Request').
  // Synchronous: no promise per request; answering, it does not call done.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'OPTIONS' && !isPreflight(request)) unrouted(request, reply)
    else done()
  })
  await app.register(cors, { origin: origins === '*' ? '*' : [...origins], ...API_CORS })
  // The plugin's own `OPTIONS *` route takes every other preflight; this one
  // only carries the control API's methods and headers (the plugin reads a
  // route's config.cors). Its handler never runs: the hook answers first.
  if (adminPrefix !== null) {
    app.options(`${adminPrefix}/*`, { schema: { hide: true }, config: { cors: ADMIN_CORS } }, unrouted)
  }
}
