// Tests for src/fastapi/urllib.ts. Expected values come from two places only:
// - hand-written rows taken from the fidelity document (§4 of docs/fidelity.md);
// - pydantic-cases.json (./pydantic-cases.ts), from CPython.
// Never from the output of the code under test.
import t from 'tap'
import fc from 'fast-check'
import { parseQueryString, unquote } from '../../src/fastapi/urllib.js'
import { golden } from './pydantic-cases.js'

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
  // eslint-disable-next-line no-proto -- deliberate: '__proto__' is an own, plain key of the null-prototype result (§4)
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
