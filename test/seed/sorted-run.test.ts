// makeSortedRun: the rows of the batches added, each intact, in session_id
// order (code unit order, SQLite's BINARY collation for ASCII ids).
import t from 'tap'
import fc from 'fast-check'
import { makeSortedRun } from '../../src/seed/sorted-run.js'
import { SESSION_ROW_WIDTH } from '../../src/store/sessions-store.js'

// A row of SESSION_ROW_WIDTH values: the id, then values that name it, so a
// row torn apart or mixed with another shows.
const row = (id: string, tag: number): unknown[] => [id, ...Array.from({ length: SESSION_ROW_WIDTH - 1 }, (_, c) => c % 2 === 0 ? `${id}:${tag}:${c}` : tag * 100 + c)]

t.test('every row of every batch, intact, in id order; then an empty run', async (t) => {
  fc.assert(fc.property(fc.array(fc.array(fc.tuple(fc.string({ unit: 'grapheme-ascii' }), fc.nat()), { maxLength: 20 }), { maxLength: 8 }), (batches) => {
    const run = makeSortedRun()
    let gathered = 0
    for (const batch of batches) {
      gathered += batch.length
      t.equal(run.add(batch.flatMap(([id, tag]) => row(id, tag))), gathered)
    }
    const expected = batches.flat().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, tag]) => row(id, tag))
    const out = run.take()
    const rows = Array.from({ length: out.length / SESSION_ROW_WIDTH }, (_, r) => out.slice(r * SESSION_ROW_WIDTH, (r + 1) * SESSION_ROW_WIDTH))
    // Rows of equal ids (no two rows of a seeding have one) may come in either
    // order: the ids compared in order, the rows whole as sorted lists.
    t.strictSame(rows.map((r) => r[0]), expected.map((r) => r[0]))
    t.strictSame(rows.map((r) => JSON.stringify(r)).sort(), expected.map((r) => JSON.stringify(r)).sort())
    t.strictSame(run.take(), [])
  }), { seed: 20261203, numRuns: 200 })
})
