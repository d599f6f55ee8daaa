// Tests for src/fastapi/query.ts. Expected values come from two places only:
// - hand-written rows taken from the fidelity document (§4, §5, §6 of
//   docs/fidelity.md);
// - pydantic-cases.json, written by gen-pydantic-cases.py from CPython,
//   pydantic and a real FastAPI app driven over ASGI.
// Never from the output of the code under test.
import t, { type Test } from 'tap'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { Type, type TObject } from '@sinclair/typebox'
import { compileQueryValidator, parseLaxInt, parseQueryString, unquote } from '../../src/fastapi/query.js'
import { FastApiValidationError, validationErrorBody, type ValidationErrorEntry } from '../../src/fastapi/errors.js'
import { ListSessionsQuerySchema, SESSION_STATUSES, SORT_FIELDS } from '../../src/schemas/list-sessions.js'

// ---------------------------------------------------------------------------
// Golden data
// ---------------------------------------------------------------------------

type IntVerdict = { value: string } | { ok: true } | { error: string; ctx?: Record<string, unknown> }
interface IntCase { input: string; int: { value: string } | { error: string }; offset: IntVerdict; limit: IntVerdict }
interface QslCase { raw: string; pairs: Array<[string, string]>; dict: Array<[string, string]> }
interface PipelineCase { raw: string; status: 200 | 422; body: string }
interface Golden {
  versions: Record<string, string>
  intCases: IntCase[]
  codePoints: { prefixAccepted: Array<[number, string]>; suffixAccepted: Array<[number, string]> }
  qsl: QslCase[]
  unquoteSingleBytes: Array<[string, string]>
  unquoteRandom: Array<[string, string]>
  queries: PipelineCase[]
  strictLiterals: Record<string, string[]>
  strictQueries: PipelineCase[]
}

const golden = JSON.parse(readFileSync(new URL('./pydantic-cases.json', import.meta.url), 'utf8')) as Golden

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
const show = (s: string): string => s.length > 60 ? `${JSON.stringify(s.slice(0, 30))}…(${s.length} chars)` : JSON.stringify(s)

// ---------------------------------------------------------------------------
// §4 query-string parsing: the document's rows, by hand
// ---------------------------------------------------------------------------

t.test('§4 parseQueryString: rows of the fidelity document', async (t) => {
  const rows: Array<[string, Record<string, string>]> = [
    ['', {}],
    ['offset=1;limit=0', { offset: '1;limit=0' }], // `;` is not a separator
    ['offset', { offset: '' }],
    ['offset=', { offset: '' }],
    ['&&offset=1&&', { offset: '1' }],
    ['a=b=c', { a: 'b=c' }],
    ['offset=%FF', { offset: '\uFFFD' }],
    ['offset=%ZZ', { offset: '%ZZ' }],
    ['offset=%4', { offset: '%4' }],
    ['offset=%', { offset: '%' }],
    ['offset=+3', { offset: ' 3' }],
    ['offset=%2B3', { offset: '+3' }],
    ['%6Fffset=abc', { offset: 'abc' }],
    ['Offset=abc', { Offset: 'abc' }],
    ['offset=1&offset=2', { offset: '2' }],
    ['offset=abc&offset=2', { offset: '2' }],
    ['offset=2&offset=abc', { offset: 'abc' }],
    ['a+b=c+d', { 'a b': 'c d' }],
    ['x=%C3%A9', { x: 'é' }]
  ]
  for (const [raw, expected] of rows) {
    const got = parseQueryString(raw)
    t.equal(Object.getPrototypeOf(got), null, `${raw}: null prototype`)
    t.strictSame({ ...got }, expected, JSON.stringify(raw))
  }
})

t.test('§4 parseQueryString: __proto__ and constructor are plain keys', async (t) => {
  const got = parseQueryString('__proto__=1&constructor=2&toString=3')
  t.equal(got['__proto__'], '1')
  t.equal(got['constructor'], '2')
  t.equal(got['toString'], '3')
  t.strictSame(Object.keys(got), ['__proto__', 'constructor', 'toString'])
})

