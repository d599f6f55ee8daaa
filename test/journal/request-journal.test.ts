// The ring of the last N requests within a byte budget (through the control
// API: test/admin/requests.test.ts; over real HTTP: test/journal/secret-headers.test.ts).
import t from 'tap'
import fc from 'fast-check'
import type { FastifyRequest } from 'fastify'
import { makeJournal, MASK, MAX_HEADER_VALUE, maskSecretHeaders, SECRET_HEADERS, truncatedValue } from '../../src/journal/request-journal.js'

const request = (url: string, extra: Partial<FastifyRequest> = {}): FastifyRequest => ({
  method: 'GET', originalUrl: url, is404: true, params: {}, headers: { 'meibel-api-key': 'k' }, faultId: null, ...extra
}) as unknown as FastifyRequest

t.test('keeps the last N, oldest first, with increasing ids', async (t) => {
  const journal = makeJournal(3)
  for (let i = 0; i < 7; i++) journal.record(request(`/v2/x?i=${i}`), 200, 1)
  t.same(journal.list({}).data.map((e) => [e.id, e.query.i]), [[5, '4'], [6, '5'], [7, '6']])
  t.equal(journal.clear(), 3)
  journal.record(request('/v2/x'), 404, 1)
  t.same(journal.list({}).data.map((e) => e.id), [8], 'clear keeps the numbering')
  journal.reset()
  journal.record(request('/v2/x'), 404, 1)
  t.same(journal.list({}).data.map((e) => e.id), [1], 'reset restarts it')
})

t.test('an entry: routed requests carry their agent_id, others get it from the path', async (t) => {
  const journal = makeJournal(10)
  journal.record(request('/v2/agents/a%20b/sessions?x=1', { is404: false, params: { agent_id: 'a b' }, faultId: 'f2' } as Partial<FastifyRequest>), 503, 2.5)
  journal.record(request('/v2/agents//sessions', { is404: false, params: { agent_id: '' } } as Partial<FastifyRequest>), 404, 0.1234567)
  const [routed, empty] = journal.list({}).data
  t.same({ ...routed, time: undefined }, {
    id: 1,
    time: undefined,
    method: 'GET',
    path: '/v2/agents/a%20b/sessions',
    agent_id: 'a b',
    query: { x: '1' },
    headers: { 'meibel-api-key': MASK },
    status: 503,
    latency_ms: 2.5,
    fault: 'f2'
  })
  t.equal(empty!.agent_id, null)
  t.equal(empty!.latency_ms, 0.123, 'latency in ms, to the microsecond')
})

t.test('size 0 keeps nothing', async (t) => {
  const journal = makeJournal(0)
  journal.record(request('/v2/x'), 200, 1)
  t.same(journal.list({}), { data: [], total: 0 })
  t.equal(journal.clear(), 0)
})

t.test('every secret header is masked, each value of a duplicate too; an empty one is shown', async (t) => {
  const journal = makeJournal(10)
  journal.record(request('/v2/x', {
    headers: {
      'meibel-api-key': 'k1, k2', authorization: 'Bearer t', 'proxy-authorization': 'Basic p', cookie: 'a=1; b=2', 'set-cookie': ['c=3', '', 'd=4'], 'x-trace': 'abc'
    }
  } as Partial<FastifyRequest>), 200, 1)
  journal.record(request('/v2/x', { headers: { 'meibel-api-key': '', cookie: '' } } as Partial<FastifyRequest>), 401, 1)
  const [secret, empty] = journal.list({}).data
  t.same(secret!.headers, { 'meibel-api-key': MASK, authorization: MASK, 'proxy-authorization': MASK, cookie: MASK, 'set-cookie': [MASK, '', MASK], 'x-trace': 'abc' })
  t.same(empty!.headers, { 'meibel-api-key': '', cookie: '' })
  t.same([...SECRET_HEADERS], ['meibel-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie'])
  t.same(maskSecretHeaders({ cookie: 'x', accept: '*/*' }, '[redacted]'), { cookie: '[redacted]', accept: '*/*' }, 'the logs\' censor')
})

