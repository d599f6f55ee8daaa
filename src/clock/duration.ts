// ISO 8601 durations as the control API takes them (POST /__admin/clock
// {"advance": "PT10M"}): days, hours, minutes and seconds (with up to six
// fractional digits), and weeks alone. Years and months are refused: their
// length depends on the date they start from.
const DURATION = /^P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,6}))?S)?)?)$/

const SECOND_US = 1_000_000

// Microseconds, or null when the text is not such a duration (or is "P", "PT").
export const parseDurationMicros = (text: string): number | null => {
  const m = DURATION.exec(text)
  if (m === null || text === 'P' || text.endsWith('T')) return null
  const [weeks, days, hours, minutes, seconds, fraction = ''] = m.slice(1).map((g) => g ?? '')
  const us = (((Number(weeks) * 7 + Number(days)) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 * SECOND_US +
    Number(seconds) * SECOND_US + Number(fraction.padEnd(6, '0'))
  return Number.isSafeInteger(us) ? us : null
}
