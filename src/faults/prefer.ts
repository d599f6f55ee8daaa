// Per-request faults in Prism's style: `Prefer: code=503`, `Prefer:
// delay=250`, or both (`Prefer: code=503, delay=250`). RFC 7240: preferences
// are comma-separated `name=value` tokens, names case-insensitive, values
// optionally quoted, `;` parameters ignored; a preference the server cannot
// honour is ignored, and so are the unknown ones.
import { HTTP_STATUS_PHRASES } from '../fastapi/status-phrases.js'
import { MAX_DELAY_MS } from '../schemas/admin.js'

export interface Preferences {
  // null: answer normally.
  code: number | null
  delayMs: number | null
}

const NUMBER = /^\d{1,9}$/

const unquote = (value: string): string =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value

// `listed`: the statuses the spec lists for the operation; asking for one of
// them means the normal behaviour. A code Python has no phrase for, or one
// without a final answer (1xx), cannot be honoured.
export const parsePrefer = (header: string, listed: ReadonlySet<number>): Preferences | null => {
  let code: number | null = null
  let delayMs: number | null = null
  for (const item of header.split(',')) {
    const preference = item.split(';', 1)[0]!
    const eq = preference.indexOf('=')
    if (eq === -1) continue
    const name = preference.slice(0, eq).trim().toLowerCase()
    const value = unquote(preference.slice(eq + 1).trim())
    if (!NUMBER.test(value)) continue
    const n = Number(value)
    // The last of a repeated preference wins.
    if (name === 'code') code = n >= 200 && HTTP_STATUS_PHRASES.has(n) && !listed.has(n) ? n : null
    else if (name === 'delay') delayMs = n <= MAX_DELAY_MS ? n : null
  }
  return code === null && delayMs === null ? null : { code, delayMs }
}
