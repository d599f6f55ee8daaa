// Fault rules added through POST /__admin/faults, and what they make of one
// request to List Sessions (a FaultPlan). Rules are tried in the order they
// were added and the first that matches and is not used up applies, so
// "first a 503, then a 429, then normal" is three rules with times: 1.
import { InvalidError } from '../errors.js'
import { JSON_CONTENT_TYPE } from '../fastapi/errors.js'
import { bodyAllowedForStatus, httpExceptionBody } from '../fastapi/status-phrases.js'
import type { FaultRuleInput } from '../schemas/admin.js'
import { fnv1a } from '../seed/generate.js'

// What to do with one request, in this order: wait, then drop the
// connection, or add the headers and, with a status, answer instead.
export interface FaultPlan {
  // The rule id, or "prefer" for a Prefer header.
  fault: string
  delayMs: number
  drop: boolean
  headers: ReadonlyArray<readonly [string, string]>
  // null: the normal answer (after the delay, with the headers).
  status: number | null
  // null: no body.
  payload: string | null
  // null: the rule's headers set it.
  contentType: string | null
}

interface FaultRuleView {
  id: string
  match: FaultRuleInput['match']
  status: number | null
  headers: Record<string, string>
  body?: unknown
  delay_ms: number | [number, number] | null
  drop: boolean
  times: number | null
  hits: number
  remaining: number | null
}

export interface FaultRules {
  add: (input: FaultRuleInput) => FaultRuleView
  list: () => FaultRuleView[]
  // False when there is no rule with this id.
  remove: (id: string) => boolean
  // The number of rules removed.
  clear: () => number
  // Clears the rules and restarts their numbering, as right after start.
  reset: () => void
  // The plan of the first matching rule, counting the request as one of its times.
  take: (agentId: string, query: Readonly<Record<string, string>>) => FaultPlan | null
}

interface Rule {
  view: FaultRuleView
  matchQuery: ReadonlyArray<readonly [string, string]>
  plan: Omit<FaultPlan, 'delayMs'>
  nextDelay: () => number
}

// Mulberry32: a small seeded PRNG for delay ranges, never Math.random.
const mulberry32 = (seed: number): (() => number) => {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Content-Length and Transfer-Encoding follow from the body; setting them
// would corrupt the answer.
const COMPUTED_HEADERS = new Set(['content-length', 'transfer-encoding'])

const invalid = (field: string, message: string): InvalidError => new InvalidError(`field "${field}": ${message}`)

const contentTypeOf = (headers: Readonly<Record<string, string>>): string | undefined =>
  Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1]

// The answer a rule sends instead of the normal one, or null for none.
const answerOf = (input: FaultRuleInput): Pick<FaultPlan, 'status' | 'payload' | 'contentType'> => {
  const headers = input.headers ?? {}
  if (input.body !== undefined) {
    const contentType = contentTypeOf(headers)
    // A string with a non-JSON content type is sent as is (an HTML error page from a proxy, say).
    if (typeof input.body === 'string' && contentType !== undefined && !/json/i.test(contentType)) {
      return { status: input.status ?? 200, payload: input.body, contentType: null }
    }
    return { status: input.status ?? 200, payload: JSON.stringify(input.body), contentType: contentType === undefined ? JSON_CONTENT_TYPE : null }
  }
  if (input.status === undefined) return { status: null, payload: null, contentType: null }
  if (!bodyAllowedForStatus(input.status)) return { status: input.status, payload: null, contentType: null }
  const payload = httpExceptionBody(input.status)
  if (payload === null) throw invalid('status', `${input.status} has no HTTP status phrase for FastAPI's body; give a body`)
  return { status: input.status, payload, contentType: JSON_CONTENT_TYPE }
}

// `seedOf`: the current seed, which delay ranges are drawn from.
export const makeFaultRules = (seedOf: () => number): FaultRules => {
  let rules: Rule[] = []
  let added = 0

  const add = (input: FaultRuleInput): FaultRuleView => {
    const headers = input.headers ?? {}
    for (const name of Object.keys(headers)) {
      if (COMPUTED_HEADERS.has(name.toLowerCase())) throw invalid('headers', `${name} is computed from the body and cannot be set`)
    }
    const delay = input.delay_ms ?? null
    if (Array.isArray(delay) && delay[0] > delay[1]) throw invalid('delay_ms', `[min, max] with min > max: [${delay[0]}, ${delay[1]}]`)
    const answer = answerOf(input)
    const number = ++added
    const id = `f${number}`
    const random = mulberry32(fnv1a(`${seedOf()}/${number}`))
    const view: FaultRuleView = {
      id,
      match: input.match,
      status: answer.status,
      headers,
      ...(input.body === undefined ? {} : { body: input.body }),
      delay_ms: delay,
      drop: input.drop ?? false,
      times: input.times ?? null,
      hits: 0,
      remaining: input.times ?? null
    }
    rules.push({
      view,
      matchQuery: Object.entries(input.match.query ?? {}),
      plan: { fault: id, drop: view.drop, headers: Object.entries(headers), ...answer },
      nextDelay: delay === null
        ? () => 0
        : typeof delay === 'number' ? () => delay : () => delay[0] + Math.floor(random() * (delay[1] - delay[0] + 1))
    })
    return { ...view }
  }

  const matches = (rule: Rule, agentId: string, query: Readonly<Record<string, string>>): boolean => {
    if (rule.view.remaining === 0) return false
    const wanted = rule.view.match.agent_id
    if (wanted !== undefined && wanted !== agentId) return false
    for (const [name, value] of rule.matchQuery) if (query[name] !== value) return false
    return true
  }

  return {
    add,
    list: () => rules.map((r) => ({ ...r.view })),
    remove: (id) => {
      const before = rules.length
      rules = rules.filter((r) => r.view.id !== id)
      return rules.length < before
    },
    clear: () => {
      const n = rules.length
      rules = []
      return n
    },
    reset: () => {
      rules = []
      added = 0
    },
    take: (agentId, query) => {
      for (const rule of rules) {
        if (!matches(rule, agentId, query)) continue
        rule.view.hits++
        if (rule.view.remaining !== null) rule.view.remaining--
        return { ...rule.plan, delayMs: rule.nextDelay() }
      }
      return null
    }
  }
}
