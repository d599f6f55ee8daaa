// Tests for src/fastapi/lax-int.ts. Expected values come from two places only:
// - hand-written rows taken from the fidelity document (§5 of docs/fidelity.md);
// - pydantic-cases.json (./pydantic-cases.ts), from pydantic's TypeAdapter(int).
// Never from the output of the code under test.
import t from 'tap'
import fc from 'fast-check'
import { parseLaxInt } from '../../src/fastapi/lax-int.js'
import { golden, show } from './pydantic-cases.js'

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
