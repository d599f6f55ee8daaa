import t from 'tap'
import { makeClock } from '../../src/clock/clock.js'
import { ConflictError } from '../../src/errors.js'

const START = Date.UTC(2026, 10, 20, 12) * 1000

// A real clock the test moves by hand (milliseconds).
const manual = () => {
  let ms = 1_000
  return { realMs: () => ms, tick: (by: number) => { ms += by } }
}

t.test('pinned: moves only when advanced or set, never back', async (t) => {
  const real = manual()
  const clock = makeClock({ mode: 'pinned', speed: 1, startUs: START }, real.realMs)
  real.tick(5_000)
  t.equal(clock.nowUs(), START, 'real time does not move it')
  clock.advance(10)
  t.equal(clock.nowUs(), START + 10)
  clock.set(START + 1_000)
  t.equal(clock.nowUs(), START + 1_000)
  t.throws(() => { clock.set(START) }, new ConflictError('the clock never goes backwards: 2026-11-20T12:00:00Z is before now (2026-11-20T12:00:00.001000Z); POST /__admin/reset goes back to the start'))
  clock.set(START + 1_000)
  t.equal(clock.nowUs(), START + 1_000, 'set to now itself is allowed')
})

t.test('live: runs at speed from where it was; mode and speed change from now; reset goes back to the start', async (t) => {
  const real = manual()
  const clock = makeClock({ mode: 'live', speed: 60, startUs: START }, real.realMs)
  t.same([clock.mode, clock.speed], ['live', 60])
  real.tick(1_000)
  t.equal(clock.nowUs(), START + 60_000_000, 'one real second is a minute')
  clock.setSpeed(2)
  real.tick(500)
  t.equal(clock.nowUs(), START + 61_000_000)
  clock.advance(1)
  t.equal(clock.nowUs(), START + 61_000_001)
  clock.setMode('pinned')
  real.tick(10_000)
  t.equal(clock.nowUs(), START + 61_000_001, 'pinned where it was')
  clock.setMode('live')
  real.tick(1)
  t.equal(clock.nowUs(), START + 61_002_001)
  clock.reset()
  t.same([clock.nowUs(), clock.mode, clock.speed], [START, 'live', 60])
})

t.test('without a real clock given, performance.now drives it', async (t) => {
  const clock = makeClock({ mode: 'live', speed: 1000, startUs: START })
  const first = clock.nowUs()
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(clock.nowUs() > first)
})
