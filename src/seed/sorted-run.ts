// The seed writer's rows gathered into runs inserted in session_id order
// (src/seed/seed-worker.ts): the generated ids are random UUIDs, and a run's
// rows in order land close together in the primary key's index, where rows
// in the order drawn land all over it (a million sessions inserted with
// 256 MiB of page cache: 5.2 s in the order drawn; in sorted runs of 4,096
// rows: 5.0 s, 16,384: 3.5 s, 32,768: 3.1 s, 65,536: 3.0 s; with the bulk
// load's 32 MiB: 5.0 s in the order drawn, 3.6 s in runs of 32,768).
import { SESSION_ROW_WIDTH } from '../store/sessions-store.js'

export interface SortedRun {
  // Adds a batch (flat, SESSION_ROW_WIDTH values a row, the session id
  // first, as sessionRow lays it out); answers the rows gathered so far.
  add: (values: readonly unknown[]) => number
  // Every row gathered, flat, in session_id order, and an empty run again.
  take: () => unknown[]
}

// Code unit order, which is SQLite's BINARY collation for ASCII ids; only the
// speed of the insert depends on the order, never what the file holds.
export const makeSortedRun = (): SortedRun => {
  let rows: Array<{ id: string, values: readonly unknown[], at: number }> = []
  return {
    add: (values) => {
      for (let at = 0; at < values.length; at += SESSION_ROW_WIDTH) rows.push({ id: values[at] as string, values, at })
      return rows.length
    },
    take: () => {
      rows.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
      const out = new Array<unknown>(rows.length * SESSION_ROW_WIDTH)
      let k = 0
      for (const { values, at } of rows) {
        for (let c = at, end = at + SESSION_ROW_WIDTH; c < end; c++) out[k++] = values[c]
      }
      rows = []
      return out
    }
  }
}