t.test('header values over 1 KiB are cut, with a marker naming the bytes cut', async (t) => {
  t.equal(MAX_HEADER_VALUE, 1024)
  const long = 'x'.repeat(1024 + 500)
  const own = { 'x-long': long, 'x-short': 'ok', 'x-list': ['y'.repeat(2048), 'z'] } as unknown as FastifyRequest['headers']
  const journal = makeJournal(10)
  journal.record(request('/v2/x', { headers: own } as Partial<FastifyRequest>), 200, 1)
  journal.record(request('/v2/x', { headers: { 'x-edge': 'e'.repeat(1024) } } as Partial<FastifyRequest>), 200, 1)
  const [cut, edge] = journal.list({}).data
  t.equal(cut!.headers['x-long'], `${'x'.repeat(1024)}…[truncated 500 bytes]`)
  t.equal(cut!.headers['x-short'], 'ok')
  t.same(cut!.headers['x-list'], [`${'y'.repeat(1024)}…[truncated 1024 bytes]`, 'z'])
  t.equal(own['x-long'], long, 'the request\'s own headers are not changed')
  t.equal(edge!.headers['x-edge'], 'e'.repeat(1024), 'exactly 1 KiB is kept whole')
  t.equal(truncatedValue('abc'), 'abc')
})

t.test('the byte budget: the oldest entries go first once the kept strings add up to more', async (t) => {
  // One entry: url (7) + method (3) + header name and value (14 + 1) = 25 bytes.
  const entry = (i: number): FastifyRequest => request(`/v2/x?${i}`, { headers: { 'meibel-api-key': 'k' } } as Partial<FastifyRequest>)
  const journal = makeJournal(100, 60)
  t.equal(journal.maxBytes, 60)
  for (let i = 0; i < 5; i++) journal.record(entry(i), 200, 1)
  t.same(journal.list({}).data.map((e) => e.id), [4, 5], 'two entries of 25 bytes fit in 60, a third does not')
  t.equal(journal.clear(), 2)
  journal.record(request(`/v2/${'y'.repeat(100)}`), 200, 1)
  t.same(journal.list({}), { data: [], total: 0 }, 'an entry over the whole budget is not kept')
  journal.record(entry(9), 200, 1)
  t.same(journal.list({}).data.map((e) => e.id), [7], 'the budget counts only what is kept')
  journal.reset()
  for (let i = 0; i < 2; i++) journal.record(entry(i), 200, 1)
  t.same(journal.list({}).data.map((e) => e.id), [1, 2], 'reset empties the budget too')

  // The size and the budget both bound it; agent_id and the fault count too.
  const both = makeJournal(2, 1000)
  for (let i = 0; i < 5; i++) both.record(entry(i), 200, 1)
  t.same(both.list({}).data.map((e) => e.id), [4, 5])
  const faulted = makeJournal(10, 2 * 25 + 2 * 3 + 2 * 2)
  const routed = { is404: false, params: { agent_id: 'abc' }, faultId: 'f1', headers: { 'meibel-api-key': 'k' } } as Partial<FastifyRequest>
  for (let i = 0; i < 3; i++) faulted.record(request(`/v2/x?${i}`, routed), 503, 1)
  t.same(faulted.list({}).data.map((e) => e.id), [2, 3], 'each entry: 25 + agent_id 3 + fault 2 bytes')
  const truncated = makeJournal(10, 2 * (7 + 3 + 6 + 1024 + '…[truncated 976 bytes]'.length))
  for (let i = 0; i < 3; i++) truncated.record(request(`/v2/x?${i}`, { headers: { 'x-long': 'x'.repeat(2000) } } as Partial<FastifyRequest>), 200, 1)
  t.same(truncated.list({}).data.map((e) => e.id), [2, 3], 'a cut value counts as cut')
  t.equal(makeJournal(1).maxBytes, Infinity, 'without a budget only the size bounds it')
})

// A plain model of the journal: every entry kept as an object, the oldest
// dropped while over the size or the budget.
interface Sent { method: string, url: string, agentId: string | null, fault: string | null, headers: Record<string, string | string[]>, status: number | null, latencyMs: number }
const modelBytes = (e: Sent): number => e.url.length + e.method.length + (e.agentId?.length ?? 0) + (e.fault?.length ?? 0) +
  Object.entries(e.headers).reduce((n, [name, v]) => n + name.length + (typeof v === 'string' ? v.length : v.reduce((m, x) => m + x.length, 0)), 0)

