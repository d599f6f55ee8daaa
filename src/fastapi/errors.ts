// Every error body the emulated API sends, byte for byte as FastAPI/Starlette
// send them. Messages are named constants so tests assert against the same text.
// Section numbers (§) refer to docs/fidelity.md.

export const NOT_FOUND_BODY = '{"detail":"Not Found"}' // §7 R404
export const METHOD_NOT_ALLOWED_BODY = '{"detail":"Method Not Allowed"}' // §7 R405
export const NOT_AUTHENTICATED_BODY = '{"detail":"Not authenticated"}' // §7 AUTH
// Not in the fidelity document (§11.3: a wrong key is application code); the
// emulator's choice, stated in the README under "Where the emulator decides".
export const INVALID_API_KEY_BODY = '{"detail":"Invalid API key"}'

// FastAPI's security scheme challenge, sent with every 401 (§7).
export const API_KEY_CHALLENGE = 'APIKey'
// Starlette's media type for JSON: no charset parameter (§6, §9).
export const JSON_CONTENT_TYPE = 'application/json'

// pydantic-core messages (§5, §6; pydantic-core/src/errors/types.rs).
export const MSG_INT_PARSING = 'Input should be a valid integer, unable to parse string as an integer'
export const MSG_INT_PARSING_SIZE = 'Unable to parse input string as an integer, exceeded maximum size'
export const msgGreaterThanEqual = (ge: number): string => `Input should be greater than or equal to ${ge}`
export const msgPatternMismatch = (pattern: string): string => `String should match pattern '${pattern}'`
// pydantic's literal_error, used only by --strict for sort_by and status.
export const literalExpected = (values: readonly string[]): string => {
  const quoted = values.map((v) => `'${v}'`)
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`
}
export const msgLiteral = (values: readonly string[]): string => `Input should be ${literalExpected(values)}`

// One entry of FastAPI's 422 `detail` list. Key order is part of the contract:
// type, loc, msg, input, then ctx only when the error has context (§6).
export type ValidationErrorEntry =
  | { type: 'int_parsing' | 'int_parsing_size'; loc: [string, string]; msg: string; input: string }
  | { type: 'greater_than_equal'; loc: [string, string]; msg: string; input: string; ctx: { ge: number } }
  | { type: 'string_pattern_mismatch'; loc: [string, string]; msg: string; input: string; ctx: { pattern: string } }
  | { type: 'literal_error'; loc: [string, string]; msg: string; input: string; ctx: { expected: string } }

// Thrown by the query validator; the error handler turns it into the 422.
export class FastApiValidationError extends Error {
  readonly statusCode = 422
  constructor (readonly detail: readonly ValidationErrorEntry[]) {
    super('Request validation failed')
    this.name = 'FastApiValidationError'
  }
}

// Starlette's JSONResponse.render is json.dumps(ensure_ascii=False,
// separators=(",", ":")): JSON.stringify produces the same bytes for these
// string/number/array bodies, including Python's lowercase \u00xx escapes (§6, §10).
export const validationErrorBody = (detail: readonly ValidationErrorEntry[]): string =>
  JSON.stringify({ detail })
