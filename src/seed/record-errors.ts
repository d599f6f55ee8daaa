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
