// The emulator's clock: the instant every generated session is measured
// against. `pinned` never moves by itself (only advance and set move it);
// `live` runs at `speed` emulated seconds per real second from where it was.
// It never goes backwards, except on reset (back to its start).
import { ConflictError } from '../errors.js'
import { formatDateTimeMicros } from '../store/datetime.js'

type ClockMode = 'pinned' | 'live'

export interface ClockState {
  mode: ClockMode
  speed: number
  startUs: number
}

export interface Clock {
  // Microseconds since the epoch, a whole number.
  nowUs: () => number
  readonly mode: ClockMode
  readonly speed: number
  advance: (us: number) => void
  // A ConflictError for an instant before now.
  set: (us: number) => void
  setSpeed: (speed: number) => void
  setMode: (mode: ClockMode) => void
  // Back to the start instant, mode and speed.
  reset: () => void
}

// `realMs` is a monotonic millisecond clock (performance.now); tests pass their own.
export const makeClock = (start: ClockState, realMs: () => number = () => performance.now()): Clock => {
  let { mode, speed } = start
  // The emulated instant at the real instant `baseMs`.
  let baseUs = start.startUs
  let baseMs = realMs()
  const nowUs = (): number => mode === 'pinned' ? baseUs : baseUs + Math.floor((realMs() - baseMs) * 1000 * speed)
  // Fixes the current instant as the new base, before the mode or speed changes.
  const rebase = (us: number): void => {
    baseUs = us
    baseMs = realMs()
  }
  return {
    nowUs,
    get mode () { return mode },
    get speed () { return speed },
    advance: (us) => { rebase(nowUs() + us) },
    set: (us) => {
      const now = nowUs()
      if (us < now) throw new ConflictError(`the clock never goes backwards: ${formatDateTimeMicros(us)} is before now (${formatDateTimeMicros(now)}); POST /__admin/reset goes back to the start`)
      rebase(us)
    },
    setSpeed: (value) => {
      rebase(nowUs())
      speed = value
    },
    setMode: (value) => {
      rebase(nowUs())
      mode = value
    },
    reset: () => {
      ({ mode, speed } = start)
      rebase(start.startUs)
    }
  }
}
