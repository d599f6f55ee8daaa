// The shapes derived from the contract's SessionSummary keep its fields, in its order.
import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { SessionSummarySchema } from '../../src/schemas/list-sessions.js'
import { AgentRecordSchema, AgentSummarySchema, refineSession, SessionRecordSchema, SessionStatusSchema } from '../../src/schemas/records.js'
import { SessionInputSchema } from '../../src/schemas/admin.js'
import { FixtureAgentSchema, FixtureSessionSchema } from '../../src/seed/fixtures.js'

const keys = (schema: { properties: object }): string[] => Object.keys(schema.properties)
const CONTRACT = ['session_id', 'status', 'start_time', 'end_time', 'agent_name', 'agent_version', 'messages_count', 'token_usage', 'result']

t.test('the contract is the source', async (t) => {
  t.same(keys(SessionSummarySchema), CONTRACT)
  t.same(keys(SessionInputSchema), [...CONTRACT, 'lifecycle'], 'the control API takes a SessionSummary, and a running session\'s planned end')
  t.equal(SessionInputSchema.required, undefined, 'with every field optional')
  t.same(keys(FixtureSessionSchema), ['agent_id', ...CONTRACT], 'fixtures add the agent_id')
  t.same(FixtureSessionSchema.required, ['agent_id', 'session_id', 'status', 'start_time', 'end_time'])
  t.same(keys(AgentRecordSchema), ['agent_id', 'agent_name', 'agent_version'])
  t.same(keys(AgentSummarySchema), ['agent_id', 'agent_name', 'agent_version', 'sessions_count'])
  t.same(keys(FixtureAgentSchema), ['agent_id', 'agent_name', 'agent_version', 'generated_sessions', 'sessions_per_hour'])
  t.same(keys(SessionRecordSchema).sort(), ['agent_id', 'end_us', 'start_us', ...CONTRACT.filter((k) => !k.endsWith('_time'))].sort())
  t.same(SessionRecordSchema.required.sort(), keys(SessionRecordSchema).sort(), 'a stored record has every field')
})

t.test('refineSession replaces fields in place', async (t) => {
  const refined = refineSession({ status: SessionStatusSchema })
  t.same(keys(refined), CONTRACT)
  t.equal(refined.properties.status, SessionStatusSchema)
  t.equal(refined.properties.result, SessionSummarySchema.properties.result, 'the others are the contract\'s')
})

t.test('free-form objects: any object, every property kept', async (t) => {
  const { token_usage: usage } = SessionSummarySchema.properties
  t.ok(Value.Check(usage, { a: 1, b: { c: [null] } }))
  t.ok(Value.Check(usage, null))
  t.notOk(Value.Check(usage, []))
  t.notOk(Value.Check(usage, 'x'))
  t.same(JSON.parse(JSON.stringify(usage.anyOf[0])), { type: 'object', additionalProperties: true }, 'written as the spec writes it')
})
