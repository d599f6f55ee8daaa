// Faults on the emulated API: an onRequest hook of the List Sessions route,
// placed after routing and before the API-key check. After routing, because
// a fault stands for the service (or a proxy in front of it) failing for an
// operation, so 404/405/307 answers stay FastAPI's; before the key check,
// because such failures do not depend on credentials, and a test can then
// fault a request without a valid key. A matching rule wins over the
// request's Prefer header.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify'
import { JSON_CONTENT_TYPE } from '../fastapi/errors.js'
import { bodyAllowedForStatus, httpExceptionBody } from '../fastapi/status-phrases.js'
import type { Journal } from '../journal/request-journal.js'
import type { FaultPlan, FaultRules } from './fault-rules.js'
import { parsePrefer } from './prefer.js'

declare module 'fastify' {
  interface FastifyRequest {
    // The fault applied to the request (a rule id or "prefer"), for the journal.
    faultId: string | null
  }
}

export interface FaultHookOptions {
  // null: only Prefer headers (the control API is off).
  rules: FaultRules | null
  journal: Journal | null
  // The statuses the spec lists for the route: Prefer asks for normal behaviour with them.
  listed: ReadonlySet<number>
  // Aborted at the shutdown deadline: a pending delay ends there and the
  // request is answered (with Connection: close) before its connection goes.
  deadline?: AbortSignal | undefined
}

const NO_HEADERS: FaultPlan['headers'] = []
// The deadline of a server built without one (tests, the programmatic API without start).
const NEVER = new AbortController().signal

const preferPlan = (header: string | undefined, listed: ReadonlySet<number>): FaultPlan | null => {
  if (header === undefined) return null
  const preferences = parsePrefer(header, listed)
  if (preferences === null) return null
  const { code, delayMs } = preferences
  const payload = code === null || !bodyAllowedForStatus(code) ? null : httpExceptionBody(code)
  return { fault: 'prefer', delayMs: delayMs ?? 0, drop: false, headers: NO_HEADERS, status: code, payload, contentType: JSON_CONTENT_TYPE }
}

// Synchronous (no promise per request); answering instead of the route
// sends the reply without calling done, so Fastify stops there. A delay
// ends early when the deadline aborts (also one aborted already).
export const makeFaultHook = ({ rules, journal, listed, deadline = NEVER }: FaultHookOptions): onRequestHookHandler =>
  (request, reply, done) => {
    const { agent_id: agentId } = request.params as { agent_id: string }
    // Node joins repeated Prefer headers with ", ", which RFC 7240 reads as one list.
    const plan = rules?.take(agentId, request.query as Record<string, string>) ?? preferPlan(request.headers.prefer as string | undefined, listed)
    if (plan === null) { done(); return }
    request.faultId = plan.fault
    if (plan.delayMs === 0 || deadline.aborted) { apply(plan, request, reply, done, journal); return }
    const end = (): void => {
      clearTimeout(timer)
      deadline.removeEventListener('abort', end)
      apply(plan, request, reply, done, journal)
    }
    const timer = setTimeout(end, plan.delayMs)
    deadline.addEventListener('abort', end)
  }

const apply = (plan: FaultPlan, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, journal: Journal | null): void => {
  if (plan.drop) {
    reply.hijack()
    request.raw.socket.destroy()
    journal?.record(request, null, reply.elapsedTime)
    return
  }
  for (const [name, value] of plan.headers) reply.header(name, value)
  if (plan.status === null) { done(); return }
  reply.code(plan.status)
  if (plan.payload === null) { reply.send(); return }
  if (plan.contentType !== null) reply.type(plan.contentType)
  reply.send(plan.payload)
}
