// Python's urllib.parse as Starlette uses it: `unquote` (what uvicorn also
// applies to the path) and `parse_qsl(keep_blank_values=True)` folded into
// QueryParams' dict (§4 QS, DUP), with CPython's UTF-8 'replace' rules.
// Section numbers (§) refer to docs/fidelity.md.

const PERCENT = 0x25

// Hex digit value, or -1. CPython's unquote_to_bytes accepts exactly
// [0-9A-Fa-f] in both positions.
const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

// Decodes one run of ASCII characters that contains a `%` the way
// `unquote_to_bytes(run).decode('utf-8', 'replace')` does.
// §4 QS: Buffer's UTF-8 decoder substitutes one U+FFFD per maximal invalid
// subpart, as CPython's 'replace' handler does (checked byte-for-byte against
// CPython in test/fastapi/pydantic-cases.json), and, unlike a default
// TextDecoder, keeps a leading BOM as CPython's 'utf-8' codec does.
const unquoteAsciiRun = (run: string): string => {
  const bytes = Buffer.allocUnsafe(run.length)
  let n = 0
  const len = run.length
  for (let i = 0; i < len; i++) {
    const c = run.charCodeAt(i)
    if (c === PERCENT && i + 2 < len) {
      const hi = hexValue(run.charCodeAt(i + 1))
      const lo = hexValue(run.charCodeAt(i + 2))
      if (hi >= 0 && lo >= 0) {
        bytes[n++] = (hi << 4) | lo
        i += 2
        continue
      }
    }
    // §4 QS: a malformed escape (`%ZZ`, `%4`, a trailing `%`) stays literal.
    bytes[n++] = c
  }
  return bytes.toString('utf8', 0, n)
}

/**
 * CPython's `urllib.parse.unquote(s)` (UTF-8, errors='replace'); `+` is kept.
 * Only runs of ASCII characters are percent-decoded; any other character
 * passes through unchanged, which also keeps escapes on either side of it
 * from joining into one UTF-8 sequence. Also what uvicorn applies to the path.
 */
// §4 QS: raw non-ASCII (latin-1 chars from `req.url`) is unsettled upstream;
// passing it through is what CPython does with the latin-1-decoded string.
export function unquote (s: string): string {
  if (s.indexOf('%') === -1) return s
  let out = ''
  let runStart = 0
  const len = s.length
  let i = 0
  while (i < len) {
    if (s.charCodeAt(i) > 0x7f) {
      if (i > runStart) out += unquoteAsciiRun(s.slice(runStart, i))
      const otherStart = i
      while (i < len && s.charCodeAt(i) > 0x7f) i++
      out += s.slice(otherStart, i)
      runStart = i
    } else {
      i++
    }
  }
  if (len > runStart) out += unquoteAsciiRun(s.slice(runStart))
  return out
}

// §4 QS: `+` becomes a space BEFORE percent-decoding (`%2B` stays a `+`).
const unquotePlus = (s: string): string => unquote(s.indexOf('+') === -1 ? s : s.replaceAll('+', ' '))

/**
 * Starlette's `QueryParams(query_string)`: `parse_qsl(raw, keep_blank_values=True)`
 * folded into a dict where the last duplicate wins.
 * `raw` is the part of the request target after the first `?`, as Node gives
 * it in `req.url` (raw bytes as latin-1 chars). The result has a null
 * prototype so that `__proto__` or `constructor` are ordinary keys.
 */
export function parseQueryString (raw: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  const len = raw.length
  // Fast path: without `%` or `+` nothing needs decoding.
  const decode = raw.indexOf('%') !== -1 || raw.indexOf('+') !== -1
  // Position of the next `=` at or after `start`; remembered across segments
  // so that many `=`-less segments do not rescan the rest of the string.
  let nextEq = -2
  let start = 0
  while (start < len) {
    let end = raw.indexOf('&', start) // §4 QS: only `&` separates, `;` does not
    if (end === -1) end = len
    if (end > start) { // §4 QS: empty segments (`&&`, leading/trailing `&`) are skipped
      if (nextEq < start && nextEq !== -1) nextEq = raw.indexOf('=', start)
      let name: string
      let value: string
      if (nextEq === -1 || nextEq > end) {
        name = raw.slice(start, end) // §4 QS: a key without `=` gets ""
        value = ''
      } else {
        name = raw.slice(start, nextEq) // §4 QS: split at the first `=` only
        value = raw.slice(nextEq + 1, end)
      }
      if (decode) {
        name = unquotePlus(name)
        value = unquotePlus(value)
      }
      out[name] = value // §4 DUP: the last duplicate wins
    }
    start = end + 1
  }
  return out
}
