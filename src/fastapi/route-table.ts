// A table of routes in FastAPI's path syntax (`/agents/{agent_id}/sessions`),
// compiled once into what each side needs: find-my-way's path for Fastify
// (`/agents/:agent_id/sessions`) and Starlette's regex for deciding what
// FastAPI's router answers when no route fully matches (§3.2, §7).
// Section numbers (§) refer to docs/fidelity.md.

// One method per route, as each FastAPI path-operation decorator (`@router.get`)
// makes its own route.
type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RouteSpec {
  readonly method: RouteMethod
  // FastAPI syntax, below the table's prefix.
  readonly path: string
}

export type RouteParams = Readonly<Record<string, string>>

export interface CompiledRoute<R extends RouteSpec> {
  readonly spec: R
  // find-my-way's syntax, below the prefix: what the route is registered as.
  readonly url: string
  // Starlette's compile_path over the full path: `[^/]+` per `{param}`,
  // anchored with Python's `$`, which also matches before one final `\n` (§3.2).
  readonly regex: RegExp
  // The same with JavaScript's `$` (end of text only).
  readonly strict: RegExp
}

// What Starlette's router does with a path no Fastify route accepted for the
// request's method: the first route whose path matches answers 405; else a
// path that matches some route once its trailing slashes are removed (or one
// is added) gets a 307 to it; else 404.
type Unrouted<R extends RouteSpec> =
  | { kind: 'method-not-allowed', route: R, params: RouteParams }
  | { kind: 'redirect', path: string, route: R, params: RouteParams }
  | { kind: 'not-found' }

export interface RouteTable<R extends RouteSpec> {
  // Where the routes live (`/v2`): Fastify's register prefix, the OpenAPI server.
  readonly prefix: string
  readonly routes: ReadonlyArray<CompiledRoute<R>>
  // `path` percent-decoded, as uvicorn hands it to the app (§3.1).
  unrouted: (path: string) => Unrouted<R>
  // The path find-my-way must route for a decoded `path`: without its final
  // `\n` when the first route matching it matched that newline with `$`
  // (§3.2), so that route answers as Starlette's does; else `path`.
  routedPath: (path: string) => string
}

// Starlette's PARAM_REGEX; a `:convertor` suffix is refused below.
const PARAM = /\{([a-zA-Z_][a-zA-Z0-9_]*)(:[a-zA-Z_][a-zA-Z0-9_]*)?\}/g
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|]/g
// find-my-way gives these meaning in a static part (`:param`, `*` wildcard).
const FIND_MY_WAY_SPECIAL = /[:*]/

const NOT_FOUND = Object.freeze({ kind: 'not-found' } as const)

const compileRoute = <R extends RouteSpec>(prefix: string, spec: R): CompiledRoute<R> => {
  const where = `route ${spec.method} ${spec.path}`
  if (!spec.path.startsWith('/')) throw new Error(`${where}: the path must start with '/'`)
  let url = ''
  let regex = '^' + prefix.replace(REGEX_SPECIAL, '\\$&')
  const names = new Set<string>()
  let at = 0
  const addStatic = (text: string): void => {
    if (FIND_MY_WAY_SPECIAL.test(text) || text.includes('{') || text.includes('}')) {
      throw new Error(`${where}: '${text}' is not a plain path segment`)
    }
    url += text
    regex += text.replace(REGEX_SPECIAL, '\\$&')
  }
  for (const m of spec.path.matchAll(PARAM)) {
    const name = m[1]!
    if (m[2] !== undefined) throw new Error(`${where}: path convertors ('${m[0]}') are not emulated`)
    if (names.has(name)) throw new Error(`${where}: duplicated param name ${name}`)
    names.add(name)
    addStatic(spec.path.slice(at, m.index))
    url += `:${name}`
    regex += `(?<${name}>[^/]+)`
    at = m.index + m[0].length
  }
  addStatic(spec.path.slice(at))
  // §3.2: Python's `$` also matches just before a final newline.
  return { spec, url, regex: new RegExp(regex + '\\n?$'), strict: new RegExp(regex + '$') }
}

const paramsOf = (m: RegExpExecArray): RouteParams => ({ ...m.groups })

// The first route whose path matches, and its params.
const firstMatch = <R extends RouteSpec>(routes: ReadonlyArray<CompiledRoute<R>>, path: string): { route: R, params: RouteParams } | null => {
  for (const { spec, regex } of routes) {
    const m = regex.exec(path)
    if (m !== null) return { route: spec, params: paramsOf(m) }
  }
  return null
}

// Routes are matched in table order, as Starlette does; find-my-way prefers a
// static segment over a param whatever the order, so list overlapping routes
// with the static one first and both agree.
export const compileRouteTable = <R extends RouteSpec>(prefix: string, specs: readonly R[]): RouteTable<R> => {
  const routes = specs.map((spec) => compileRoute(prefix, spec))
  return {
    prefix,
    routes,
    routedPath: (path) => {
      if (!path.endsWith('\n')) return path
      for (const { regex, strict } of routes) {
        if (regex.test(path)) return strict.test(path) ? path : path.slice(0, -1)
      }
      return path
    },
    unrouted: (path) => {
      // §7 R405: Fastify routes every method-and-path match, so a path match
      // here is Starlette's first PARTIAL match: that route answers.
      const partial = firstMatch(routes, path)
      if (partial !== null) return { kind: 'method-not-allowed', ...partial }
      // §7 R307: Starlette's redirect_slashes, with any method.
      if (path === '/') return NOT_FOUND
      const target = path.endsWith('/') ? path.replace(/\/+$/, '') : `${path}/`
      const redirect = firstMatch(routes, target)
      return redirect === null ? NOT_FOUND : { kind: 'redirect', path: target, ...redirect }
    }
  }
}

// §7 R405: the Allow header is the answering route's methods (Starlette's
// ", ".join(route.methods)); FastAPI adds no HEAD to a GET route.
export const allowHeader = (route: RouteSpec): string => route.method
