// Where a control API validation error is, in words (src/admin/validation.ts).
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { describeError, describeSchema, locate, typeBoxValidatorCompiler } from '../../src/admin/validation.js'
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
  const body = typeBoxValidatorCompiler({ schema, method: 'POST', url: '/' }) as (data: unknown) => { value?: unknown, error?: Error }
  t.match(body({ n: '5' }).error, { constructor: InvalidError, message: 'field "n": expected integer' })
})
