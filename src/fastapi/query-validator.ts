// The schema-driven query validator: which values a route's handler gets and
// which 422 entries FastAPI would send, in declaration order (§4, §5, §6).
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
import { parseLaxInt, smallStrictInt } from './lax-int.js'

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
