// How fixture files and the control API say where a record is wrong, in the
// same words: `record 2 (session_id "s-9"): field "status": expected ...`.

// `record N`, with the record's id when it has a string one.
export const recordLabel = (index: number | string, record: unknown, idKey = 'session_id'): string => {
  const id = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[idKey] : undefined
  return typeof id === 'string' ? `record ${index} (${idKey} ${JSON.stringify(id)})` : `record ${index}`
}

export const fieldMessage = (where: string, field: string, message: string): string =>
  `${where}: field "${field}": ${message}`

export const ENDS_BEFORE_START = 'ends before it starts'

// A string with a lone surrogate (JSON's `"\ud800"`) has no UTF-8 form: the
// real service could never send it, and the emulator's answer would hold a
// `\ud800` escape pydantic refuses (docs/fidelity.md §15).
export const LONE_SURROGATE = 'a string with a lone surrogate (\\ud800-\\udfff), which has no UTF-8 form'
const LONE = /\p{Cs}/u
const hasLoneSurrogate = (text: string): boolean => LONE.test(text)

// The path to the first string, or object key, with a lone surrogate in a
// parsed JSON value, in document order; null when there is none. Walked with
// a stack of its own, not by recursion.
export const loneSurrogatePath = (value: unknown): string[] | null => {
  const stack: Array<{ value: unknown, parts: string[] }> = [{ value, parts: [] }]
  while (stack.length > 0) {
    const { value, parts } = stack.pop()!
    if (typeof value === 'string') {
      if (hasLoneSurrogate(value)) return parts
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    const entries = Object.entries(value)
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i]!
      // A bad key is reported where its value is, in document order: as a bad string there.
      stack.push({ value: hasLoneSurrogate(key) ? key : inner, parts: [...parts, key] })
    }
  }
  return null
}
