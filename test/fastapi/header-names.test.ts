import t from 'tap'
import fc from 'fast-check'
import { isHeaderNamed } from '../../src/fastapi/header-names.js'

const NAMES = ['host', 'transfer-encoding', 'meibel-api-key', 'x-forwarded-proto']

t.test('a name matches exactly when its lower-cased form is the one looked for', async (t) => {
  t.ok(isHeaderNamed('Meibel-API-Key', 'meibel-api-key'))
  t.ok(isHeaderNamed('HOST', 'host'))
  t.ok(isHeaderNamed('host', 'host'))
  t.notOk(isHeaderNamed('hosts', 'host'))
  t.notOk(isHeaderNamed('hast', 'host'))
  t.notOk(isHeaderNamed('', 'host'))
})

t.test('property: the same answer as comparing lower-cased copies', async (t) => {
  const caseOf = (name: string): fc.Arbitrary<string> =>
    fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length })
      .map((upper) => [...name].map((c, i) => upper[i] ? c.toUpperCase() : c).join(''))
  const candidate = fc.oneof(
    fc.constantFrom(...NAMES).chain(caseOf),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 20 })
  )
  fc.assert(fc.property(candidate, fc.constantFrom(...NAMES), (name, lower) => {
    t.equal(isHeaderNamed(name, lower), name.toLowerCase() === lower)
  }), { numRuns: 500 })
})
