// Uses the emulator of global-setup.js, shared by every file of the run (they
// run in parallel): use agent ids of your own instead of resetting.
import { createAdminClient } from 'meibel-mock/admin-client'

const url = process.env.MEIBEL_MOCK_URL
const admin = createAdminClient(url)
const KEY = { 'Meibel-API-Key': 'test-key' }

test('sessions inserted through the control API are listed, and the journal shows the call', async () => {
  await admin.sessions.insert('jest-global-agent', { session_id: 'jg-1', status: 'RUNNING' })
  const res = await fetch(`${url}/v2/agents/jest-global-agent/sessions`, { headers: KEY })
  expect(res.status).toBe(200)
  expect(await res.json()).toMatchObject({ total: 1, data: [{ session_id: 'jg-1', status: 'RUNNING', end_time: null }] })
  const { data } = await admin.requests({ agent_id: 'jest-global-agent', limit: 1 })
  expect(data[0]).toMatchObject({ method: 'GET', status: 200, headers: { 'meibel-api-key': '***' } })
})

test('an invalid query gets pydantic\'s 422', async () => {
  const res = await fetch(`${url}/v2/agents/demo-agent/sessions?limit=0`, { headers: KEY })
  expect(res.status).toBe(422)
  expect((await res.json()).detail[0]).toMatchObject({ type: 'greater_than_equal', loc: ['query', 'limit'] })
})
