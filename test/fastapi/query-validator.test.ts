// Tests for src/fastapi/query-validator.ts. Expected values come from two
// places only:
// - hand-written rows taken from the fidelity document (§4, §5, §6 of
//   docs/fidelity.md);
// - pydantic-cases.json (./pydantic-cases.ts), from pydantic and a real
//   FastAPI app driven over ASGI.
// Never from the output of the code under test.
import t, { type Test } from 'tap'
import fc from 'fast-check'
import { Type, type TObject } from '@sinclair/typebox'
import { FastApiValidationError, validationErrorBody, type ValidationErrorEntry } from '../../src/fastapi/errors.js'
import { parseLaxInt } from '../../src/fastapi/lax-int.js'
import { compileQueryValidator } from '../../src/fastapi/query-validator.js'
import { parseQueryString } from '../../src/fastapi/urllib.js'
import { ListSessionsQuerySchema, SESSION_STATUSES, SORT_FIELDS } from '../../src/schemas/list-sessions.js'
import { golden, show, type PipelineCase } from './pydantic-cases.js'

const validate = compileQueryValidator(ListSessionsQuerySchema)
const DECLARATION_ORDER = ['offset', 'limit', 'sort_by', 'sort_order', 'status']

const MSG_INT = 'Input should be a valid integer, unable to parse string as an integer'
const MSG_SIZE = 'Unable to parse input string as an integer, exceeded maximum size'

// The detail list of a failed validation, or a test failure.
const detailOf = (result: ReturnType<typeof validate>): readonly ValidationErrorEntry[] => {
  if (!('error' in result)) throw new Error(`expected a 422, got ${JSON.stringify(result.value)}`)
  return result.error.detail
}
const valueOf = (result: ReturnType<typeof validate>): Record<string, unknown> => {
  if (!('value' in result)) throw new Error(`expected success, got ${JSON.stringify(result.error.detail)}`)
  return result.value
}
const bodyOf = (raw: string): string => validationErrorBody(detailOf(validate(parseQueryString(raw))))

// ---------------------------------------------------------------------------
// Validator: §4, §5, §6 by hand
// ---------------------------------------------------------------------------

t.test('§4 validator: absent params get their defaults, blank ones are validated', async (t) => {
  t.strictSame(valueOf(validate(parseQueryString(''))),
    { offset: 0, limit: null, sort_by: 'start_time', sort_order: 'desc', status: null })
  t.strictSame(Object.keys(valueOf(validate(parseQueryString('')))), DECLARATION_ORDER)
  t.strictSame(valueOf(validate(parseQueryString('status=&sort_by='))),
    { offset: 0, limit: null, sort_by: '', sort_order: 'desc', status: '' })
  t.strictSame(valueOf(validate(parseQueryString('Offset=abc&unknown=x'))),
    { offset: 0, limit: null, sort_by: 'start_time', sort_order: 'desc', status: null })
  t.strictSame(valueOf(validate(parseQueryString('offset=abc&offset=2&limit=%2B3&sort_order=asc'))),
    { offset: 2, limit: 3, sort_by: 'start_time', sort_order: 'asc', status: null })
  t.strictSame(detailOf(validate(parseQueryString('offset='))).map((e) => [e.type, e.input]), [['int_parsing', '']])
  t.strictSame(detailOf(validate(parseQueryString('limit='))).map((e) => [e.type, e.input]), [['int_parsing', '']])
  t.strictSame(detailOf(validate(parseQueryString('limit=null'))).map((e) => [e.type, e.input]), [['int_parsing', 'null']])
  t.strictSame(detailOf(validate(parseQueryString('sort_order='))).map((e) => [e.type, e.input]), [['string_pattern_mismatch', '']])
})

