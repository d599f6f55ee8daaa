// An emulator of this file's own, so its tests can reset and add faults freely.
import { startMeibelMock } from 'meibel-mock'

let mock
beforeAll(async () => { mock = await startMeibelMock({ strict: true }) })
afterAll(async () => { await mock?.close() })
beforeEach(async () => { await mock.admin.reset() })

test('a fault rule for one query, then the normal answer', async () => {
  const rule = await mock.admin.faults.add({ match: { query: { status: 'FAILED' } }, status: 500, times: 1 })
  const failed = await fetch(`${mock.baseUrl}/agents/demo-agent/sessions?status=FAILED`, { headers: { 'Meibel-API-Key': 'k' } })
  expect(failed.status).toBe(500)
  expect((await mock.admin.faults.list()).data[0]).toMatchObject({ id: rule.id, hits: 1, remaining: 0 })
  const next = await fetch(`${mock.baseUrl}/agents/demo-agent/sessions?status=FAILED`, { headers: { 'Meibel-API-Key': 'k' } })
  expect(next.status).toBe(200)
})

test('strict: an unknown sort_by is a 422', async () => {
  const res = await fetch(`${mock.baseUrl}/agents/demo-agent/sessions?sort_by=name`, { headers: { 'Meibel-API-Key': 'k' } })
  expect(res.status).toBe(422)
})

test('a rejected control call carries the status and the detail', async () => {
  await expect(mock.admin.faults.remove('f99')).rejects.toMatchObject({ name: 'AdminClientError', status: 404, detail: 'fault rule "f99" not found' })
})
