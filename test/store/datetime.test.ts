import t from 'tap'
import fc from 'fast-check'
import { formatDateTimeMicros, parseDateTimeMicros } from '../../src/store/datetime.js'

t.test('pydantic datetime format (§9)', async (t) => {
  // Expected strings from the fidelity document's observed examples.
  const us = (iso: string, micro: number): number => Date.parse(iso) * 1000 + micro
  t.equal(formatDateTimeMicros(us('2024-01-02T03:04:05Z', 0)), '2024-01-02T03:04:05Z')
  t.equal(formatDateTimeMicros(us('2024-01-02T03:04:06Z', 120000)), '2024-01-02T03:04:06.120000Z')
  t.equal(formatDateTimeMicros(us('2024-01-02T03:04:05Z', 7)), '2024-01-02T03:04:05.000007Z')
  t.equal(formatDateTimeMicros(us('2026-11-20T10:15:30Z', 123456)), '2026-11-20T10:15:30.123456Z')
  t.equal(formatDateTimeMicros(us('1969-12-31T23:59:59Z', 500)), '1969-12-31T23:59:59.000500Z')
})

t.test('parsing RFC 3339 date-times', async (t) => {
  t.equal(parseDateTimeMicros('2024-01-02T03:04:05Z'), Date.UTC(2024, 0, 2, 3, 4, 5) * 1000)
  t.equal(parseDateTimeMicros('2024-01-02T03:04:05.5Z'), Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 500000)
  t.equal(parseDateTimeMicros('2024-01-02T05:34:05.000001+02:30'), Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 1)
  t.equal(parseDateTimeMicros('2024-01-01T23:00:00-01:00'), Date.UTC(2024, 0, 2, 0, 0, 0) * 1000)
  for (const bad of ['2024-01-02', '2024-01-02T03:04:05', '2024-02-30T00:00:00Z', '2024-01-02T24:00:00Z',
    '2024-01-02T03:60:00Z', '2024-01-02T03:04:60Z', '2024-01-02T03:04:05.1234567Z', 'yesterday']) {
    t.equal(parseDateTimeMicros(bad), null, bad)
  }
})

t.test('format then parse is the identity on microseconds', async (t) => {
  // Up to 2200, where microseconds still fit a double exactly.
  t.doesNotThrow(() => fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), fc.integer({ min: 0, max: 999 }), (ms, extra) => {
    const micros = ms * 1000 + extra
    return parseDateTimeMicros(formatDateTimeMicros(micros)) === micros
  }), { seed: 42 }))
})
