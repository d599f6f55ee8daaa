// node:test: one emulator for this file, started before its tests and closed after them.
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { AdminClientError, startMeibelMock } from 'meibel-mock'

const KEY = { 'Meibel-API-Key': 'test-key' }
let mock

before(async () => { mock = await startMeibelMock({ apiKeys: ['test-key'] }) })
after(async () => { await mock.close() })
// Every test starts from the seeded data, without fault rules or journal.
beforeEach(async () => { await mock.admin.reset() })

test('List Sessions answers the sessions a test inserted', async () => {
  await mock.admin.sessions.insert('checkout-bot', [
    { session_id: 's-1', status: 'RUNNING' },
    { session_id: 's-2', status: 'COMPLETED', start_time: '2026-11-20T09:00:00Z' }
  ])
  const res = await fetch(`${mock.baseUrl}/agents/checkout-bot/sessions?status=RUNNING`, { headers: KEY })
  assert.equal(res.status, 200)
  const body = await res.json()
  assert.equal(body.total, 1)
  assert.equal(body.data[0].session_id, 's-1')

  // What the client sent, from the request journal (the key masked).
  const { data } = await mock.admin.requests({ agent_id: 'checkout-bot' })
  assert.deepEqual(data.map((entry) => entry.query), [{ status: 'RUNNING' }])
  assert.equal(data[0].headers['meibel-api-key'], '***')
})

test('a fault rule makes the next call fail once', async () => {
  await mock.admin.faults.add({ match: { agent_id: 'demo-agent' }, status: 503, headers: { 'Retry-After': '2' }, times: 1 })
  const failed = await fetch(`${mock.baseUrl}/agents/demo-agent/sessions`, { headers: KEY })
  assert.equal(failed.status, 503)
  assert.equal(failed.headers.get('retry-after'), '2')
  assert.deepEqual(await failed.json(), { detail: 'Service Unavailable' })
  const next = await fetch(`${mock.baseUrl}/agents/demo-agent/sessions?limit=1`, { headers: KEY })
  assert.equal(next.status, 200)
})

test('a rejected control call carries the status and the detail', async () => {
  await assert.rejects(mock.admin.sessions.delete('demo-agent', 'no-such-session'), (err) => {
    assert.ok(err instanceof AdminClientError)
    assert.equal(err.status, 404)
    assert.equal(err.detail, 'session "no-such-session" of agent "demo-agent" not found')
    return true
  })
})
