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

t.test('what pydantic refuses is refused (checked against pydantic 2.13)', async (t) => {
  for (const bad of ['2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z', '2024-01-00T00:00:00Z', '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z', '2024-01-02T03:04:05+24:00', '2024-01-02T03:04:05+99:99', '2024-01-02T03:04:05+12:60',
    '2024-01-02T03:04:05-24:00', '0000-01-01T00:00:00Z']) {
    t.equal(parseDateTimeMicros(bad), null, bad)
  }
  t.equal(parseDateTimeMicros('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29) * 1000, 'a leap day')
  t.equal(parseDateTimeMicros('2024-01-02T03:04:05+23:59'), (Date.UTC(2024, 0, 2, 3, 4, 5) - (23 * 60 + 59) * 60_000) * 1000)
  t.equal(parseDateTimeMicros('2024-01-02T03:04:05-23:59'), (Date.UTC(2024, 0, 2, 3, 4, 5) + (23 * 60 + 59) * 60_000) * 1000)
  // From Python: datetime(50, 1, 1, tzinfo=timezone.utc) - datetime(1970, 1, 1, tzinfo=timezone.utc).
  t.equal(parseDateTimeMicros('0050-01-01T00:00:00Z'), -60589296000000 * 1000, 'year 50, not 1950')
})

t.test('any offset: accepted exactly when its hours are 0-23 and its minutes 0-59', async (t) => {
  const base = Date.UTC(2024, 5, 15, 12, 0, 0)
  t.doesNotThrow(() => fc.assert(fc.property(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (sign, h, m) => {
    const text = `2024-06-15T12:00:00${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
    const expected = h <= 23 && m <= 59 ? (base - (sign === '-' ? -1 : 1) * (h * 60 + m) * 60_000) * 1000 : null
    return parseDateTimeMicros(text) === expected
  }), { seed: 42, numRuns: 500 }))
})

t.test('format: the date and time Date gives, for any instant of years 1 to 9999', async (t) => {
  // What toISOString writes, to the second, then the microsecond (the oracle: Date's calendar).
  const expected = (micros: number): string => {
    const micro = ((micros % 1_000_000) + 1_000_000) % 1_000_000
    const iso = new Date(Math.trunc((micros - micro) / 1000)).toISOString()
    return `${iso.slice(0, 19)}${micro === 0 ? '' : `.${String(micro).padStart(6, '0')}`}Z`
  }
  // Year 1 (Date.UTC reads years 0-99 as 1900-1999).
  const first = new Date(0)
  first.setUTCFullYear(1, 0, 1)
  const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
  // Whole microseconds: the doubles reach past 2^53 (years beyond about
  // 2255 and before 1685), where every double is whole; below it they are
  // truncated, as no instant the emulator keeps has a fraction.
  const instants = fc.oneof(
    fc.double({ min: first.getTime() * 1000, max: last * 1000, noNaN: true }).map(Math.trunc),
    fc.integer({ min: first.getTime() * 1000, max: last * 1000 }),
    fc.integer({ min: -1e15, max: 1e15 }),
    fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }).map((ms) => ms * 1000)
  )
  t.doesNotThrow(() => fc.assert(fc.property(instants, (micros) => formatDateTimeMicros(micros) === expected(micros)), { seed: 42, numRuns: 5000 }))
  // Every day from 1900 to 2200, at a second before its end.
  let wrong = 0
  for (let ms = Date.UTC(1900, 0, 1, 23, 59, 59); ms < Date.UTC(2200, 0, 1); ms += 86_400_000) {
    if (formatDateTimeMicros(ms * 1000) !== expected(ms * 1000)) wrong++
  }
  t.equal(wrong, 0, 'every day of 1900-2199')
  // The last instant before a midnight, every 97th day of years 1 to 9999:
  // past 2^53 the double before it, several microseconds before, where the
  // day must not round up to the next.
  const lastBefore = (x: number): number => {
    if (Math.abs(x) < 2 ** 53) return x - 1
    const bits = new BigInt64Array(new Float64Array([x]).buffer)
    bits[0] = bits[0]! + (x > 0 ? -1n : 1n)
    return new Float64Array(bits.buffer)[0]!
  }
  let offByADay = 0
  for (let ms = first.getTime() + 86_400_000; ms < last; ms += 86_400_000 * 97) {
    const before = lastBefore(ms * 1000)
    if (formatDateTimeMicros(before) !== expected(before)) offByADay++
  }
  t.equal(offByADay, 0, 'the last instant before midnight, years 1-9999')
  t.equal(formatDateTimeMicros(first.getTime() * 1000), '0001-01-01T00:00:00Z')
  t.equal(formatDateTimeMicros(Date.UTC(9999, 11, 31, 23, 59, 59) * 1000), '9999-12-31T23:59:59Z')
  t.equal(formatDateTimeMicros(Date.UTC(2026, 10, 20, 12) * 1000 - 1), '2026-11-20T11:59:59.999999Z')
  t.equal(formatDateTimeMicros(Date.UTC(2024, 1, 29, 23, 59, 59) * 1000), '2024-02-29T23:59:59Z')
  t.equal(formatDateTimeMicros(Date.UTC(2100, 2, 1) * 1000 - 1), '2100-02-28T23:59:59.999999Z')
})

t.test('format then parse is the identity on microseconds', async (t) => {
  // Up to 2200, where microseconds still fit a double exactly.
  t.doesNotThrow(() => fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), fc.integer({ min: 0, max: 999 }), (ms, extra) => {
    const micros = ms * 1000 + extra
    return parseDateTimeMicros(formatDateTimeMicros(micros)) === micros
  }), { seed: 42 }))
})

t.test('any date: accepted exactly when the day exists', async (t) => {
  const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const daysIn = (y: number, m: number): number => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
  t.doesNotThrow(() => fc.assert(fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, m, d) => {
    const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00Z`
    const exists = y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
    return (parseDateTimeMicros(text) !== null) === exists
  }), { seed: 42, numRuns: 2000 }))
})