t.test('§4 parseQueryString: raw non-ASCII (latin-1 chars) passes through, escapes around it stay apart', async (t) => {
  // CPython's unquote decodes only ASCII runs: `%C3` + raw U+00A9 + nothing
  // joins into nothing; each side is decoded on its own.
  t.strictSame({ ...parseQueryString('a=\u00e9') }, { a: '\u00e9' })
  t.strictSame({ ...parseQueryString('a=%C3\u00a9%A9') }, { a: '\uFFFD\u00a9\uFFFD' })
  t.strictSame({ ...parseQueryString('\u00c3\u00a9=%C3%A9') }, { '\u00c3\u00a9': 'é' })
  t.strictSame({ ...parseQueryString('a=x\u00e9') }, { a: 'x\u00e9' }) // no `%`: left alone
  t.strictSame({ ...parseQueryString('a=\u00e9%41\u00e9') }, { a: '\u00e9A\u00e9' })
})

t.test('§4 parseQueryString: CPython rows from pydantic-cases.json', async (t) => {
  t.ok(golden.qsl.length >= 400, 'a few hundred query strings')
  const mismatches: unknown[] = []
  for (const c of golden.qsl) {
    const got = parseQueryString(c.raw)
    const expected = new Map(c.dict)
    const keys = Object.keys(got)
    const same = Object.getPrototypeOf(got) === null && keys.length === expected.size &&
      keys.every((k) => expected.get(k) === got[k])
    if (!same) mismatches.push({ raw: c.raw, expected: c.dict, got: { ...got } })
  }
  t.strictSame(mismatches, [])
})

t.test('§4 percent-decoding: every single byte %00-%FF as CPython unquote_plus does it', async (t) => {
  t.equal(golden.unquoteSingleBytes.length, 256)
  for (const [escaped, expected] of golden.unquoteSingleBytes) {
    t.equal(parseQueryString('a=' + escaped)['a'], expected, `value ${escaped}`)
    t.equal(Object.keys(parseQueryString(escaped + '=1'))[0], expected, `name ${escaped}`)
    // `&` and `=` decoded from %26/%3D are data, not structure.
    t.equal(unquote(escaped), expected, `unquote ${escaped}`)
  }
})

t.test('§4 percent-decoding: random multi-byte and invalid UTF-8 as CPython unquote_plus does it', async (t) => {
  t.ok(golden.unquoteRandom.length >= 1000)
  const mismatches: unknown[] = []
  for (const [escaped, expected] of golden.unquoteRandom) {
    const asValue = parseQueryString('a=' + escaped)['a']
    const asName = Object.keys(parseQueryString(escaped + '=v'))[0]
    const direct = unquote(escaped.replaceAll('+', ' '))
    if (asValue !== expected || asName !== expected || direct !== expected) {
      mismatches.push({ escaped, expected, asValue, asName, direct })
    }
  }
  t.strictSame(mismatches, [])
})

t.test('unquote: CPython urllib.parse.unquote, `+` kept', async (t) => {
  t.equal(unquote('a+b%20c'), 'a+b c')
  t.equal(unquote('/v2/agents/a%2Fb/sessions'), '/v2/agents/a/b/sessions')
  t.equal(unquote('no-escapes'), 'no-escapes')
  t.equal(unquote('%E2%82%AC%E2%82'), '\u20ac\uFFFD')
  t.equal(unquote('%EF%BB%BFx'), '\uFEFFx') // a BOM is data, not stripped
  t.equal(unquote('%%41%'), '%A%')
})

t.test('parseQueryString: fast-check, an encodeURIComponent-built query gives the last value per key', async (t) => {
  const text = fc.string({ unit: 'binary', maxLength: 12 })
  t.doesNotThrow(() => fc.assert(fc.property(
    fc.array(fc.tuple(fc.oneof(text, fc.constantFrom('offset', 'limit', '__proto__')), text), { maxLength: 8 }),
    fc.boolean(),
    (pairs, plusForSpace) => {
      const enc = (s: string): string => {
        const e = encodeURIComponent(s)
        return plusForSpace ? e.replaceAll('%20', '+') : e
      }
      const raw = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
      const expected = new Map<string, string>()
      for (const [k, v] of pairs) expected.set(k, v)
      const got = parseQueryString(raw)
      const keys = Object.keys(got)
      return keys.length === expected.size && keys.every((k) => got[k] === expected.get(k))
    }
  )))
})

