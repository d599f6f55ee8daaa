// A SessionsStore whose database can be replaced at once: a reseed builds
// its data apart (src/seed/seeded-file.ts) and swaps it in, so no request
// waits for the build. Every member forwards to the current store, whatever
// members SessionsStore has (they are read off the first store), except
// those a swap must carry over:
// - onFailure listeners and the attached lifecycle hooks go to every next store;
// - version() tokens are prefixed with a swap counter, so a token of an
//   earlier store is never seen again (src/routes/answer-cache.ts keys
//   answers on them: a page cached before a swap is never served after it);
// - the snapshot (takeSnapshot, the state right after start, for reset) is
//   copied into the next store through a scratch file. Copied rather than
//   kept in the first store, left open to swap back to: with --db the first
//   store's file is replaced (renamed over) by the next one and its
//   connection must close first, and an in-memory one would keep the start
//   data twice in memory for the emulator's lifetime. The copy costs the
//   start data's size once per swap (a few ms for the default dataset).
// The forwarding costs nothing per call: the current store's own functions
// are the members (rebound at each swap; they are closures over their
// store, never methods reading `this`), and a token is prefixed once per
// token, not once per call.
// The old store is closed at the swap. Its open streams (a list without
// limit being sent) read what they have left into memory first, as they do
// before any write (src/store/sessions-store.ts), so they end with the old
// data, and nothing is left to close later.
import { rmSync } from 'node:fs'
import type { SessionsStore } from './sessions-store.js'

export interface SwappableStore extends SessionsStore {
  // Closes the current store, opens the next one (`open` runs once the old
  // connection is closed: with --db it renames the new file over the old
  // one) and serves from it. `scratch` is a path for the snapshot's copy,
  // removed before swap returns.
  swap: (open: () => SessionsStore, scratch: string) => void
  // How many swaps so far.
  readonly swaps: number
}

type Listener = Parameters<SessionsStore['onFailure']>[0]
type Hooks = Parameters<SessionsStore['attachLifecycle']>[0]

export const makeSwappableStore = (first: SessionsStore): SwappableStore => {
  let current = first
  let swaps = 0
  let snapshotTaken = false
  const listeners: Listener[] = []
  let hooks: Hooks | null = null
  // The current store's last token, and what this store made of it.
  let innerVersion: string | null = null
  let outerVersion = ''
  const store: Record<string, unknown> = {}
  const forwarded: string[] = []
  const bind = (next: SessionsStore): void => {
    for (const name of forwarded) store[name] = next[name as keyof SessionsStore]
  }

  const swap = (open: () => SessionsStore, scratch: string): void => {
    const old = current
    rmSync(scratch, { force: true })
    try {
      if (snapshotTaken) old.exportSnapshot(scratch)
      old.close()
      const next = open()
      if (snapshotTaken) next.importSnapshot(scratch)
      for (const listener of listeners) next.onFailure(listener)
      if (hooks !== null) next.attachLifecycle(hooks)
      current = next
      bind(next)
      swaps++
      innerVersion = null
    } finally {
      rmSync(scratch, { force: true })
    }
    // The lifecycle's table is another one now: it syncs again.
    hooks?.changed()
  }

  const carried = {
    swap,
    get swaps () { return swaps },
    onFailure: (listener: Listener) => {
      listeners.push(listener)
      current.onFailure(listener)
    },
    attachLifecycle: (next: Hooks) => {
      hooks = next
      current.attachLifecycle(next)
    },
    version: () => {
      const inner = current.version()
      if (inner !== innerVersion) {
        innerVersion = inner
        outerVersion = `${swaps}/${inner}`
      }
      return outerVersion
    },
    takeSnapshot: () => {
      snapshotTaken = true
      current.takeSnapshot()
    }
  }
  // Methods are the current store's own (bind); getters (open, failure) read it.
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(first))) {
    if (name in carried) continue
    if (typeof descriptor.value === 'function') forwarded.push(name)
    else Object.defineProperty(store, name, { enumerable: true, get: () => current[name as keyof SessionsStore] })
  }
  bind(first)
  Object.defineProperties(store, Object.getOwnPropertyDescriptors(carried))
  return store as unknown as SwappableStore
}
