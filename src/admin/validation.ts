// The control API validates bodies, path and query with TypeBox (not AJV),
// and a failure is a 422 naming where it is: `record 2 (session_id "s-9"):
// field "status": expected ...` for a list body, `field "seed": ...` for an
// object, `query parameter "limit": ...`, `path parameter "agent_id": ...`.
import type { FastifySchema, FastifySchemaCompiler } from 'fastify'
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import { InvalidError } from '../errors.js'
import { recordLabel } from '../seed/record-errors.js'

// What a schema accepts, for union messages: `one of "RUNNING", "FAILED"`, `string or null`.
export const describeSchema = (schema: TSchema): string => {
  if (KindGuard.IsUnion(schema)) {
    if (schema.anyOf.every((s) => KindGuard.IsLiteral(s))) return `one of ${schema.anyOf.map(describeSchema).join(', ')}`
    return schema.anyOf.map(describeSchema).join(' or ')
  }
  if (KindGuard.IsLiteral(schema)) return JSON.stringify(schema.const)
  if (KindGuard.IsTuple(schema)) return `[${(schema.items ?? []).map(describeSchema).join(', ')}]`
  return schema.type === 'array' ? 'a list' : String(schema.type)
}

const depth = (error: ValueError): number => error.path === '' ? 0 : error.path.split('/').length - 1

// The JSON type of a value, and whether a schema is of that type.
const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value
const sameType = (schema: TSchema, value: unknown): boolean => {
  const type = jsonType(value)
  if (KindGuard.IsLiteral(schema)) return jsonType(schema.const) === type
  return schema.type === type || (schema.type === 'integer' && type === 'number')
}

// A union reports itself; the variant that got furthest into the value says
// more (a list body with a bad status in record 2 fails the object variant
// at the top, the list variant at /2/status), and so does the only variant
// of the value's type (600001 for `integer or [integer, integer]`).
const mostSpecific = (error: ValueError): ValueError => {
  if (error.type !== ValueErrorType.Union) return error
  // Every variant failed, so each has a first error, in the order of anyOf.
  const firsts = error.errors.map((variant) => variant.First()!)
  let best: ValueError | undefined
  for (const first of firsts) {
    if (depth(first) > depth(error) && (best === undefined || depth(first) > depth(best))) best = first
  }
  if (best !== undefined) return mostSpecific(best)
  const variants = error.schema.anyOf as TSchema[]
  const ofType = variants.filter((s) => sameType(s, error.value))
  return ofType.length === 1 ? mostSpecific(firsts[variants.indexOf(ofType[0]!)]!) : error
}

const messageOf = (error: ValueError): string => {
  if (error.type === ValueErrorType.Union) return `expected ${describeSchema(error.schema)}`
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
export const locate = (httpPart: string, value: unknown, path: string): string => {
  const parts = segments(path)
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

// Path and query values arrive as strings: converted (as "5" to 5) before the check.
export const typeBoxValidatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart = 'body' }) => {
  const typed = schema as TSchema
  return (data: unknown) => {
    const value = httpPart === 'body' ? data : Value.Convert(typed, data)
    const error = Value.Errors(typed, value).First()
    if (error === undefined) return { value }
    return { error: new InvalidError(describeError(httpPart, value, error)) }
  }
}
