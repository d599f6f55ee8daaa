// GET and POST /__admin/clock, and sessions inserted with a lifecycle.
import t from 'tap'
import { build, call, GOLDEN_FIXTURES, listSessions } from '../helper.js'

const clock = (now: string, mode = 'pinned', speed = 1): unknown => ({ now, mode, speed })

t.test('GET /clock: now, mode and speed; POST moves it (set, advance, advance_ms, speed, mode, in that order)', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  t.same((await call(app, 'GET', '/__admin/clock')).json, clock('2026-11-20T12:00:00Z'))
  const moved = await call(app, 'POST', '/__admin/clock', { set: '2026-11-20T13:00:00.5Z', advance: 'PT1M', advance_ms: 250, speed: 2.5 })
  t.equal(moved.status, 200)
  t.same(moved.json, clock('2026-11-20T13:01:00.750000Z', 'pinned', 2.5))
  t.same((await call(app, 'POST', '/__admin/clock', { mode: 'live' })).json.mode, 'live')
  t.same((await call(app, 'POST', '/__admin/clock', { mode: 'pinned' })).json.mode, 'pinned')
  t.same((await call(app, 'GET', '/__admin/clock')).json.speed, 2.5)
})

t.test('POST /clock refuses a clock going back (409) and bad fields (422), changing nothing', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const back = await call(app, 'POST', '/__admin/clock', { set: '2026-11-20T11:59:59.999999Z' })
  t.equal(back.status, 409)
  t.same(back.json, { detail: 'the clock never goes backwards: 2026-11-20T11:59:59.999999Z is before now (2026-11-20T12:00:00Z); POST /__admin/reset goes back to the start' })
  const cases: Array<[unknown, string]> = [
    [{ set: 'noon', advance: 'PT1M' }, 'field "set": expected an RFC 3339 date-time with at most 6 fractional digits'],
    // Sessions may start in 2300; the clock's arithmetic needs every microsecond exact.
    [{ set: '2300-01-01T00:00:00Z' }, 'field "set": too far from 1970 to keep microseconds exact'],
    [{ advance: 'P1M', set: '2026-11-21T00:00:00Z' }, 'field "advance": expected an ISO 8601 duration of days, hours, minutes and seconds, such as PT10M, or weeks alone, such as P2W'],
    [{ speed: 0 }, 'field "speed"'],
    [{ mode: 'fast' }, 'field "mode"'],
    [{ advance_ms: -1 }, 'field "advance_ms"'],
    [{ rewind: 'PT1M' }, 'field "rewind": unknown field']
  ]
  for (const [body, detail] of cases) {
    const res = await call(app, 'POST', '/__admin/clock', body)
    t.equal(res.status, 422, JSON.stringify(body))
    t.match(res.json.detail, detail)
  }
  t.equal((await call(app, 'POST', '/__admin/clock')).status, 422, 'a body is needed')
  t.same((await call(app, 'GET', '/__admin/clock')).json, clock('2026-11-20T12:00:00Z'), 'unchanged')
})

