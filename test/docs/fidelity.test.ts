// Tests for docs/fidelity.md, the rule book the `§` comments cite:
// (a) every section (`§4`, `§3.1`) and rule tag (`§7 R405`, `§4 QS, DUP`)
//     cited in src/, test/, test-reference/ or the document itself exists in it;
// (b) nothing points at the fidelity document or the spec outside the
//     repository any more; only the container tooling may use ../shared/docker.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SELF = relative(ROOT, fileURLToPath(import.meta.url))
const DOC_PATH = 'docs/fidelity.md'
const doc = readFileSync(join(ROOT, DOC_PATH), 'utf8')

const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((path) => path !== SELF && !path.split('/').includes('node_modules'))

// Section N's text: from its `## N.` heading to the next `## ` heading.
const sections = new Map<string, string>()
for (const part of doc.split(/^(?=## )/m)) {
  const m = /^## (\d+)\. /.exec(part)
  if (m !== null) sections.set(m[1]!, part)
}
const subsections = new Set(Array.from(doc.matchAll(/^### (\d+\.\d+) /gm), (m) => m[1]!))
// Tags are defined in §2 as `- **TAG**:` and carried by rules as `[TAG]`.
const definedTags = new Set(Array.from((sections.get('2') ?? '').matchAll(/^- \*\*([A-Z][A-Z0-9]+)\*\*:/gm), (m) => m[1]!))
const tagsIn = (section: string): Set<string> =>
  new Set(Array.from((sections.get(section) ?? '').matchAll(/\[([A-Z][A-Z0-9]+)\]/g), (m) => m[1]!))

// Upper-case words after a section that are requests, not tags ('§7 POST with trailing slash').
const NOT_TAGS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const TAG = '[A-Z][A-Z0-9]+'
const CITATION = new RegExp(`§(\\d+)(?:\\.(\\d+))?(?: (${TAG}(?:, ${TAG})*)\\b)?`, 'g')

t.test('the document has the sections and tags the code was written against', async (t) => {
  for (const n of ['2', '3', '4', '5', '6', '7', '9', '10', '11', '12']) t.ok(sections.has(n), `§${n}`)
  for (const tag of ['QS', 'DUP', 'Q422', 'INT', 'GE', 'NULL', 'PAT', 'AUTH', 'ORDER', 'R404', 'R405', 'R307', 'R200']) {
    t.ok(definedTags.has(tag), `§2 defines ${tag}`)
  }
  for (const n of ['2', '3', '4', '5', '6', '7', '9', '10']) {
    for (const tag of tagsIn(n)) t.ok(definedTags.has(tag), `§${n} uses [${tag}], defined in §2`)
  }
})

t.test('every § cited in src/, test/, test-reference/ and the document exists', async (t) => {
  const files = [...filesUnder('src'), ...filesUnder('test'), ...filesUnder('test-reference'), DOC_PATH]
  const missing: string[] = []
  let citations = 0
  for (const file of files) {
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(CITATION)) {
      citations++
      const [cited, n, sub, tags] = m
      if (!sections.has(n!)) {
        missing.push(`${file}: ${cited}: no section ${n}`)
        continue
      }
      if (sub !== undefined && !subsections.has(`${n}.${sub}`)) missing.push(`${file}: ${cited}: no heading ${n}.${sub}`)
      for (const tag of tags?.split(', ') ?? []) {
        if (!NOT_TAGS.has(tag) && !tagsIn(n!).has(tag)) missing.push(`${file}: ${cited}: no rule tagged [${tag}] in §${n}`)
      }
    }
  }
  t.same(missing, [], `every citation resolves in ${DOC_PATH}`)
  // Guards the scan itself: the code cites the document in well over 100 places.
  t.ok(citations > 100, `${citations} citations checked`)
})

t.test('no reference to the fidelity document or spec outside the repository', async (t) => {
  const files = [...filesUnder('src'), ...filesUnder('test'), ...filesUnder('test-reference'), ...filesUnder('reference'), 'README.md']
  // The container tooling (and the README section describing it) may use ../shared/docker.
  const mayUseSharedDocker = (file: string): boolean => file.startsWith('test/container/') || file === 'README.md'
  const outside = files.filter((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8')
    return /shared\/(fidelity|spec)\b|\.\.\/shared\/(?!docker\b)/.test(text) ||
      (!mayUseSharedDocker(file) && text.includes('../shared/'))
  })
  t.same(outside, [], 'files pointing outside the repository')
  t.ok(files.includes('src/fastapi/urllib.ts') && files.includes('reference/app.py'), 'the scan sees the files')
})
