// FastAPI-compatible query parsing and validation: the one place that decides
// what the real service would make of a query string (§4), of a string meant
// as an int (§5), and which 422 entries it would send (§6).
// Section numbers (§) refer to docs/fidelity.md.
import { KindGuard, type TObject, type TSchema } from '@sinclair/typebox'
import {
  FastApiValidationError,
  MSG_INT_PARSING,
  MSG_INT_PARSING_SIZE,
  literalExpected,
  msgGreaterThanEqual,
  msgLiteral,
  msgPatternMismatch,
  type ValidationErrorEntry
} from './errors.js'

// ---------------------------------------------------------------------------
// Query string → name/value map (§4 QS, DUP)
// ---------------------------------------------------------------------------

const PERCENT = 0x25

// Hex digit value, or -1. CPython's unquote_to_bytes accepts exactly
// [0-9A-Fa-f] in both positions.
const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

// Decodes one run of ASCII characters that contains a `%` the way
// `unquote_to_bytes(run).decode('utf-8', 'replace')` does.
// §4 QS: Buffer's UTF-8 decoder substitutes one U+FFFD per maximal invalid
// subpart, as CPython's 'replace' handler does (checked byte-for-byte against
// CPython in test/fastapi/pydantic-cases.json), and, unlike a default
// TextDecoder, keeps a leading BOM as CPython's 'utf-8' codec does.
const unquoteAsciiRun = (run: string): string => {
  const bytes = Buffer.allocUnsafe(run.length)
  let n = 0
  const len = run.length
  for (let i = 0; i < len; i++) {
    const c = run.charCodeAt(i)
    if (c === PERCENT && i + 2 < len) {
      const hi = hexValue(run.charCodeAt(i + 1))
      const lo = hexValue(run.charCodeAt(i + 2))
      if (hi >= 0 && lo >= 0) {
        bytes[n++] = (hi << 4) | lo
        i += 2
        continue
      }
    }
    // §4 QS: a malformed escape (`%ZZ`, `%4`, a trailing `%`) stays literal.
    bytes[n++] = c
  }
  return bytes.toString('utf8', 0, n)
}

/**
 * CPython's `urllib.parse.unquote(s)` (UTF-8, errors='replace'); `+` is kept.
 * Only runs of ASCII characters are percent-decoded; any other character
 * passes through unchanged, which also keeps escapes on either side of it
 * from joining into one UTF-8 sequence. Also what uvicorn applies to the path.
 */
// §4 QS: raw non-ASCII (latin-1 chars from `req.url`) is unsettled upstream;
// passing it through is what CPython does with the latin-1-decoded string.
export function unquote (s: string): string {
  if (s.indexOf('%') === -1) return s
  let out = ''
  let runStart = 0
  const len = s.length
  let i = 0
  while (i < len) {
    if (s.charCodeAt(i) > 0x7f) {
      if (i > runStart) out += unquoteAsciiRun(s.slice(runStart, i))
      const otherStart = i
      while (i < len && s.charCodeAt(i) > 0x7f) i++
      out += s.slice(otherStart, i)
      runStart = i
    } else {
      i++
    }
  }
  if (len > runStart) out += unquoteAsciiRun(s.slice(runStart))
  return out
}

// §4 QS: `+` becomes a space BEFORE percent-decoding (`%2B` stays a `+`).
const unquotePlus = (s: string): string => unquote(s.indexOf('+') === -1 ? s : s.replaceAll('+', ' '))

/**
 * Starlette's `QueryParams(query_string)`: `parse_qsl(raw, keep_blank_values=True)`
 * folded into a dict where the last duplicate wins.
 * `raw` is the part of the request target after the first `?`, as Node gives
 * it in `req.url` (raw bytes as latin-1 chars). The result has a null
 * prototype so that `__proto__` or `constructor` are ordinary keys.
 */