t.test('parseQueryString: fast-check, never throws and yields only strings', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(
    fc.string({ unit: fc.constantFrom('a', '=', '&', '%', '+', ';', '2', 'B', 'F', 'Z', '\u00e9', '\u20ac', ' ') }),
    (raw) => Object.values(parseQueryString(raw)).every((v) => typeof v === 'string')
  )))
})

t.test('parseQueryString: many segments without `=` stay linear', async (t) => {
  const raw = 'a&'.repeat(200_000) + 'b=1'
  const start = process.hrtime.bigint()
  const got = parseQueryString(raw)
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  t.strictSame({ ...got }, { a: '', b: '1' })
  t.ok(ms < 2000, `took ${ms.toFixed(1)} ms`)
})

// ---------------------------------------------------------------------------
// §5 str → int: the document's rows, by hand
// ---------------------------------------------------------------------------

t.test('§5 parseLaxInt: accepted column of the document', async (t) => {
  const rows: Array<[string, bigint]> = [
    ['1.0', 1n], ['1.00', 1n], [' 1 ', 1n], [' 3', 3n], ['+3', 3n], ['1_000', 1000n], ['007', 7n],
    ['00', 0n], ['-0', 0n], ['1_0.0', 10n], ['0_1', 1n], ['\u20031', 1n], ['\u00a01', 1n], ['\t1', 1n],
    ['-1.0', -1n], ['1' + '0'.repeat(4299), 10n ** 4299n]
  ]
  for (const [input, value] of rows) t.strictSame(parseLaxInt(input), { ok: true, value }, show(input))
})

t.test('§5 parseLaxInt: rejected column of the document', async (t) => {
  const rows = ['abc', '1.5', '1.', '.0', '0x10', '0b1', '1e3', '1e0', '+-1', '1__0', '_1', '0_', '1.0_0',
    '\u2460', '\uff11', 'Infinity', 'NaN', '-', '+', '', 'null', '\ufeff1', '\u200b1', ' ' + '1'.repeat(4301)]
  for (const input of rows) t.strictSame(parseLaxInt(input), { ok: false, type: 'int_parsing' }, show(input))
})

t.test('§5 parseLaxInt: the 4300-char limit applies to the strict pass only', async (t) => {
  const d4300 = '1' + '0'.repeat(4299)
  t.strictSame(parseLaxInt(d4300 + '0'), { ok: false, type: 'int_parsing_size' }, '4301 digits')
  t.strictSame(parseLaxInt('-' + d4300), { ok: false, type: 'int_parsing_size' }, 'sign counts')
  t.strictSame(parseLaxInt(' ' + d4300 + '0'), { ok: false, type: 'int_parsing' }, 'after cleanup: int_parsing')
  t.strictSame(parseLaxInt('-1' + '0'.repeat(4298)), { ok: true, value: -(10n ** 4298n) }, 'signed, 4300 chars')
})

t.test('§5 parseLaxInt: U+0085 is trimmed, U+FEFF is not (unlike String.prototype.trim)', async (t) => {
  t.strictSame(parseLaxInt('\u00851\u0085'), { ok: true, value: 1n })
  t.strictSame(parseLaxInt('\ufeff1'), { ok: false, type: 'int_parsing' })
  t.strictSame(parseLaxInt('1\ufeff'), { ok: false, type: 'int_parsing' })
})

// ---------------------------------------------------------------------------
// §5 str → int: pydantic's own verdicts
// ---------------------------------------------------------------------------

t.test('§5 parseLaxInt agrees with TypeAdapter(int) on every golden input', async (t) => {
  t.ok(golden.intCases.length >= 500, 'a few hundred inputs')
  const mismatches: unknown[] = []
  for (const c of golden.intCases) {
    const got = parseLaxInt(c.input)
    const expected = 'value' in c.int ? { ok: true, value: BigInt(c.int.value) } : { ok: false, type: c.int.error }
    const same = got.ok === expected.ok &&
      (got.ok ? got.value === expected.value : got.type === expected.type)
    if (!same) mismatches.push({ input: show(c.input), expected: 'value' in c.int ? c.int.value : c.int.error, got: got.ok ? String(got.value) : got.type })
  }
  t.strictSame(mismatches, [])
})

