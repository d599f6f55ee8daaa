// The control API validates bodies, path and query with TypeBox (not AJV),
// and a failure is a 422 naming where it is: `record 2 (session_id "s-9"):
// field "status": expected ...` for a list body, `field "seed": ...` for an
// object, `query parameter "limit": ...`, `path parameter "agent_id": ...`.
import type { FastifySchema, FastifySchemaCompiler } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import { InvalidError } from '../errors.js'
import { allowedBy, mostSpecific } from '../schemas/value-errors.js'
import { recordLabel } from '../seed/record-errors.js'

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