export function parseQueryString (raw: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  const len = raw.length
  // Fast path: without `%` or `+` nothing needs decoding.
  const decode = raw.indexOf('%') !== -1 || raw.indexOf('+') !== -1
  // Position of the next `=` at or after `start`; remembered across segments
  // so that many `=`-less segments do not rescan the rest of the string.
  let nextEq = -2
  let start = 0
  while (start < len) {
    let end = raw.indexOf('&', start) // §4 QS: only `&` separates, `;` does not
    if (end === -1) end = len
    if (end > start) { // §4 QS: empty segments (`&&`, leading/trailing `&`) are skipped
      if (nextEq < start && nextEq !== -1) nextEq = raw.indexOf('=', start)
      let name: string
      let value: string
      if (nextEq === -1 || nextEq > end) {
        name = raw.slice(start, end) // §4 QS: a key without `=` gets ""
        value = ''
      } else {
        name = raw.slice(start, nextEq) // §4 QS: split at the first `=` only
        value = raw.slice(nextEq + 1, end)
      }
      if (decode) {
        name = unquotePlus(name)
        value = unquotePlus(value)
      }
      out[name] = value // §4 DUP: the last duplicate wins
    }
    start = end + 1
  }
  return out
}

// ---------------------------------------------------------------------------
// pydantic v2 lax str → int (§5 INT)
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Schema-driven query validator (§4, §5, §6)
// ---------------------------------------------------------------------------

export type QueryValidationResult =
  | { value: Record<string, unknown> }
  | { error: FastApiValidationError }

export interface QueryValidatorOptions {
  /** `--strict`: these string params accept only the listed values (pydantic `Literal`). */
  literals?: Readonly<Record<string, readonly string[]>>
}

// Validates one present value: stores the value to hand the route under the
// param's name in `out`, or returns the param's one 422 entry.
type Check = (raw: string, out: Record<string, unknown>) => ValidationErrorEntry | undefined

interface CompiledField {
  name: string
  absent: unknown
  check: Check
}

// Validation keywords this module does not emulate: refusing them at compile
// time beats silently accepting values the real service would reject.
const UNSUPPORTED_KEYWORDS = [
  'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'format', 'enum', 'const'
] as const

const rejectUnsupported = (name: string, schema: TSchema): void => {
  for (const keyword of UNSUPPORTED_KEYWORDS) {
    if (keyword in schema) throw new Error(`query param '${name}': keyword '${keyword}' is not supported`)
  }
}

