// pydantic v2's lax str → int (`str_as_int`), with jiter's strict pass and
// pydantic-core's cleanup, quirks included (§5 INT).
// Section numbers (§) refer to docs/fidelity.md.

export type LaxIntResult =
  | { ok: true; value: bigint }
  | { ok: false; type: 'int_parsing' | 'int_parsing_size' }

// §5 INT: jiter refuses a number text (sign included) longer than this.
const MAX_INT_CHARS = 4300

const INT_PARSING: LaxIntResult = Object.freeze({ ok: false, type: 'int_parsing' } as const)
const INT_PARSING_SIZE: LaxIntResult = Object.freeze({ ok: false, type: 'int_parsing_size' } as const)

// Outcome of jiter's `NumberInt::try_from`: the value, `null` for "not a JSON
// integer", or 'size' for a digit run that overflowed the 4300-char limit.
type StrictInt = bigint | null | 'size'

// §5 INT: jiter `NumberInt::try_from`: the whole string must be a JSON
// integer: `-?(0|[1-9][0-9]*)`. The size limit is checked on the sign+digit
// run as soon as it is scanned, before looking at what follows it, so
// 4301 digits followed by `.0`, ` ` or `x` are still a size error (checked
// against pydantic; §5 does not spell this out).
const strictInt = (s: string): StrictInt => {
  const len = s.length
  let i = 0
  if (s.charCodeAt(0) === 0x2d) i = 1 // '-'
  const first = s.charCodeAt(i)
  if (first === 0x30) return len === i + 1 ? 0n : null // '0', '-0' → 0n; '01', '0.5' fail
  if (!(first >= 0x31 && first <= 0x39)) return null // also NaN: empty, or a lone '-'
  let j = i + 1
  while (j < len) {
    const c = s.charCodeAt(j)
    if (c < 0x30 || c > 0x39) break
    j++
  }
  if (j > MAX_INT_CHARS) return 'size'
  if (j !== len) return null
  return BigInt(s)
}

// §5 INT: Rust `char::is_whitespace` (Unicode White_Space). Differs from JS
// `String.prototype.trim`: U+0085 is whitespace here, U+FEFF is not.
const isRustWhitespace = (c: number): boolean =>
  (c >= 0x09 && c <= 0x0d) || c === 0x20 ||
  (c >= 0x80 && (c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000))

// Rust `str::trim`. Every White_Space character is in the BMP, so working on
// UTF-16 code units is exact.
const rustTrim = (s: string): string => {
  let a = 0
  let b = s.length
  while (a < b && isRustWhitespace(s.charCodeAt(a))) a++
  while (b > a && isRustWhitespace(s.charCodeAt(b - 1))) b--
  return a === 0 && b === s.length ? s : s.slice(a, b)
}

// §5 INT: pydantic-core `strip_leading_zeros`. `_` counts as part of the zero
// run (so `0__1` is 1 although `1__0` fails), a `-` after the run is kept (so
// `0-5` is −5), and a `.` keeps the last zero before it (`00.0` → `0.0`).
// The first two are not in §5; both checked against pydantic.
const stripLeadingZeros = (s: string): string | null => {
  const first = s.charCodeAt(0)
  if (first !== 0x30) return (first >= 0x31 && first <= 0x39) || first === 0x2d ? s : null
  const len = s.length
  for (let i = 1; i < len; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x30 || c === 0x5f) continue // '0' '_'
    if ((c >= 0x31 && c <= 0x39) || c === 0x2d) return s.slice(i)
    if (c === 0x2e) return s.slice(i - 1) // '.'
    return null
  }
  // All zeros/underscores: keep the last char (`_` then fails later).
  return s.slice(len - 1)
}

const ALL_ZEROS = /^0+$/

// §5 INT: pydantic-core `clean_int_str`. Its final "nothing was removed →
// None" check is left out: the cleaned text is then the original, whose strict
// parse already failed, so the outcome (int_parsing) is the same.
const cleanIntStr = (input: string): string | null => {
  let s = rustTrim(input)
  if (s.charCodeAt(0) === 0x2b) { // one leading '+', not followed by '-'
    if (s.charCodeAt(1) === 0x2d) return null
    s = s.slice(1)
  }
  let sign = ''
  if (s.charCodeAt(0) === 0x2d) { // one leading '-', not followed by '-' or '+'
    const next = s.charCodeAt(1)
    if (next === 0x2d || next === 0x2b) return null
    sign = '-'
    s = s.slice(1)
  }
  const stripped = stripLeadingZeros(s)
  if (stripped === null) return null
  s = stripped
  const dot = s.indexOf('.')
  if (dot !== -1 && ALL_ZEROS.test(s.slice(dot + 1))) s = s.slice(0, dot) // trailing `.0+`
  // `_` are dropped only when none leads, trails or is doubled.
  if (s.indexOf('_') !== -1 && s.charCodeAt(0) !== 0x5f && s.charCodeAt(s.length - 1) !== 0x5f &&
    s.indexOf('__') === -1) {
    s = s.replaceAll('_', '')
  }
  return sign + s
}

/** pydantic v2 lax-mode str → int (`str_as_int`), exactly per §5. */
export function parseLaxInt (input: string): LaxIntResult {
  // §5 INT: strict JSON-integer pass; only here can the size limit give int_parsing_size.
  const strict = strictInt(input)
  if (typeof strict === 'bigint') return { ok: true, value: strict }
  if (strict === 'size') return INT_PARSING_SIZE
  const cleaned = cleanIntStr(input)
  if (cleaned === null) return INT_PARSING
  // §5 INT: after cleanup any failure, size included, is int_parsing.
  const value = strictInt(cleaned)
  return typeof value === 'bigint' ? { ok: true, value } : INT_PARSING
}

// Hot path for the usual case, a plain JSON integer of at most 15 chars: it is
// exact as a JS number, so no BigInt is made. Anything else → undefined, and
// parseLaxInt decides. Same verdicts as strictInt on these inputs.
export const smallStrictInt = (s: string): number | undefined => {
  const len = s.length
  if (len === 0 || len > 15) return undefined
  const negative = s.charCodeAt(0) === 0x2d
  let i = negative ? 1 : 0
  const first = s.charCodeAt(i) // NaN for a lone '-'
  if (first === 0x30) return len === i + 1 ? 0 : undefined // '-0' is 0, not -0
  if (!(first >= 0x31 && first <= 0x39)) return undefined
  let n = 0
  for (; i < len; i++) {
    const d = s.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) return undefined
    n = n * 10 + d
  }
  return negative ? -n : n
}
