// An emulator of this file's own, so its tests can reset and seed freely.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest'
import { startMeibelMock } from 'meibel-mock'

let mock
beforeAll(async () => { mock = await startMeibelMock({ seed: 7 }) })
afterAll(async () => { await mock?.close() })
beforeEach(async () => { await mock.admin.reset() })

test('the seeded agents, and a dataset from another seed', async () => {
  const { data } = await mock.admin.agents()
  expect(data.map((agent) => agent.agent_id)).toContain('demo-agent')
  const reseeded = await mock.admin.seed({ seed: 1, sessions_per_agent: 0 })
  // Only the hand-written fixture sessions are left (10 of demo-agent).
  expect(reseeded.data.find((agent) => agent.agent_id === 'demo-agent').sessions_count).toBe(10)
})

test('a delay from a Prefer header', async () => {
  const started = performance.now()
  const res = await fetch(`${mock.baseUrl}/agents/demo-agent/sessions?limit=1`, {
    headers: { 'Meibel-API-Key': 'any-key', Prefer: 'delay=200' }
  })
  expect(res.status).toBe(200)
  expect(performance.now() - started).toBeGreaterThanOrEqual(190)
})

test('a control call with a bad body rejects with a 422', async () => {
  await expect(mock.admin.faults.add({ match: {}, status: 99 })).rejects.toMatchObject({ status: 422, detail: expect.stringMatching(/^field "status"/) })
})