// Hot path for the usual case, a plain JSON integer of at most 15 chars: it is
// exact as a JS number, so no BigInt is made. Anything else → undefined, and
// parseLaxInt decides. Same verdicts as strictInt on these inputs.
const smallStrictInt = (s: string): number | undefined => {
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

const compileInteger = (name: string, schema: TSchema): Check => {
  rejectUnsupported(name, schema)
  const minimum: unknown = schema.minimum
  if (minimum !== undefined && (typeof minimum !== 'number' || !Number.isSafeInteger(minimum))) {
    throw new Error(`query param '${name}': minimum must be a safe integer`)
  }
  // pydantic `ge`, precomputed: the bound as BigInt for the comparison, the
  // number for ctx, the rendered message.
  const ge = minimum === undefined ? undefined : { min: BigInt(minimum), value: minimum, msg: msgGreaterThanEqual(minimum) }
  return (raw, out) => {
    const small = smallStrictInt(raw)
    if (small !== undefined && (ge === undefined || small >= ge.value)) {
      out[name] = small
      return undefined
    }
    const parsed = parseLaxInt(raw)
    if (!parsed.ok) {
      // §6: int_parsing(_size) entries have no ctx; input is the decoded string.
      return {
        type: parsed.type,
        loc: ['query', name],
        msg: parsed.type === 'int_parsing' ? MSG_INT_PARSING : MSG_INT_PARSING_SIZE,
        input: raw
      }
    }
    if (ge !== undefined && parsed.value < ge.min) {
      // §5 GE: checked after parsing; the entry echoes the original string
      // and ctx.ge is a JSON number (§6).
      return { type: 'greater_than_equal', loc: ['query', name], msg: ge.msg, input: raw, ctx: { ge: ge.value } }
    }
    // Beyond 2^53 this loses precision or becomes Infinity (§11.4 leaves huge
    // values to the application): callers only compare offsets and limits
    // with small totals, where any such value behaves like "very large".
    out[name] = Number(parsed.value)
    return undefined
  }
}

// A string check: the value is kept as is when accepted, else the entry.
const acceptWhen = (name: string, accepts: (raw: string) => boolean, reject: (raw: string) => ValidationErrorEntry): Check =>
  (raw, out) => {
    if (accepts(raw)) {
      out[name] = raw
      return undefined
    }
    return reject(raw)
  }

const compileString = (name: string, schema: TSchema, literals: readonly string[] | undefined): Check => {
  rejectUnsupported(name, schema)
  const pattern: unknown = schema.pattern
  if (pattern !== undefined) {
    if (typeof pattern !== 'string') throw new Error(`query param '${name}': pattern must be a string`)
    if (literals !== undefined) throw new Error(`query param '${name}': literals cannot be combined with a pattern`)
    // §5 PAT: matched as is, no strip, no case folding. JS RegExp without
    // flags agrees with Rust regex `is_match` for `^(asc|desc)$` (`$` only at
    // the end of the text); other patterns would need checking.
    const re = new RegExp(pattern)
    const msg = msgPatternMismatch(pattern)
    return acceptWhen(name, (raw) => re.test(raw),
      (raw) => ({ type: 'string_pattern_mismatch', loc: ['query', name], msg, input: raw, ctx: { pattern } }))
  }
  if (literals !== undefined) {
    if (literals.length === 0) throw new Error(`query param '${name}': literals must not be empty`)
    const allowed = new Set(literals)
    const msg = msgLiteral(literals)
    const expected = literalExpected(literals)
    // pydantic's literal_error, as `Literal[...]` / `Optional[Literal[...]]` give it.
    return acceptWhen(name, (raw) => allowed.has(raw),
      (raw) => ({ type: 'literal_error', loc: ['query', name], msg, input: raw, ctx: { expected } }))
  }
  // §5: unconstrained strings accept anything, `""` included.
  return (raw, out) => {
    out[name] = raw
    return undefined
  }
}

// Splits `Union([X, Null])` into X; returns the schema itself otherwise.
const unwrapNullable = (name: string, schema: TSchema): { inner: TSchema; nullable: boolean } => {
  if (!KindGuard.IsUnion(schema)) return { inner: schema, nullable: false }
  const members = schema.anyOf
  const others = members.filter((m) => !KindGuard.IsNull(m))
  if (members.length !== 2 || others.length !== 1) {
    throw new Error(`query param '${name}': only Union([X, Null]) is supported`)
  }
  return { inner: others[0]!, nullable: true }
}

const compileField = (name: string, schema: TSchema, literals: readonly string[] | undefined): CompiledField => {
  const { inner, nullable } = unwrapNullable(name, schema)
  let absent: unknown
  // §4: an absent param gets its default; a nullable one without default gets null.
  if ('default' in schema) absent = schema.default
  else if (nullable) absent = null
  else throw new Error(`query param '${name}': a default is required (FastAPI's "missing" is not emulated)`)
  let check: Check
  if (KindGuard.IsInteger(inner)) {
    if (literals !== undefined) throw new Error(`query param '${name}': literals apply to string params only`)
    check = compileInteger(name, inner)
  } else if (KindGuard.IsString(inner)) {
    check = compileString(name, inner, literals)
  } else {
    throw new Error(`query param '${name}': unsupported schema kind`)
  }
  return { name, absent, check }
}

/**
 * Compiles a validator for the TypeBox object schema of a route's query.
 * Properties are validated in declaration order, which is the order of the
 * 422 entries (§3.4, §6); at most one entry per param; unknown params are
 * ignored (§4). Present values, `""` included, are always validated (§4).
 */
export function compileQueryValidator (
  schema: TObject,
  options: QueryValidatorOptions = {}
): (query: Record<string, string>) => QueryValidationResult {
  const literals = options.literals ?? {}
  for (const name of Object.keys(literals)) {
    if (!Object.hasOwn(schema.properties, name)) throw new Error(`literals given for unknown query param '${name}'`)
  }
  const fields = Object.entries(schema.properties).map(([name, prop]) =>
    compileField(name, prop, Object.hasOwn(literals, name) ? literals[name] : undefined))
  const count = fields.length

  return (query) => {
    const value: Record<string, unknown> = {}
    let errors: ValidationErrorEntry[] | undefined
    for (let i = 0; i < count; i++) {
      const field = fields[i]!
      const raw = query[field.name]
      // Anything but a string (absent, or inherited from a plain object's
      // prototype) counts as absent.
      if (typeof raw !== 'string') {
        value[field.name] = field.absent
        continue
      }
      const entry = field.check(raw, value)
      if (entry !== undefined) (errors ??= []).push(entry)
    }
    return errors === undefined ? { value } : { error: new FastApiValidationError(errors) }
  }
}
