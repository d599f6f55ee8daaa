// Where a control API validation error is, in words (src/admin/validation.ts).
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { checkParsedBody, describeError, describeSchema, locate, MAX_JSON_DEPTH, nestsTooDeep, typeBoxValidatorCompiler } from '../../src/admin/validation.js'
import { MAX_FAULT_TIMES } from '../../src/schemas/admin.js'
import { InvalidError } from '../../src/errors.js'

t.test('describeSchema', async (t) => {
  t.equal(describeSchema(Type.Union([Type.Literal('a'), Type.Literal(1)])), 'one of "a", 1')
  t.equal(describeSchema(Type.Union([Type.String(), Type.Null(), Type.Array(Type.String())])), 'string or null or a list')
  t.equal(describeSchema(Type.Tuple([Type.Integer(), Type.Boolean()])), '[integer, boolean]')
  t.equal(describeSchema(Type.Tuple([])), '[]')
})

t.test('locate', async (t) => {
  t.equal(locate('querystring', {}, '/limit'), 'query parameter "limit"')
  t.equal(locate('params', {}, '/agent_id'), 'path parameter "agent_id"')
  t.equal(locate('body', [{}, { session_id: 'a/b' }], '/1/result/0'), 'record 1 (session_id "a/b"): field "result.0"')
  t.equal(locate('body', {}, '/a~1b/c~0d'), 'field "a/b.c~d"', 'JSON Pointer escapes')
  t.equal(locate('body', null, ''), 'body')
})

t.test('a union reports its most specific variant', async (t) => {
  const schema = Type.Object({ v: Type.Union([Type.Integer({ maximum: 5 }), Type.String({ minLength: 2 }), Type.Null()]) })
  const describe = (value: unknown): string => describeError('body', value, Value.Errors(schema, value).First()!)
  t.equal(describe({ v: 6 }), 'field "v": expected integer to be less or equal to 5', 'the only variant of the type')
  t.equal(describe({ v: 'x' }), 'field "v": expected string length greater or equal to 2')
  t.equal(describe({ v: true }), 'field "v": expected integer or string or null', 'no variant of the type')
  const nested = Type.Union([Type.Object({ a: Type.Integer() }), Type.Object({ a: Type.Object({ b: Type.Integer() }) }), Type.Object({ a: Type.Null() })])
  const value = { a: { b: 'x' } }
  t.equal(describeError('body', value, Value.Errors(nested, value).First()!), 'field "a.b": expected integer', 'the deepest variant')
})

t.test('the compiler converts path and query strings, not bodies', async (t) => {
  const schema = Type.Object({ n: Type.Integer() })
  const query = typeBoxValidatorCompiler({ schema, httpPart: 'querystring', method: 'GET', url: '/' }) as (data: unknown) => { value?: unknown, error?: Error }
  t.same(query({ n: '5' }), { value: { n: 5 } })
  t.same(query({ n: '-7', other: '8' }), { value: { n: -7, other: '8' } }, 'only where the schema wants an integer')
  for (const text of ['1e3', '2.9', '0x10', ' 5', 'true', '']) {
    t.match(query({ n: text }).error, { message: 'query parameter "n": expected integer' }, JSON.stringify(text))
  }
  const list = typeBoxValidatorCompiler({ schema: Type.Array(Type.Integer()), httpPart: 'querystring', method: 'GET', url: '/' }) as (data: unknown) => { value?: unknown, error?: Error }
  t.match(list(['5']).error, { message: /expected integer/ }, 'only object schemas are converted')
  const body = typeBoxValidatorCompiler({ schema, method: 'POST', url: '/' }) as (data: unknown) => { value?: unknown, error?: Error }
  t.match(body({ n: '5' }).error, { constructor: InvalidError, message: 'field "n": expected integer' })
})

t.test('the limits every JSON body is held to', async (t) => {
  t.equal(MAX_JSON_DEPTH, 64)
  t.equal(MAX_FAULT_TIMES, 1_000_000)
  const nested = (n: number): unknown => { let v: unknown = 0; for (let i = 0; i < n; i++) v = [v]; return v }
  t.doesNotThrow(() => { checkParsedBody({ a: nested(63) }) }, '64 levels')
  t.throws(() => { checkParsedBody({ a: nested(64) }) }, new InvalidError('field "a": nested deeper than 64 levels'))
  t.throws(() => { checkParsedBody(nested(65)) }, new InvalidError('record 0: field "0": nested deeper than 64 levels'), 'a list body names the record')
  t.throws(() => { checkParsedBody([{ session_id: 's', x: 1 }, { session_id: 'z', a: [{ b: -Infinity }] }]) },
    new InvalidError('record 1 (session_id "z"): field "a.0.b": a number beyond the range of a double (about ±1.8e308)'))
  t.throws(() => { checkParsedBody({ a: Infinity, b: nested(100) }) }, { message: /^field "a"/ }, 'the first problem in document order')
  t.throws(() => { checkParsedBody(nested(1_000_000)) }, { message: 'field "0": nested deeper than 64 levels' }, 'a million levels: no recursion, no stack overflow')
  const bytes = (text: string): Uint8Array => Buffer.from(text)
  t.equal(nestsTooDeep(bytes('['.repeat(64))), false)
  t.equal(nestsTooDeep(bytes('{"a":'.repeat(65))), true)
  t.equal(nestsTooDeep(bytes(`["${'['.repeat(100)}\\"${'{'.repeat(100)}", "é"]`)), false, 'brackets in strings, escaped quotes')
  t.equal(nestsTooDeep(bytes(`["\\\\"${'['.repeat(65)}`)), true, 'an escaped backslash ends no string')
})