t.test('§6 validator: exact 422 bytes for the document\'s examples', async (t) => {
  const rows: Array<[string, string]> = [
    ['offset=-1.0', '{"detail":[{"type":"greater_than_equal","loc":["query","offset"],"msg":"Input should be greater than or equal to 0","input":"-1.0","ctx":{"ge":0}}]}'],
    ['limit=0', '{"detail":[{"type":"greater_than_equal","loc":["query","limit"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}'],
    ['limit=-5', '{"detail":[{"type":"greater_than_equal","loc":["query","limit"],"msg":"Input should be greater than or equal to 1","input":"-5","ctx":{"ge":1}}]}'],
    ['offset=%FF', `{"detail":[{"type":"int_parsing","loc":["query","offset"],"msg":"${MSG_INT}","input":"\uFFFD"}]}`],
    ['offset=1;limit=0', `{"detail":[{"type":"int_parsing","loc":["query","offset"],"msg":"${MSG_INT}","input":"1;limit=0"}]}`],
    ['%6Fffset=abc', `{"detail":[{"type":"int_parsing","loc":["query","offset"],"msg":"${MSG_INT}","input":"abc"}]}`],
    ['offset=2&offset=abc', `{"detail":[{"type":"int_parsing","loc":["query","offset"],"msg":"${MSG_INT}","input":"abc"}]}`],
    ['sort_order=asc%0A', '{"detail":[{"type":"string_pattern_mismatch","loc":["query","sort_order"],"msg":"String should match pattern \'^(asc|desc)$\'","input":"asc\\n","ctx":{"pattern":"^(asc|desc)$"}}]}'],
    ['offset=' + '9'.repeat(4301), `{"detail":[{"type":"int_parsing_size","loc":["query","offset"],"msg":"${MSG_SIZE}","input":"${'9'.repeat(4301)}"}]}`],
    // Declaration order, not URL order; sort_by and status accept anything.
    ['status=x&sort_order=x&sort_by=x&limit=x&offset=x',
      `{"detail":[{"type":"int_parsing","loc":["query","offset"],"msg":"${MSG_INT}","input":"x"},` +
      `{"type":"int_parsing","loc":["query","limit"],"msg":"${MSG_INT}","input":"x"},` +
      '{"type":"string_pattern_mismatch","loc":["query","sort_order"],"msg":"String should match pattern \'^(asc|desc)$\'","input":"x","ctx":{"pattern":"^(asc|desc)$"}}]}']
  ]
  for (const [raw, body] of rows) t.equal(bodyOf(raw), body, show(raw))
  // The U+FFFD goes out as raw UTF-8 (EF BF BD), not as an escape.
  t.ok(Buffer.from(bodyOf('offset=%FF')).includes(Buffer.from([0xef, 0xbf, 0xbd])))
})

t.test('§6 validator: entry key order, ctx only where pydantic has one, loc is a fresh [query, name]', async (t) => {
  const detail = detailOf(validate(parseQueryString('sort_order=x&offset=-1&limit=abc')))
  t.strictSame(detail.map((e) => Object.keys(e)), [
    ['type', 'loc', 'msg', 'input', 'ctx'],
    ['type', 'loc', 'msg', 'input'],
    ['type', 'loc', 'msg', 'input', 'ctx']
  ])
  t.strictSame(detail.map((e) => e.loc), [['query', 'offset'], ['query', 'limit'], ['query', 'sort_order']])
  const again = detailOf(validate(parseQueryString('sort_order=x&offset=-1&limit=abc')))
  t.not(again[0]!.loc, detail[0]!.loc, 'a caller mutating one 422 cannot change the next')
  const result = validate(parseQueryString('offset=x'))
  t.ok('error' in result && result.error instanceof FastApiValidationError)
  t.equal('error' in result ? result.error.statusCode : 0, 422)
})

t.test('validator: fast-check, the integer fast path and parseLaxInt give the same verdicts', async (t) => {
  const v = compileQueryValidator(Type.Object({ n: Type.Integer({ default: 0 }), m: Type.Integer({ minimum: 3, default: 3 }) }))
  const numberish = fc.oneof(
    fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '-', '+', '_', '.', ' '), maxLength: 18 }),
    fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String)
  )
  t.doesNotThrow(() => fc.assert(fc.property(numberish, (s) => {
    const lax = parseLaxInt(s)
    const result = v({ n: s, m: s })
    if (!lax.ok) return 'error' in result && result.error.detail.length === 2 && result.error.detail.every((e) => e.type === lax.type)
    const n = Number(lax.value)
    if (lax.value < 3n) return 'error' in result && result.error.detail.length === 1 && result.error.detail[0]!.type === 'greater_than_equal'
    return 'value' in result && Object.is(result.value['n'], n) && Object.is(result.value['m'], n)
  }), { numRuns: 2000 }))
})

t.test('validator: huge accepted integers become JS numbers (precision loss is intended)', async (t) => {
  const big = valueOf(validate(parseQueryString('offset=99999999999999999999&limit=' + '9'.repeat(400))))
  t.equal(big['offset'], 1e20)
  t.equal(big['limit'], Infinity)
})

