// A faker instance that draws exactly what newFaker's draws (src/seed/generate.ts),
// faster, for the seeded dataset's millions of draws (src/seed/seed-rows.ts,
// the lifecycle plans). Two changes, neither of which moves a draw:
//
// A Mersenne Twister randomizer that draws exactly what faker's default one
// draws (MT19937, 53-bit floats from two 32-bit outputs, init_genrand for a
// number seed, init_by_array for an array), on a Uint32Array instead of a
// generic array: seeding (624 words initialised, then one twist) is about
// ten times faster, which matters where a faker instance is reseeded per
// session (lifecycle plans). Every value faker's keeps is only ever used
// modulo 2^32 (through bitwise operators), so the two states agree word for
// word; test/seed/fast-faker.test.ts compares their draws. Seeds must be
// whole numbers (the seeded streams' are: seeds, hashes, stream tags, indexes).
import type { Faker, Randomizer } from '@faker-js/faker'
import { newFaker } from './generate.js'

const N = 624
const M = 397
const MATRIX_A = 0x9908b0df
const UPPER = 0x80000000
const LOWER = 0x7fffffff

const twist = (s: Uint32Array): void => {
  let k = 0
  for (; k < N - M; k++) {
    const y = (s[k]! & UPPER) | (s[k + 1]! & LOWER)
    s[k] = s[k + M]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A)
  }
  for (; k < N - 1; k++) {
    const y = (s[k]! & UPPER) | (s[k + 1]! & LOWER)
    s[k] = s[k + M - N]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A)
  }
  const y = (s[N - 1]! & UPPER) | (s[0]! & LOWER)
  s[N - 1] = s[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A)
}

