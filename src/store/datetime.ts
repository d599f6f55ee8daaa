// Datetimes are kept as integer microseconds since the epoch (UTC), which sort
// correctly in SQLite, and written as pydantic writes an aware UTC datetime.

const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/

// Parses an RFC 3339 date-time with at most microsecond precision; null when
// the text is not one, or names what pydantic refuses (checked against
// pydantic 2.13): year 0, a day that does not exist (month 13, February 30),
// an hour past 23, a minute or second past 59, an offset past 23:59 (+24:00,
// +12:60). Years below 100 are taken as written (Date.UTC reads 0050 as 1950).
const parseDateTimeExact = (text: string): bigint | null => {
  const m = ISO_DATETIME.exec(text)
  if (m === null) return null
  // Every group but the fraction takes part in every match, hence `zone!`.
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const [, , , , , , , frac = '', zone] = m
  const check = new Date(0)
  check.setUTCFullYear(y, mo - 1, d)
  if (y === 0 || check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null
  const ms = check.getTime() + ((h * 60 + mi) * 60 + s) * 1000
  let offsetMinutes = 0
  if (zone !== 'Z') {
    const [oh, om] = [Number(zone!.slice(1, 3)), Number(zone!.slice(4, 6))]
    if (oh > 23 || om > 59) return null
    offsetMinutes = (zone!.startsWith('-') ? -1 : 1) * (oh * 60 + om)
  }
  // In BigInt: beyond about 285 years from 1970 a double holds only some
  // microseconds exactly (whole milliseconds from year 1 to 9999).
  return BigInt(ms - offsetMinutes * 60_000) * 1000n + BigInt(frac.padEnd(6, '0'))
}

// The same as a number of microseconds (rounded where a double cannot hold it).
export const parseDateTimeMicros = (text: string): number | null => {
  const exact = parseDateTimeExact(text)
  return exact === null ? null : Number(exact)
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

// Two and three digits from tables, and each day's `YYYY-MM-DDT` kept once
// made (DAY_PREFIXES at most): a million sessions write about two million
// times when seeded. A million times took 0.49 s with Date's calendar for
// each, 0.10 s with these.
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => pad(n, 2))
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => pad(n, 3))
const DAY_MS = 86_400_000
const DAY_US = DAY_MS * 1000
const DAY_PREFIXES = 4096
const dayPrefixes = new Map<number, string>()
const dayPrefix = (day: number): string => {
  let prefix = dayPrefixes.get(day)
  if (prefix === undefined) {
    const d = new Date(day * DAY_MS)
    prefix = `${pad(d.getUTCFullYear(), 4)}-${TWO_DIGITS[d.getUTCMonth() + 1]!}-${TWO_DIGITS[d.getUTCDate()]!}T`
    if (dayPrefixes.size >= DAY_PREFIXES) dayPrefixes.clear()
    dayPrefixes.set(day, prefix)
  }
  return prefix
}

// §9: `YYYY-MM-DDTHH:MM:SS`, then `.ffffff` only when the microsecond is not
// zero (always six digits), then `Z` for UTC. Python's isoformat() differs.
// `micros` is a whole number (beyond 2^53 every double is).
export const formatDateTimeMicros = (micros: number): string => {
  // Exact for years 1 to 9999: the product and the difference are (DAY_US
  // is 2^13 times an odd number under 2^24), and the quotient never rounds
  // up to the next day, not even for the last double before a midnight
  // (checked for every day of those years).
  const day = Math.floor(micros / DAY_US)
  const inDay = micros - day * DAY_US
  const seconds = Math.floor(inDay / 1_000_000)
  const micro = inDay - seconds * 1_000_000
  const base = `${dayPrefix(day)}${TWO_DIGITS[Math.floor(seconds / 3600)]!}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]!}:${TWO_DIGITS[seconds % 60]!}`
  return micro === 0 ? `${base}Z` : `${base}.${THREE_DIGITS[Math.floor(micro / 1000)]!}${THREE_DIGITS[micro % 1000]!}Z`
}

const DATE_TIME_EXPECTED = 'expected an RFC 3339 date-time with at most 6 fractional digits'
const DATE_TIME_TOO_FAR = 'too far from 1970 to keep microseconds exact'

// A session time as fixtures and the control API give it: microseconds since
// the epoch, or what is wrong with the text. Every microsecond is exact in a
// JS number within about 285 years of 1970; beyond, only those a double holds
// exactly (whole milliseconds from year 1, which pydantic accepts, to 9999),
// so years 1-99 are stored as written (docs/fidelity.md §15).
export const readSessionTime = (text: string): number | { problem: string } => {
  const exact = parseDateTimeExact(text)
  if (exact === null) return { problem: DATE_TIME_EXPECTED }
  const us = Number(exact)
  if (BigInt(us) !== exact) return { problem: DATE_TIME_TOO_FAR }
  return us
}

// The emulator clock's instants: arithmetic on them (advances, speeds) needs
// every microsecond exact, so only those within about 285 years of 1970.
export const readClockTime = (text: string): number | { problem: string } => {
  const us = readSessionTime(text)
  if (typeof us === 'number' && !Number.isSafeInteger(us)) return { problem: DATE_TIME_TOO_FAR }
  return us
}