t.test('a session inserted with a lifecycle runs until ends_at, then ends with its outcome; without one it runs on', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const inserted = await call(app, 'POST', '/__admin/agents/bot/sessions', [
    { session_id: 'l1', start_time: '2026-11-20T11:00:00Z', messages_count: 2, token_usage: { n: 1 }, lifecycle: { ends_at: '2026-11-20T12:30:00.000001Z', outcome: 'COMPLETED' } },
    { session_id: 'l2', status: 'RUNNING', start_time: '2026-11-20T11:00:01Z', result: [{ kept: true }], lifecycle: { ends_at: '2026-11-20T12:30:00Z', outcome: 'FAILED' } },
    { session_id: 'l3', start_time: '2026-11-20T11:00:02Z', lifecycle: { ends_at: '2026-11-20T11:30:00Z', outcome: 'TERMINATED' } },
    { session_id: 'l4', status: 'RUNNING', start_time: '2026-11-20T11:00:03Z' }
  ])
  t.equal(inserted.status, 201)
  t.same(inserted.json.map((s: any) => [s.session_id, s.status, s.end_time]), [
    ['l1', 'RUNNING', null], ['l2', 'RUNNING', null], ['l3', 'TERMINATED', '2026-11-20T11:30:00Z'], ['l4', 'RUNNING', null]
  ], 'one whose end has passed is answered ended')
  t.notMatch(inserted.body, /lifecycle|ends_at/, 'the lifecycle is never sent back')
  const byId = async (): Promise<Record<string, any>> =>
    Object.fromEntries((await listSessions(app, 'bot')).json.data.map((s: any) => [s.session_id, s]))
  const atStart = await byId()
  t.equal(atStart.l3!.status, 'TERMINATED')
  t.same(atStart.l3!.result, [])
  t.equal(atStart.l1!.status, 'RUNNING')
  t.equal((await listSessions(app, 'bot', 'status=RUNNING')).json.total, 3)

  await call(app, 'POST', '/__admin/clock', { set: '2026-11-20T12:30:00Z' })
  const half = await byId()
  t.equal(half.l2!.status, 'FAILED', 'ends at ends_at itself')
  t.same(half.l2!.result, [{ kept: true }], 'a given result is kept')
  t.equal(half.l2!.end_time, '2026-11-20T12:30:00Z')
  t.equal(half.l1!.status, 'RUNNING', 'a microsecond before its end')
  t.same([half.l1!.messages_count, half.l1!.token_usage], [2, { n: 1 }], 'its own counts, unchanged while it runs')

  await call(app, 'POST', '/__admin/clock', { advance: 'PT0.000001S' })
  const after = await byId()
  t.same([after.l1!.status, after.l1!.end_time, after.l1!.messages_count, after.l1!.token_usage], ['COMPLETED', '2026-11-20T12:30:00.000001Z', 2, { n: 1 }])
  t.match(after.l1!.result, [{ type: 'message', role: 'assistant', content: String }], 'a result drawn for the outcome')
  await call(app, 'POST', '/__admin/clock', { advance: 'P10D' })
  t.equal((await byId()).l4!.status, 'RUNNING', 'without a lifecycle: running until deleted')
  t.same((await listSessions(app, 'bot', 'status=RUNNING')).json.total, 1)
})

t.test('a lifecycle only for a running session, ending after it starts', async (t) => {
  const app = await build(t, { fixturesDir: GOLDEN_FIXTURES })
  const lifecycle = { ends_at: '2026-11-20T12:00:00Z', outcome: 'CANCELED' }
  const cases: Array<[unknown, string]> = [
    [{ status: 'COMPLETED', lifecycle }, 'record 0: field "lifecycle": only a RUNNING session has one'],
    [{ end_time: '2026-11-20T12:00:00Z', lifecycle }, 'record 0: field "end_time": a session with a lifecycle is running: null or left out'],
    [{ lifecycle: { ...lifecycle, ends_at: 'later' } }, 'record 0: field "lifecycle.ends_at": expected an RFC 3339 date-time'],
    [{ start_time: '2026-11-20T12:00:01Z', lifecycle }, 'record 0: field "lifecycle.ends_at": must not be before start_time'],
    [{ lifecycle: { ...lifecycle, outcome: 'RUNNING' } }, 'field "lifecycle.outcome"']
  ]
  for (const [record, detail] of cases) {
    const res = await call(app, 'POST', '/__admin/agents/bot/sessions', [record])
    t.equal(res.status, 422, JSON.stringify(record))
    t.match(res.json.detail, detail)
  }
  const ok = await call(app, 'POST', '/__admin/agents/bot/sessions', { end_time: null, start_time: '2026-11-20T11:00:00Z', lifecycle })
  t.equal(ok.status, 201)
  t.equal(ok.json.status, 'CANCELED', 'ends_at now: ended at once')
})
