// TypeBox's errors in words that say what is allowed, for the two places that
// check values against these schemas: the control API (src/admin/validation.ts)
// and the fixture files (src/seed/fixtures.ts). TypeBox's own message for a
// union is "Expected union value", and for a free-form object (a kind of its
// own, src/schemas/list-sessions.ts) "Expected kind 'FreeFormObject'".
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/value'

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
export const mostSpecific = (error: ValueError): ValueError => {
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

// `expected <what is allowed>` where TypeBox's message does not say it, else undefined.
export const allowedBy = (error: ValueError): string | undefined =>
  error.type === ValueErrorType.Union || error.type === ValueErrorType.Kind ? `expected ${describeSchema(error.schema)}` : undefined
