// newFastFaker draws what newFaker draws: the same numbers for the same
// seeds (numbers and arrays), and the same words and UUIDs.
import t from 'tap'
import fc from 'fast-check'
import { newFastFaker } from '../../src/seed/fast-faker.js'
import { newFaker } from '../../src/seed/generate.js'

const SEEDS: Array<number | number[]> = [0, 1, 20261120, 2 ** 32 - 1, [1], [1, 2], [20261120, 3735928559, 0x706c616e, 5], Array.from({ length: 700 }, (_, i) => i * 7919)]

t.test('the same draws for the same seeds', async (t) => {
  const [slow, fast] = [newFaker(), newFastFaker()]
  for (const seed of SEEDS) {
    slow.seed(seed)
    fast.seed(seed)
    const draws = (f: typeof slow): unknown[] => [
      Array.from({ length: 1_500 }, () => f.number.float()),
      f.string.uuid(), f.string.uuid({ version: 4 }), f.string.uuid(),
      f.lorem.word(), f.lorem.word(5), f.lorem.word({ length: { min: 3, max: 6 } }), f.lorem.sentences({ min: 1, max: 3 }),
      f.system.commonFileName('pdf'), f.number.int({ min: 1, max: 999_999 }),
      f.word.sample(), f.word.words(), f.word.words(5), f.word.sample({}), f.word.sample(4), f.word.sample({ length: { min: 2, max: 5 } }),
      f.helpers.shuffle([1, 2, 3, 4, 5, 6, 7]), f.number.int(0), f.number.int(1), f.number.int(2.5),
      f.helpers.multiple((_, i) => `${i}:${f.number.int(9)}`), f.helpers.multiple(() => f.lorem.word(), { count: 0 }),
      f.helpers.multiple(() => f.number.int(9), { count: { min: 1, max: 4 } }),
      f.number.int(), f.number.int(7), f.number.int({ min: 3 }), f.number.int({ min: -5, max: 5 }), f.number.int({ min: 4, max: 4 }),
      f.number.int({ min: 0.5, max: 9.5 }), f.number.int({ max: 100, multipleOf: 5 }), f.number.int({ min: 1, max: 2 ** 60 }),
      f.datatype.boolean(), f.datatype.boolean(0.3), f.datatype.boolean({ probability: 0 }), f.datatype.boolean({ probability: 1 }),
      f.datatype.boolean({ probability: 0.9 }), f.datatype.boolean({}),
      f.helpers.arrayElement([1]), f.helpers.arrayElement([1, 2, 3]), f.helpers.arrayElement(['a', 'b']),
      f.helpers.weightedArrayElement([{ weight: 0.5, value: 'a' }, { weight: 2, value: 'b' }]), f.helpers.weightedArrayElement([{ weight: 1, value: 'c' }])
    ]
    t.strictSame(draws(fast), draws(slow), `seed ${JSON.stringify(seed).slice(0, 40)}`)
  }
})

t.test('what faker throws, it throws', async (t) => {
  for (const f of [newFaker(), newFastFaker()]) {
    t.throws(() => f.number.int({ min: 5, max: 1 }), /Max 1 should be greater than min 5/)
    t.throws(() => f.helpers.arrayElement([]), /empty dataset/)
    t.throws(() => f.helpers.weightedArrayElement([]), /at least one element/)
    t.throws(() => f.helpers.weightedArrayElement([{ weight: 0, value: 1 }]), /positive number/)
  }
})

// Any sequence of the calls with their fast paths, with options in and out
// of those paths: the same values, and the streams still in step after.
type Call = (f: ReturnType<typeof newFaker>) => unknown
const bound = fc.oneof(fc.integer({ min: -1_000, max: 1_000 }), fc.double({ min: -1_000, max: 1_000, noNaN: true }), fc.constant(undefined))
const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ min: bound, max: bound }).map(({ min, max }): Call => (f) => {
    try {
      return f.number.int({ ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) })
    } catch (err) {
      return (err as Error).message
    }
  }),
  fc.oneof(fc.double({ min: -0.5, max: 1.5, noNaN: true }), fc.constant(undefined)).map((probability): Call => (f) => f.datatype.boolean(probability === undefined ? {} : { probability })),
  fc.array(fc.integer(), { minLength: 1, maxLength: 5 }).map((list): Call => (f) => f.helpers.arrayElement(list)),
  fc.array(fc.record({ weight: fc.double({ min: 0.001, max: 100, noNaN: true }), value: fc.integer() }), { minLength: 1, maxLength: 5 })
    .map((list): Call => (f) => f.helpers.weightedArrayElement(list)),
  fc.constant<Call>((f) => f.string.uuid()),
  fc.constant<Call>((f) => f.word.sample()),
  fc.oneof(fc.integer({ min: -3, max: 50 }), fc.double({ min: -3, max: 50, noNaN: true })).map((max): Call => (f) => {
    try {
      return f.number.int(max)
    } catch (err) {
      return (err as Error).message
    }
  })
)

t.test('the same values for any sequence of calls', async (t) => {
  const [slow, fast] = [newFaker(), newFastFaker()]
  fc.assert(fc.property(fc.nat(), fc.array(call, { maxLength: 30 }), (seed, calls) => {
    slow.seed(seed)
    fast.seed(seed)
    const run = (f: typeof slow): unknown[] => [...calls.map((c) => c(f)), f.number.float()]
    t.strictSame(run(fast), run(slow))
  }), { numRuns: 500 })
})
