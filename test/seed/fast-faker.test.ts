// newFastFaker draws what newFaker draws: the same numbers for the same
// seeds (numbers and arrays), and the same words and UUIDs.
import t from 'tap'
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
      f.helpers.multiple((_, i) => `${i}:${f.number.int(9)}`), f.helpers.multiple(() => f.lorem.word(), { count: 0 }),
      f.helpers.multiple(() => f.number.int(9), { count: { min: 1, max: 4 } })
    ]
    t.strictSame(draws(fast), draws(slow), `seed ${JSON.stringify(seed).slice(0, 40)}`)
  }
})