t.test('whatever is recorded, cleared and reset, the journal shows what a plain list of its entries would', async (t) => {
  // Node's URLs and header values are latin1, without newlines or NULs; an
  // agent_id (decoded) and a fault are any UTF-16, lone surrogates too.
  const latin1 = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength })
  const anyText = fc.option(fc.string({ unit: 'binary', maxLength: 8 }), { nil: null })
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/)
  const sent = fc.record({
    method: fc.constantFrom('GET', 'POST', 'DELETE'),
    url: latin1(300).map((u) => `/v2/${u}`),
    agentId: anyText.map((a) => a === '' ? null : a),
    fault: anyText,
    headers: fc.dictionary(name, fc.oneof(latin1(1200), fc.array(latin1(40), { minLength: 1, maxLength: 3 })), { maxKeys: 6 }),
    status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: null }),
    latencyMs: fc.double({ min: 0, max: 1e4, noNaN: true })
  })
  const step = fc.oneof({ weight: 20, arbitrary: sent }, fc.constant('clear' as const), fc.constant('reset' as const))
  t.doesNotThrow(() => fc.assert(fc.property(
    fc.integer({ min: 1, max: 12 }), fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }), fc.integer({ min: 8, max: 4096 }),
    fc.array(step, { maxLength: 60 }),
    (size, maxBytes, maxArena, steps) => {
      const journal = makeJournal(size, maxBytes, maxArena)
      let model: Array<Sent & { id: number, bytes: number }> = []
      let id = 0
      for (const s of steps) {
        if (s === 'clear') {
          const kept = journal.list({}).total
          if (journal.clear() !== kept || kept > model.length) throw new Error('clear counts what was kept')
          model = []
          continue
        }
        if (s === 'reset') { journal.reset(); model = []; id = 0; continue }
        const headers = Object.fromEntries(Object.entries(s.headers).map(([n, v]) => [n, typeof v === 'string' ? truncatedValue(v) : v.map(truncatedValue)]))
        const params = s.agentId === null ? {} : { agent_id: s.agentId }
        journal.record(request(s.url, { method: s.method, is404: false, params, faultId: s.fault, headers: s.headers } as Partial<FastifyRequest>), s.status, s.latencyMs)
        model.push({ ...s, headers, id: ++id, bytes: modelBytes({ ...s, headers }) })
        if (model.length > size) model.shift()
        while (model.reduce((n, e) => n + e.bytes, 0) > (maxBytes ?? Infinity)) model.shift()
      }
      const shown = journal.list({}).data
      // The arena's bound (maxArena bytes of UTF-16) may drop the oldest
      // earlier than the model: what is shown is the model's newest entries.
      const expected = model.slice(model.length - shown.length)
      const seen = shown.map((e) => ({ id: e.id, method: e.method, path: e.path, agentId: e.agent_id, fault: e.fault, headers: e.headers, status: e.status }))
      const wanted = expected.map((e) => ({
        id: e.id, method: e.method, path: e.url.split('?')[0], agentId: e.agentId, fault: e.fault, headers: maskSecretHeaders(e.headers), status: e.status
      }))
      if (JSON.stringify(seen) !== JSON.stringify(wanted)) throw new Error(`shown ${JSON.stringify(seen)}\nwanted ${JSON.stringify(wanted)}`)
      if (shown.some((e, i) => e.latency_ms !== Math.round(expected[i]!.latencyMs * 1000) / 1000)) throw new Error('latency kept')
      // Only an entry over what the arena holds at most is ever dropped early.
      const arenaBytes = (e: Sent): number => 2 * ((e.agentId ?? '').length + (e.fault ?? '').length + e.method.length + 1 + e.url.length +
        Object.entries(e.headers).reduce((n, [k, v]) => n + (typeof v === 'string' ? 2 + k.length + v.length : v.reduce((m, x) => m + 3 + k.length + x.length, 0)), 0))
      const keptBytes = expected.reduce((n, e) => n + arenaBytes(e), 0)
      if (shown.length < model.length && keptBytes + arenaBytes(model[model.length - shown.length - 1]!) <= maxArena) throw new Error('dropped while the arena had room')
    }
  ), { numRuns: 300 }))
})

t.test('the arena grows, moves its entries and keeps them as they were', async (t) => {
  const journal = makeJournal(50)
  const header = (i: number): string => `${i}`.padStart(900, '.')
  for (let i = 0; i < 400; i++) journal.record(request(`/v2/x?i=${i}`, { headers: { 'x-a': header(i), 'x-b': [header(i + 1), 'é'] } } as Partial<FastifyRequest>), 200, i)
  const shown = journal.list({}).data
  t.same(shown.map((e) => e.id), Array.from({ length: 50 }, (_, i) => 351 + i), 'the last 50')
  t.same(shown[49]!.headers, { 'x-a': header(399), 'x-b': [header(400), 'é'] })
  t.same(shown[0]!.query, { i: '350' })
  t.equal(shown[49]!.latency_ms, 399)
})
