// The project's shape, checked on the source: dependencies point one way (no
// import cycle anywhere in src/), only src/server.ts reaches into the control
// API (src/admin/), and only src/cli.ts reads process.env. Files are parsed
// with the TypeScript compiler (already a dev dependency), so comments and
// strings that merely mention an import or process.env do not count.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

// Every .ts file under a directory, as paths relative to it (`admin/errors.ts`).
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return walk(path).map((p) => join(entry.name, p))
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [entry.name] : []
  })

interface SourceFacts {
  // Relative module specifiers, as written: `./x.js`, `../y/z.js`.
  imports: string[]
  // Where the file reads the environment, as `line N: <code>`.
  envReads: string[]
}

const isProcess = (node: ts.Node): boolean => ts.isIdentifier(node) && node.text === 'process'
const isEnvName = (node: ts.Node | undefined): boolean =>
  node !== undefined && (ts.isIdentifier(node) || ts.isStringLiteral(node)) && node.text === 'env'

// Whether a node reads the environment: process.env, process['env'],
// `const { env } = process`, or env imported from node:process.
const readsEnv = (node: ts.Node): boolean => {
  if (ts.isPropertyAccessExpression(node)) return isProcess(node.expression) && node.name.text === 'env'
  if (ts.isElementAccessExpression(node)) return isProcess(node.expression) && isEnvName(node.argumentExpression)
  if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer !== undefined) {
    return isProcess(node.initializer) && node.name.elements.some((e) => isEnvName(e.propertyName ?? e.name))
  }
  if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && /^(node:)?process$/.test(node.moduleSpecifier.text)) {
    const bindings = node.importClause?.namedBindings
    return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.some((e) => isEnvName(e.propertyName ?? e.name))
  }
  return false
}

const readFacts = (fileName: string, text: string): SourceFacts => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true)
  const imports: string[] = []
  const envReads: string[] = []
  const visit = (node: ts.Node): void => {
    let specifier: ts.Expression | undefined
    // `import ... from`, `import './x.js'`, `export ... from`.
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) specifier = node.moduleSpecifier
    // `import('./x.js')`.
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) specifier = node.arguments[0]
    if (specifier !== undefined && ts.isStringLiteralLike(specifier) && specifier.text.startsWith('.')) imports.push(specifier.text)
    if (readsEnv(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
      envReads.push(`line ${line}: ${node.getText(source).split('\n')[0]!}`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return { imports, envReads }
}

// A cycle as a path that starts and ends at the same node, or null.
// Depth-first: a module met again while still on the path closes a cycle.
const findCycle = (graph: ReadonlyMap<string, readonly string[]>): string[] | null => {
  const done = new Set<string>()
  const path: string[] = []
  const onPath = new Set<string>()
  const visit = (node: string): string[] | null => {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node]
    if (done.has(node)) return null
    path.push(node)
    onPath.add(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle !== null) return cycle
    }
    path.pop()
    onPath.delete(node)
    done.add(node)
    return null
  }
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node)
    if (cycle !== null) return cycle
  }
  return null
}

t.test('the cycle detector finds cycles, and only cycles', async (t) => {
  const graph = (edges: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(edges))
  t.equal(findCycle(graph({})), null, 'no modules')
  t.equal(findCycle(graph({ a: ['b', 'c'], b: ['c'], c: [] })), null, 'a diamond is no cycle')
  t.same(findCycle(graph({ a: ['a'] })), ['a', 'a'], 'a module importing itself')
  t.same(findCycle(graph({ a: ['b'], b: ['c'], c: ['d', 'b'], d: [] })), ['b', 'c', 'b'], 'the path of the cycle, not of how it was reached')
  t.same(findCycle(graph({ x: ['y'], y: ['z'], z: ['x'] })), ['x', 'y', 'z', 'x'], 'a longer cycle')
})

t.test('readFacts sees every kind of relative import and of env read, and nothing in comments or strings', async (t) => {
  const facts = readFacts('x.ts', [
    "import a from './a.js'",
    "import type { B } from '../b.js'",
    "import './side-effect.js'",
    "export { c } from './c.js'",
    "export * from './d.js'",
    "const e = await import('./e.js')",
    "import fs from 'node:fs'",
    "import { env } from 'node:process'",
    'const one = process.env.X',
    "const two = process['env']",
    'const { env: three } = process',
    "// import z from './z.js', process.env",
    "const text = 'process.env'"
  ].join('\n'))
  t.same(facts.imports, ['./a.js', '../b.js', './side-effect.js', './c.js', './d.js', './e.js'])
  t.same(facts.envReads, [
    "line 8: import { env } from 'node:process'",
    'line 9: process.env',
    "line 10: process['env']",
    'line 11: { env: three } = process'
  ])
})

const files = walk(SRC).sort()
const facts = new Map(files.map((file) => [file, readFacts(file, readFileSync(join(SRC, file), 'utf8'))]))

// Each module's imports within src/, as paths relative to src/ (`.js` read as `.ts`).
const graph = new Map(files.map((file) => [file, facts.get(file)!.imports.map((specifier) =>
  relative(SRC, resolve(SRC, dirname(file), specifier)).replace(/\.js$/, '.ts'))]))

t.test('src/ is where the walk looks', async (t) => {
  t.ok(files.includes('server.ts') && files.includes('admin/errors.ts') && files.includes('cli.ts'), files.join(', '))
})

t.test('every relative import names a module in src/', async (t) => {
  const known = new Set(files)
  const broken = [...graph].flatMap(([file, targets]) => targets.filter((target) => !known.has(target)).map((target) => `${file} -> ${target}`))
  t.same(broken, [])
})

t.test('there is no import cycle in src/', async (t) => {
  const cycle = findCycle(graph)
  t.equal(cycle, null, cycle === null ? 'no cycle' : `import cycle: ${cycle.join(' -> ')}`)
})

// The same graph between directories (seed/, admin/, ...); a file at the top
// of src/ counts on its own, since server.ts and errors.ts sit there side by
// side at opposite ends. seed/dataset.ts importing admin/errors.ts while
// admin/validation.ts imports seed/record-errors.ts is such a cycle.
const area = (file: string): string => file.includes('/') ? `${file.slice(0, file.indexOf('/'))}/` : file
const areas = new Map<string, string[]>()
for (const [file, targets] of graph) {
  const from = area(file)
  const to = targets.map(area).filter((target) => target !== from)
  areas.set(from, [...new Set([...(areas.get(from) ?? []), ...to])])
}

t.test('there is no import cycle between the directories of src/', async (t) => {
  const cycle = findCycle(areas)
  t.equal(cycle, null, cycle === null ? 'no cycle' : `import cycle between directories: ${cycle.join(' -> ')}`)
})

t.test('only src/server.ts imports the control API (src/admin/)', async (t) => {
  const outside = [...graph]
    .filter(([file]) => !file.startsWith('admin/') && file !== 'server.ts')
    .flatMap(([file, targets]) => targets.filter((target) => target.startsWith('admin/')).map((target) => `${file} -> ${target}`))
  t.same(outside, [])
  t.ok(graph.get('server.ts')!.some((target) => target.startsWith('admin/')), 'server.ts does register it')
})

t.test('only src/cli.ts reads process.env (src/config.ts is given env)', async (t) => {
  const readers = [...facts].filter(([, f]) => f.envReads.length > 0).map(([file, f]) => `${file}: ${f.envReads.join('; ')}`)
  t.same(readers.map((r) => r.split(':')[0]), ['cli.ts'], readers.join('\n'))
})
