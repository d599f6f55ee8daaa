import t from 'tap'
import { parsePrefer } from '../../src/faults/prefer.js'

const LISTED = new Set([200, 422])

t.test('code and delay, alone or combined, in any case and quoting', async (t) => {
  t.same(parsePrefer('code=503', LISTED), { code: 503, delayMs: null })
  t.same(parsePrefer('delay=250', LISTED), { code: null, delayMs: 250 })
  t.same(parsePrefer('code=503, delay=250', LISTED), { code: 503, delayMs: 250 })
  t.same(parsePrefer(' Code = "429" ;x=1,DELAY=0', LISTED), { code: 429, delayMs: 0 })
  t.same(parsePrefer('code=503, code=502', LISTED), { code: 502, delayMs: null }, 'the last wins')
})

t.test('what cannot be honoured is ignored', async (t) => {
  t.equal(parsePrefer('code=200', LISTED), null, 'a listed code means the normal behaviour')
  t.equal(parsePrefer('code=422', LISTED), null)
  t.same(parsePrefer('code=503, code=200, delay=5', LISTED), { code: null, delayMs: 5 })
  t.equal(parsePrefer('code=599', LISTED), null, 'no HTTP status phrase')
  t.equal(parsePrefer('code=101', LISTED), null, 'no final answer')
  t.equal(parsePrefer('code=abc, delay=-1, delay=1e3', LISTED), null)
  t.equal(parsePrefer('delay=600001', LISTED), null, 'longer than the maximum')
  t.equal(parsePrefer('return=minimal, respond-async, wait=10', LISTED), null, 'other preferences')
  t.equal(parsePrefer('', LISTED), null)
})