const initGenrand = (s: Uint32Array, seed: number): void => {
  s[0] = seed
  for (let i = 1; i < N; i++) {
    const prev = s[i - 1]!
    s[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i
  }
}

// init_by_array starts from init_genrand(19650218), the same state every
// time: copied rather than computed (a lifecycle plan reseeds per session).
const ARRAY_START = new Uint32Array(N)
initGenrand(ARRAY_START, 19650218)

const initByArray = (s: Uint32Array, key: readonly number[]): void => {
  s.set(ARRAY_START)
  let i = 1
  let j = 0
  for (let k = Math.max(N, key.length); k !== 0; k--) {
    const prev = s[i - 1]!
    s[i] = (s[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j]! + j
    i++
    j++
    if (i >= N) {
      s[0] = s[N - 1]!
      i = 1
    }
    if (j >= key.length) j = 0
  }
  for (let k = N - 1; k !== 0; k--) {
    const prev = s[i - 1]!
    s[i] = (s[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i
    i++
    if (i >= N) {
      s[0] = s[N - 1]!
      i = 1
    }
  }
  s[0] = 0x80000000
}

// Fields, not closure variables: V8 keeps them in the object, which reads faster.
class Mersenne {
  private readonly s = new Uint32Array(N)
  private index = N

  nextU32 (): number {
    if (this.index >= N) {
      twist(this.s)
      this.index = 0
    }
    let y = this.s[this.index++]!
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  seed (seed: number | number[]): void {
    if (typeof seed === 'number') initGenrand(this.s, seed)
    else initByArray(this.s, seed)
    this.index = N
  }
}

const fastRandomizer = (): Randomizer => {
  const mt = new Mersenne()
  return {
    next: () => ((mt.nextU32() >>> 5) * 67108864 + (mt.nextU32() >>> 6)) * 2 ** -53,
    seed: (seed) => { mt.seed(seed) }
  }
}

// lorem.word without options picks from faker's word list through a copy of
// it read through the locale proxy, for every word; the same pick from the
// list itself (one draw of an index into a list of the same length).
//
// string.uuid (version 4, the only one drawn here) draws each of its 31 hex
// digits through number.hex and number.int, options parsed each time; the
// same digits from the same draws (next() * 16 for the 30 x's in order, then
// next() * 4 + 8 for the y), written at once: as character codes into the
// places of xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx, the dashes and the 4 in
// place already, made one string.
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0))
const UUID_TEMPLATE = Array.from('xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx', (c) => c.charCodeAt(0))
const X_AT = UUID_TEMPLATE.flatMap((code, at) => (code === 0x78 ? [at] : []))
const Y_AT = UUID_TEMPLATE.indexOf(0x79)

// word.sample's kinds, in its order.
const WORD_KINDS = ['adjective', 'adverb', 'conjunction', 'interjection', 'noun', 'preposition', 'verb'] as const

//
// helpers.multiple (lorem's words and sentences) builds its array with
// Array.from({ length: n }, method), V8's slow generic path; the same calls
// of method(undefined, i) in order, in a loop.
//
// word.sample (system.fileName's words) shuffles the seven kinds of word,
// then picks from the first kind's list through a copy of it (thousands of
// words); the same shuffle and pick, from the list itself.
//
// number.int, datatype.boolean, helpers.arrayElement and
// helpers.weightedArrayElement (tens of calls a session, the words' picks
// among them) read and check their options on every call, then draw once
// (float() and float({ min: 0, max }) are next() and next() * max): for the
// options drawn here (whole bounds, max above min; a probability strictly
// between 0 and 1; a list of two or more; positive weights) the same draw,
// by faker's own arithmetic, at once. Any other options go to faker's method,
// which draws or throws as it does.
export const newFastFaker = (): Faker => {
  const randomizer = fastRandomizer()
  const faker = newFaker(randomizer)
  const { datatype, helpers, lorem, number, string } = faker
  const int = number.int
  number.int = ((given?: Parameters<typeof int>[0]) => {
    // A number is the max (helpers.shuffle's calls), as faker reads it.
    const options = typeof given === 'number' ? { max: given } : given
    if (typeof options !== 'object' || options.multipleOf !== undefined || options.distributor !== undefined) return int(options)
    const min = options.min === undefined ? 0 : options.min
    const max = options.max === undefined ? Number.MAX_SAFE_INTEGER : options.max
    if (!Number.isInteger(min) || !Number.isInteger(max) || max <= min) return int(options)
    return Math.floor(randomizer.next() * (max - min + 1) + min)
  }) as typeof int
  const boolean = datatype.boolean
  datatype.boolean = ((options?: Parameters<typeof boolean>[0]) => {
    const p = typeof options === 'number' ? options : options?.probability === undefined ? 0.5 : options.probability
    return p > 0 && p < 1 ? randomizer.next() < p : boolean(options)
  }) as typeof boolean
  const arrayElement = helpers.arrayElement
  helpers.arrayElement = (<T>(array: readonly T[]): T =>
    array.length > 1 ? array[Math.floor(randomizer.next() * array.length)]! : arrayElement(array)) as typeof arrayElement
  const weightedArrayElement = helpers.weightedArrayElement
  helpers.weightedArrayElement = (<T>(array: ReadonlyArray<{ weight: number, value: T }>): T => {
    if (array.length === 0 || !array.every((e) => e.weight > 0)) return weightedArrayElement(array)
    const r = randomizer.next() * array.reduce((sum, { weight }) => sum + weight, 0)
    // faker's loop runs to the last element too, and answers it whether or not r is below the sum.
    const last = array.length - 1
    let upTo = 0
    for (let i = 0; i < last; i++) {
      upTo += array[i]!.weight
      if (r < upTo) return array[i]!.value
    }
    return array[last]!.value
  }) as typeof weightedArrayElement
  helpers.multiple = (<T>(method: (v: unknown, index: number) => T, options: { count?: number | { min: number, max: number } } = {}): T[] => {
    const n = helpers.rangeToNumber(options.count ?? 3)
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(method(undefined, i))
    return out
  }) as typeof helpers.multiple
  const uuid = string.uuid
  const codes = [...UUID_TEMPLATE]
  string.uuid = ((options?: { version?: 4 | 7 }) => {
    if (options !== undefined) return uuid(options)
    for (const at of X_AT) codes[at] = HEX_CODES[Math.floor(randomizer.next() * 16)]!
    codes[Y_AT] = HEX_CODES[Math.floor(randomizer.next() * 4 + 8)]!
    return String.fromCharCode.apply(null, codes)
  }) as typeof uuid
  const word = lorem.word
  const list = faker.definitions.lorem.word
  lorem.word = (options) => (options === undefined ? faker.helpers.arrayElement(list) : word(options))
  const sample = faker.word.sample
  const kinds = WORD_KINDS.map((kind) => faker.definitions.word[kind])
  // A locale without some kind: faker's sample skips it.
  const everyKind = kinds.every((k) => k !== undefined && k.length > 0)
  // The shuffle of the kinds' lists draws what the shuffle of their methods does.
  faker.word.sample = ((options?: Parameters<typeof sample>[0]) =>
    options !== undefined || !everyKind ? sample(options) : helpers.arrayElement(helpers.shuffle(kinds)[0]!)) as typeof sample
  return faker
}
