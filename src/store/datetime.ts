// Datetimes are kept as integer microseconds since the epoch (UTC), which sort
// correctly in SQLite, and written as pydantic writes an aware UTC datetime.

const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/

// Parses an RFC 3339 date-time with at most microsecond precision; null when
// the text is not one (or names a day that does not exist).
export const parseDateTimeMicros = (text: string): number | null => {
  const m = ISO_DATETIME.exec(text)
  if (m === null) return null
  // Every group but the fraction takes part in every match, hence `zone!`.
  const [, y, mo, d, h, mi, s, frac = '', zone] = m
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const check = new Date(ms)
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h) || Number(s) > 59 || Number(mi) > 59) return null
  const offsetMinutes = zone === 'Z' ? 0 : (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6)))
  return (ms - offsetMinutes * 60_000) * 1000 + Number(frac.padEnd(6, '0'))
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

// §9: `YYYY-MM-DDTHH:MM:SS`, then `.ffffff` only when the microsecond is not
// zero (always six digits), then `Z` for UTC. Python's isoformat() differs.
export const formatDateTimeMicros = (micros: number): string => {
  const micro = ((micros % 1_000_000) + 1_000_000) % 1_000_000
  const d = new Date((micros - micro) / 1000)
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`
  return micro === 0 ? `${base}Z` : `${base}.${pad(micro, 6)}Z`
}

const DATE_TIME_EXPECTED = 'expected an RFC 3339 date-time with at most 6 fractional digits'
const DATE_TIME_TOO_FAR = 'too far from 1970 to keep microseconds exact'

// A session time as fixtures and the control API give it: microseconds since
// the epoch, or what is wrong with the text. Microseconds stay exact in a JS
// number only within about 285 years of 1970.
export const readSessionTime = (text: string): number | { problem: string } => {
  const us = parseDateTimeMicros(text)
  if (us === null) return { problem: DATE_TIME_EXPECTED }
  if (!Number.isSafeInteger(us)) return { problem: DATE_TIME_TOO_FAR }
  return us
}