t.test('§5 parseLaxInt: every code point before and after "1", as pydantic trims it', async (t) => {
  const prefix = new Map(golden.codePoints.prefixAccepted.map(([cp, v]) => [cp, BigInt(v)]))
  const suffix = new Map(golden.codePoints.suffixAccepted.map(([cp, v]) => [cp, BigInt(v)]))
  t.ok(prefix.has(0x85) && !prefix.has(0xfeff), 'the golden scan has U+0085 and not U+FEFF')
  const mismatches: unknown[] = []
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue
    const c = String.fromCodePoint(cp)
    for (const [input, accepted] of [[c + '1', prefix], ['1' + c, suffix]] as const) {
      const got = parseLaxInt(input)
      const want = accepted.get(cp)
      if (want === undefined ? got.ok : !got.ok || got.value !== want) mismatches.push({ cp: cp.toString(16), input })
    }
  }
  t.strictSame(mismatches, [])
})

// Rust White_Space, as the golden scan found it (code points that pydantic
// strips before "1" and that are not themselves part of a number).
const RUST_WHITESPACE = golden.codePoints.prefixAccepted
  .filter(([cp, v]) => v === '1' && cp !== 0x2b && cp !== 0x30)
  .map(([cp]) => String.fromCodePoint(cp))

t.test('§5 parseLaxInt: fast-check, any integer\'s decimal string round-trips up to 4300 chars', async (t) => {
  t.equal(RUST_WHITESPACE.length, 25, 'Unicode has 25 White_Space characters')
  t.doesNotThrow(() => fc.assert(fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), (n) => {
    const got = parseLaxInt(n.toString())
    return got.ok && got.value === n
  })))
  const longDigits = fc.tuple(fc.constantFrom('', '-'), fc.integer({ min: 1, max: 4400 }), fc.integer({ min: 1, max: 9 }))
    .map(([sign, len, first]) => sign + String(first) + '7'.repeat(len - 1))
  t.doesNotThrow(() => fc.assert(fc.property(longDigits, (s) => {
    const got = parseLaxInt(s)
    return s.length <= 4300 ? got.ok && got.value === BigInt(s) : !got.ok && got.type === 'int_parsing_size'
  })))
})

t.test('§5 parseLaxInt: fast-check, zero-padded, underscore-grouped, `.0+`, signed, spaced forms of n parse to n', async (t) => {
  const form = fc.record({
    n: fc.bigInt({ min: 0n, max: 10n ** 200n }),
    zeros: fc.array(fc.constantFrom('0', '0_'), { maxLength: 4 }),
    cuts: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 6 }),
    decimals: fc.integer({ min: 0, max: 4 }),
    sign: fc.constantFrom('', '+', '-'),
    lead: fc.array(fc.constantFrom(...RUST_WHITESPACE), { maxLength: 2 }),
    trail: fc.array(fc.constantFrom(...RUST_WHITESPACE), { maxLength: 2 })
  })
  t.doesNotThrow(() => fc.assert(fc.property(form, ({ n, zeros, cuts, decimals, sign, lead, trail }) => {
    // split the digits into groups of the drawn sizes, joined by single `_`
    const digits = n.toString()
    const groups: string[] = []
    let at = 0
    for (const cut of cuts) {
      if (at + cut >= digits.length) break
      groups.push(digits.slice(at, at + cut))
      at += cut
    }
    groups.push(digits.slice(at))
    const text = lead.join('') + sign + zeros.join('') + groups.join('_') +
      (decimals > 0 ? '.' + '0'.repeat(decimals) : '') + trail.join('')
    const got = parseLaxInt(text)
    return got.ok && got.value === (sign === '-' ? -n : n)
  })))
})

t.test('§5 parseLaxInt: fast-check, Rust whitespace around an accepted input changes nothing', async (t) => {
  const numberish = fc.string({ unit: fc.constantFrom('0', '1', '9', '_', '.', '-', '+', ' '), minLength: 1, maxLength: 10 })
  t.doesNotThrow(() => fc.assert(fc.property(numberish, fc.constantFrom(...RUST_WHITESPACE), (s, w) => {
    const plain = parseLaxInt(s)
    fc.pre(plain.ok)
    const spaced = parseLaxInt(w + s + w)
    return plain.ok && spaced.ok && spaced.value === plain.value
  })))
})

t.test('§5 parseLaxInt: fast-check, never throws', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
    const got = parseLaxInt(s)
    return got.ok ? typeof got.value === 'bigint' : got.type === 'int_parsing' || got.type === 'int_parsing_size'
  })))
})

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
