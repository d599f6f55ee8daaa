import t from 'tap'
import { parseDurationMicros } from '../../src/clock/duration.js'

t.test('days, hours, minutes and seconds, or weeks alone, as microseconds', async (t) => {
  t.equal(parseDurationMicros('PT10M'), 600_000_000)
  t.equal(parseDurationMicros('PT1H'), 3_600_000_000)
  t.equal(parseDurationMicros('P1D'), 86_400_000_000)
  t.equal(parseDurationMicros('P2W'), 14 * 86_400_000_000)
  t.equal(parseDurationMicros('P1DT2H3M4.5S'), ((((24 + 2) * 60) + 3) * 60 + 4) * 1_000_000 + 500_000)
  t.equal(parseDurationMicros('PT0.000001S'), 1)
  t.equal(parseDurationMicros('PT0S'), 0)
})

t.test('anything else is null', async (t) => {
  for (const text of ['', 'P', 'PT', 'P1DT', '10M', 'PT10m', 'P1Y', 'P1M', 'P1W2D', 'PT1.5M', 'PT0.0000001S', '-PT1M', 'PT1M ', 'P99999999999999D']) {
    t.equal(parseDurationMicros(text), null, JSON.stringify(text))
  }
})
