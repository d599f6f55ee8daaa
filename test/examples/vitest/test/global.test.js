// Uses the emulator of global-setup.js. It is shared by every file of the run,
// and files run in parallel: use agent ids of your own instead of resetting.
import { expect, inject, test } from 'vitest'
import { createAdminClient } from 'meibel-mock'

const url = inject('meibelMockUrl')
const admin = createAdminClient(url)
const KEY = { 'Meibel-API-Key': 'test-key' }

test('sessions inserted through the control API are listed', async () => {
  await admin.sessions.insert('vitest-global-agent', [{ session_id: 'vg-1', status: 'FAILED' }, { session_id: 'vg-2' }])
  const res = await fetch(`${url}/v2/agents/vitest-global-agent/sessions?status=FAILED`, { headers: KEY })
  expect(res.status).toBe(200)
  expect(await res.json()).toMatchObject({ total: 1, data: [{ session_id: 'vg-1', status: 'FAILED' }] })
})

test('a wrong key gets the 401 the real service sends', async () => {
  const res = await fetch(`${url}/v2/agents/demo-agent/sessions`, { headers: { 'Meibel-API-Key': 'wrong' } })
  expect(res.status).toBe(401)
  expect(await res.json()).toEqual({ detail: 'Invalid API key' })
})
