// The control API validates bodies, path and query with TypeBox (not AJV),
// and a failure is a 422 naming where it is: `record 2 (session_id "s-9"):
// field "status": expected ...` for a list body, `field "seed": ...` for an
// object, `query parameter "limit": ...`, `path parameter "agent_id": ...`.
import type { FastifySchema, FastifySchemaCompiler } from 'fastify'
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import { InvalidError } from '../errors.js'
import { allowedBy, mostSpecific } from '../schemas/value-errors.js'
import { LONE_SURROGATE, loneSurrogatePath, recordLabel } from '../seed/record-errors.js'

// Where test/admin/validation.test.ts finds it.
export { describeSchema } from '../schemas/value-errors.js'

const messageOf = (error: ValueError): string => {
  const allowed = allowedBy(error)
  if (allowed !== undefined) return allowed
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'required'
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const patterns = Object.keys(error.schema.patternProperties ?? {})
    return patterns.length === 0 ? 'unknown field' : `the name must match ${patterns.join(', ')}`
  }
  return error.message.charAt(0).toLowerCase() + error.message.slice(1)
}

// JSON Pointer segments (`~1` is `/`, `~0` is `~`).
const segments = (path: string): string[] =>
  path === '' ? [] : path.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))

// Where an error is, in words.
export const locate = (httpPart: string, value: unknown, path: string): string => locateParts(httpPart, value, segments(path))

const locateParts = (httpPart: string, value: unknown, parts: string[]): string => {
  if (httpPart === 'querystring') return `query parameter "${parts.join('.')}"`
  if (httpPart === 'params') return `path parameter "${parts.join('.')}"`
  if (parts.length === 0) return 'body'
  if (Array.isArray(value)) {
    const [index, ...field] = parts as [string, ...string[]]
    const record = recordLabel(index, value[Number(index)])
    return field.length === 0 ? record : `${record}: field "${field.join('.')}"`
  }
  return `field "${parts.join('.')}"`
}

export const describeError = (httpPart: string, value: unknown, error: ValueError): string => {
  const specific = mostSpecific(error)
  return `${locate(httpPart, value, specific.path)}: ${messageOf(specific)}`
}

// Path and query values arrive as strings: where the schema wants an
// integer, a decimal integer becomes a number (as "5" to 5) before the
// check, and anything else stays a string, which fails it. (TypeBox's
// Value.Convert reads them as parseInt does: "1e300" as 1, "2.9" as 2.)
const DECIMAL_INTEGER = /^-?\d+$/
const convert = (schema: TSchema, data: unknown): unknown => {
  if (!KindGuard.IsObject(schema) || typeof data !== 'object' || data === null) return data
  return Object.fromEntries(Object.entries(data).map(([key, value]) => {
    const property = schema.properties[key]
    const integer = property !== undefined && KindGuard.IsInteger(property) && typeof value === 'string' && DECIMAL_INTEGER.test(value)
    return [key, integer ? Number(value) : value]
  }))
}

export const typeBoxValidatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart = 'body' }) => {
  const typed = schema as TSchema
  return (data: unknown) => {
    const value = httpPart === 'body' ? data : convert(typed, data)
    const error = Value.Errors(typed, value).First()
    if (error === undefined) return { value }
    return { error: new InvalidError(describeError(httpPart, value, error)) }
  }
}

// What the control API keeps it writes again as JSON (the store's columns,
// fault bodies, its answers), with JSON.stringify and fast-json-stringify,
// which recurse: a few thousand levels of nesting overflow their stack (a
// 500). Hence a limit far below that, anywhere in a body (the body itself is
// level 1: `[{"token_usage": {}}]` is 3 levels).
export const MAX_JSON_DEPTH = 64
export const TOO_DEEP = `nested deeper than ${MAX_JSON_DEPTH} levels`
// JSON.parse reads a number beyond a double's range (1e400) as Infinity,
// which JSON.stringify would write as null.
const OUT_OF_RANGE = 'a number beyond the range of a double (about ±1.8e308)'

// The first place, in document order, where a parsed body nests too deep or
// holds a number JSON.parse made infinite (then the first string with a lone
// surrogate), as an InvalidError naming the
// record and field (for nesting, the field of the record or body it is in).
// Walked with a stack of its own, not by recursion.
export const checkParsedBody = (body: unknown): void => {
  const where = (parts: string[]): string => locateParts('body', body, parts)
  const stack: Array<{ value: unknown, parts: string[] }> = [{ value: body, parts: [] }]
  while (stack.length > 0) {
    const { value, parts } = stack.pop()!
    if (typeof value === 'number' && !Number.isFinite(value)) throw new InvalidError(`${where(parts)}: ${OUT_OF_RANGE}`)
    if (typeof value !== 'object' || value === null) continue
    if (parts.length === MAX_JSON_DEPTH) throw new InvalidError(`${where(parts.slice(0, Array.isArray(body) ? 2 : 1))}: ${TOO_DEEP}`)
    const entries = Object.entries(value)
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], parts: [...parts, entries[i]![0]] })
  }
  // §15: a string the real service could not send.
  const lone = loneSurrogatePath(body)
  if (lone !== null) throw new InvalidError(`${where(lone)}: ${LONE_SURROGATE}`)
}

// Whether a text nests brackets deeper than MAX_JSON_DEPTH, for a body
// JSON.parse refused: V8's parser is not recursive (Node 20 parses ten
// million levels), but should one throw a RangeError on deep input, or the
// text be both deep and broken, the answer is the 422 for nesting. Bytes,
// not characters: no byte of a multi-byte UTF-8 character is a bracket,
// quote or backslash.
export const nestsTooDeep = (text: Uint8Array): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}