t.test('validator: fast-check, never throws; one entry per bad param, in declaration order', async (t) => {
  // Pools whose verdicts are known independently of the code under test:
  // pydantic's own (golden) for the ints, the pattern's exact-match set for
  // sort_order, "anything goes" for sort_by and status (§5).
  const ints = golden.intCases.filter((c) => c.input.length < 60)
  const intSpec = fc.constantFrom(...ints)
  const sortOrder = fc.oneof(fc.constantFrom('asc', 'desc', 'ASC', 'asc\n', ' asc', '', 'ascdesc'), fc.string({ unit: 'binary', maxLength: 6 }))
  const anyText = fc.string({ unit: 'binary', maxLength: 8 })
  type Seg = { name: string; text: string; bad?: string }
  const seg: fc.Arbitrary<Seg> = fc.oneof(
    intSpec.map((c) => ({ name: 'offset', text: c.input, ...('error' in c.offset ? { bad: c.offset.error } : {}) })),
    intSpec.map((c) => ({ name: 'limit', text: c.input, ...('error' in c.limit ? { bad: c.limit.error } : {}) })),
    anyText.map((text) => ({ name: 'sort_by', text })),
    sortOrder.map((text) => ({ name: 'sort_order', text, ...(text === 'asc' || text === 'desc' ? {} : { bad: 'string_pattern_mismatch' }) })),
    anyText.map((text) => ({ name: 'status', text })),
    anyText.map((text) => ({ name: 'unknown', text, bad: 'ignored' }))
  )
  t.doesNotThrow(() => fc.assert(fc.property(fc.array(seg, { maxLength: 10 }), (segs) => {
    const raw = segs.map((s) => `${encodeURIComponent(s.name)}=${encodeURIComponent(s.text)}`).join('&')
    const last = new Map<string, Seg>()
    for (const s of segs) last.set(s.name, s)
    const expected = DECLARATION_ORDER.flatMap((name) => {
      const s = last.get(name)
      return s?.bad === undefined ? [] : [{ type: s.bad, loc: ['query', name], input: s.text }]
    })
    const result = validate(parseQueryString(raw))
    if (expected.length === 0) return 'value' in result
    if (!('error' in result)) return false
    const got = result.error.detail.map((e) => ({ type: e.type, loc: e.loc, input: e.input }))
    return JSON.stringify(got) === JSON.stringify(expected)
  })))
  t.doesNotThrow(() => fc.assert(fc.property(fc.string({ unit: 'binary' }), (raw) => {
    const result = validate(parseQueryString(raw))
    return ('value' in result) !== ('error' in result)
  })))
})

// ---------------------------------------------------------------------------
// Validator: pydantic's and FastAPI's own verdicts
// ---------------------------------------------------------------------------

t.test('§5 validator: offset (ge=0) and limit (Optional, ge=1) agree with pydantic on every golden input', async (t) => {
  const mismatches: unknown[] = []
  for (const c of golden.intCases) {
    for (const name of ['offset', 'limit'] as const) {
      const verdict = c[name]
      const result = validate({ [name]: c.input })
      if ('error' in verdict) {
        const detail = 'error' in result ? result.error.detail : []
        const entry = detail[0] as (ValidationErrorEntry & { ctx?: unknown }) | undefined
        if (detail.length !== 1 || entry?.type !== verdict.error || JSON.stringify(entry.ctx) !== JSON.stringify(verdict.ctx) ||
          entry.input !== c.input) {
          mismatches.push({ name, input: show(c.input), expected: verdict, got: detail })
        }
      } else {
        const want = 'value' in c.int ? Number(BigInt(c.int.value)) : NaN
        if (!('value' in result) || result.value[name] !== want) mismatches.push({ name, input: show(c.input), expected: want, got: result })
      }
    }
  }
  t.strictSame(mismatches, [])
})

const checkPipeline = (t: Test, cases: PipelineCase[], run: (q: Record<string, string>) => ReturnType<typeof validate>): void => {
  const mismatches: unknown[] = []
  for (const c of cases) {
    const result = run(parseQueryString(c.raw))
    if (c.status === 422) {
      const got = 'error' in result ? validationErrorBody(result.error.detail) : `200 ${JSON.stringify(result.value)}`
      // The entries must serialize to the app's bytes with plain JSON.stringify too.
      const plain = 'error' in result ? JSON.stringify({ detail: result.error.detail }) : ''
      if (got !== c.body || plain !== c.body) mismatches.push({ raw: show(c.raw), expected: c.body, got })
    } else {
      const body = JSON.parse(c.body) as Record<string, string | null>
      const expected: Record<string, unknown> = {}
      for (const name of DECLARATION_ORDER) {
        const v = body[name]
        expected[name] = (name === 'offset' || name === 'limit') && v !== null && v !== undefined ? Number(BigInt(v)) : v
      }
      const got = 'value' in result ? result.value : {}
      const same = Object.keys(got).join() === DECLARATION_ORDER.join() &&
        DECLARATION_ORDER.every((name) => Object.is(got[name], expected[name]))
      if (!same) mismatches.push({ raw: show(c.raw), expected, got: 'value' in result ? got : result.error.detail })
    }
  }
  t.strictSame(mismatches, [])
}

