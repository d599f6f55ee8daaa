// Fastify gives every request a child logger (request.log, bound to the
// request's id), and pino's child() serializes its bindings as it is made:
// about 1.5 % of the CPU of a cached page. Below debug, a request logs
// only when something fails, so this factory makes the child on the first
// call instead: an object of four fields until then.
import type { FastifyBaseLogger } from 'fastify'

// pino's, as Fastify's logger type has them.
type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>

interface LazyChild {
  parent: FastifyBaseLogger
  bindings: Bindings
  options: ChildLoggerOptions
  made: FastifyBaseLogger | undefined
}

const madeChild = (lazy: LazyChild): FastifyBaseLogger => (lazy.made ??= lazy.parent.child(lazy.bindings, lazy.options))

// pino's methods, each on the child as pino made it (so `this` is that child).
const METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const PROTOTYPE: object = Object.defineProperties(
  Object.fromEntries(METHODS.map((name) => [name, function (this: LazyChild, ...args: unknown[]) {
    return (madeChild(this)[name] as (...a: unknown[]) => void)(...args)
  }])),
  {
    level: {
      get (this: LazyChild) { return madeChild(this).level },
      set (this: LazyChild, level: string) { madeChild(this).level = level }
    },
    child: {
      value (this: LazyChild, bindings: Bindings, options?: ChildLoggerOptions) { return madeChild(this).child(bindings, options) }
    }
  }
)

// Fastify's childLoggerFactory (logger, bindings, options, rawRequest).
export const lazyChildLogger = (parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger => {
  const lazy: LazyChild = Object.create(PROTOTYPE)
  lazy.parent = parent
  lazy.bindings = bindings
  lazy.options = options
  lazy.made = undefined
  return lazy as unknown as FastifyBaseLogger
}