t.test('§3-§6 validator: byte-identical to a real FastAPI 0.142 app on every golden query', async (t) => {
  t.ok(golden.queries.length >= 250)
  t.ok(golden.queries.some((c) => c.status === 200) && golden.queries.some((c) => c.status === 422))
  checkPipeline(t, golden.queries, validate)
})

t.test('--strict literals: byte-identical to the app declared with Literal[...] params', async (t) => {
  // The golden app's literal lists are the schema module's constants.
  t.strictSame(golden.strictLiterals, { sort_by: [...SORT_FIELDS], status: [...SESSION_STATUSES] })
  const strict = compileQueryValidator(ListSessionsQuerySchema, { literals: { sort_by: SORT_FIELDS, status: SESSION_STATUSES } })
  t.strictSame(valueOf(strict({})), { offset: 0, limit: null, sort_by: 'start_time', sort_order: 'desc', status: null },
    'a nullable literal param that is absent is still null')
  checkPipeline(t, golden.strictQueries, strict)
})

// ---------------------------------------------------------------------------
// compileQueryValidator on other schemas
// ---------------------------------------------------------------------------

t.test('compileQueryValidator: generic over the supported shapes', async (t) => {
  const v = compileQueryValidator(Type.Object({
    n: Type.Integer({ default: 7 }), // no minimum: negatives pass
    m: Type.Union([Type.Null(), Type.Integer({ minimum: -3 })], { default: 5 }), // Null first, with a default
    constructor: Type.String({ default: 'd' })
  }))
  t.strictSame(valueOf(v({})), { n: 7, m: 5, constructor: 'd' }, 'inherited names of a plain object are not values')
  t.strictSame(valueOf(v({ n: '-12', m: '-3', constructor: 'x' })), { n: -12, m: -3, constructor: 'x' })
  t.strictSame(detailOf(v({ m: '-4' })), [{ type: 'greater_than_equal', loc: ['query', 'm'], msg: 'Input should be greater than or equal to -3', input: '-4', ctx: { ge: -3 } }])
})

t.test('--strict literals: a single allowed value renders as pydantic renders Literal[\'X\']', async (t) => {
  // From pydantic 2.13: TypeAdapter(Optional[Literal['X']]).validate_python('y')
  const v = compileQueryValidator(ListSessionsQuerySchema, { literals: { status: ['X'] } })
  t.strictSame(detailOf(v({ status: 'y' })),
    [{ type: 'literal_error', loc: ['query', 'status'], msg: "Input should be 'X'", input: 'y', ctx: { expected: "'X'" } }])
  t.equal(valueOf(v({ status: 'X' }))['status'], 'X')
})

t.test('compileQueryValidator: refuses shapes it does not emulate', async (t) => {
  const bad: Array<[string, TObject, Record<string, readonly string[]>?]> = [
    ['unsupported schema kind', Type.Object({ x: Type.Number({ default: 1 }) })],
    ["keyword 'maximum'", Type.Object({ x: Type.Integer({ maximum: 5, default: 0 }) })],
    ["keyword 'maxLength'", Type.Object({ x: Type.String({ maxLength: 5, default: '' }) })],
    ['minimum must be a safe integer', Type.Object({ x: Type.Integer({ minimum: 0.5, default: 1 }) })],
    ['pattern must be a string', Type.Object({ x: Type.String({ pattern: 5 as unknown as string, default: '' }) })],
    ['a default is required', Type.Object({ x: Type.Integer() })],
    ['a default is required', Type.Object({ x: Type.Optional(Type.String()) })],
    ['only Union([X, Null])', Type.Object({ x: Type.Union([Type.Integer(), Type.String(), Type.Null()]) })],
    ['only Union([X, Null])', Type.Object({ x: Type.Union([Type.Integer(), Type.String()], { default: 1 }) })],
    ['literals cannot be combined with a pattern', ListSessionsQuerySchema, { sort_order: ['asc'] }],
    ['literals apply to string params only', ListSessionsQuerySchema, { offset: ['1'] }],
    ['literals given for unknown query param', ListSessionsQuerySchema, { nope: ['1'] }],
    ['literals must not be empty', ListSessionsQuerySchema, { status: [] }]
  ]
  for (const [message, schema, literals] of bad) {
    t.throws(() => compileQueryValidator(schema, literals === undefined ? undefined : { literals }), { message: new RegExp(message.replace(/[()[\]]/g, '\\$&')) }, message)
  }
})

t.test('golden data came from the pinned reference stack', async (t) => {
  t.match(golden.versions, { fastapi: '0.142.2', pydantic: /^2\.13\./, python: /^3\.11\./ })
})
