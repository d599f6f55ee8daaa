// Differential suite: the emulator against the FastAPI reference
// (reference/app.py under uvicorn + h11). Run with `npm run test:reference`.
//
// Every non-200 must match in status, body bytes and the content-type,
// allow, www-authenticate, location and content-length headers. A 200 must
// be a 200 on both (the reference has no data), and the emulator's body must
// be valid for the reference's pydantic models and equal, byte for byte, to
// pydantic's re-serialization of it.
//
// Environment: FC_SEED (fast-check seed), FC_RUNS (number of generated
// requests, default 2500), FC_HTTP_RUNS (generated requests for routing and
// the HTTP layer, test-reference/http-layer.ts, default 1000), DIFF_CONCURRENCY (requests in flight, default 8),
// DIFF_HEADER_ORDER=0 (only count responses whose headers come in another
// order than Starlette's; by default that fails too).
import { writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import fc from 'fast-check'
import { build } from '../test/helper.js'
import { describeExchange, exchange, exchangeReport, isInvalidRequestAnswer, judgeBody, pool, type Exchange, type Targets } from './compare.js'
import { HANDPICKED } from './handpicked.js'
import { httpLayerArb, KNOWN_DIFFERENCES } from './http-layer.js'
import { header, sendRaw, type RawRequest } from './raw-http.js'
import { startReference } from './reference-server.js'
import { requestArb } from './requests.js'

const DEFAULT_SEED = 20261128
const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`)
  return n
}
const SEED = envInt('FC_SEED', DEFAULT_SEED)
const RUNS = envInt('FC_RUNS', 2500)
const HTTP_RUNS = envInt('FC_HTTP_RUNS', 1000)
const CONCURRENCY = envInt('DIFF_CONCURRENCY', 8)
const STRICT_ORDER = process.env.DIFF_HEADER_ORDER !== '0'
const SHOWN = 8
const failing = (ex: Exchange): readonly string[] => STRICT_ORDER ? [...ex.differences, ...ex.notes] : ex.differences

const reference = await startReference()
t.teardown(() => reference.stop())

const app = await build(t)
await app.listen({ port: 0, host: '127.0.0.1' })
const targets: Targets = { referencePort: reference.port, emulatorPort: (app.server.address() as AddressInfo).port }

await t.test('hand-picked cases (fidelity document examples)', async (t) => {
  for (const c of HANDPICKED) {
    const ex = await exchange(targets, c.request)
    const ref = ex.reference
    if (ref instanceof Error) {
      t.fail(`${c.name}: the reference did not answer: ${ref.message}`)
      continue
    }
    t.equal(ref.status, c.status, `${c.name}: the reference answers ${c.status} as documented`)
    if (c.bodyIncludes !== undefined) {
      t.ok(ref.body.toString('utf8').includes(c.bodyIncludes), `${c.name}: the reference body has ${c.bodyIncludes}`)
    }
    if (c.request.method === 'HEAD') {
      t.equal(header(ref, 'content-length'), '31', `${c.name}: HEAD keeps content-length 31`)
    }
    const ok = failing(ex).length === 0
    t.ok(ok, `${c.name}: the emulator answers like the reference`, ok ? {} : { diagnostic: true, ...exchangeReport(ex, STRICT_ORDER) })
  }
})

// The harness itself: a difference must be seen, and the judge must reject
// bodies pydantic would not send. (Inputs written here, not taken from the
// emulator's output.)
await t.test('the harness detects differences', async (t) => {
  const strict = await build(t, { strict: true })
  await strict.listen({ port: 0, host: '127.0.0.1' })
  const strictTargets: Targets = { referencePort: reference.port, emulatorPort: (strict.server.address() as AddressInfo).port }
  const ex = await exchange(strictTargets, { method: 'GET', target: '/v2/agents/x/sessions?sort_by=bogus', headers: [['Host', 'testserver:8000'], ['Meibel-API-Key', 'k']] })
  t.ok(ex.differences.some((d) => d.startsWith('status:')), 'a --strict emulator (422 for an unknown sort_by) differs from the reference')

  const session = '{"session_id":"s","status":"RUNNING","start_time":"2024-01-02T03:04:05Z","end_time":null,"agent_name":null,"agent_version":null,"messages_count":0,"token_usage":null,"result":[]}'
  const exact = await judgeBody(reference.port, Buffer.from(`{"data":[${session}],"total":1}`))
  t.same(exact, { valid: true, errors: [], redumped: `{"data":[${session}],"total":1}` }, 'the judge re-serializes a pydantic-shaped body unchanged')
  const offset = await judgeBody(reference.port, Buffer.from('{"data":[{"session_id":"s","status":"RUNNING","start_time":"2024-01-02T03:04:05+00:00"}],"total":1}'))
  t.equal(offset.valid, true, 'a body with +00:00 and missing defaults is valid')
  t.not(offset.redumped, '{"data":[{"session_id":"s","status":"RUNNING","start_time":"2024-01-02T03:04:05+00:00"}],"total":1}', '... but pydantic would send it differently')
  t.match(offset.redumped, /"start_time":"2024-01-02T03:04:05Z","end_time":null,/, 'pydantic writes Z and the null defaults')
  const invalid = await judgeBody(reference.port, Buffer.from('{"data":[{"session_id":"s"}],"total":"x"}'))
  t.equal(invalid.valid, false, 'the judge rejects a body that misses required fields')
})

// Where the emulator's answers differ, with everything needed to act on them.
const reportMismatches = (t: Test, label: string, exchanges: readonly Exchange[], runs: number): void => {
  const mismatches: Exchange[] = exchanges.filter((ex) => failing(ex).length > 0)
  const file = join(tmpdir(), `meibel-mock-differential-${label}-${SEED}-${process.pid}.txt`)
  const kinds = new Map<string, number>()
  if (mismatches.length > 0) {
    writeFileSync(file, mismatches.map((ex, i) => describeExchange(ex, i + 1, STRICT_ORDER)).join('\n\n') + '\n')
    for (const ex of mismatches) {
      for (const d of failing(ex)) {
        const kind = d.split(':')[0]!
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
      }
    }
  }
  const ok = mismatches.length === 0
  t.ok(ok, `emulator answers like the reference for all ${runs} ${label} requests (fast-check seed ${SEED})`, ok
    ? {}
    : {
        diagnostic: true,
        mismatches: `${mismatches.length} of ${runs} requests differ`,
        seed: SEED,
        rerun: `FC_SEED=${SEED} npm run test:reference`,
        byKind: Object.fromEntries(kinds),
        allOfThem: file,
        [`first ${Math.min(SHOWN, mismatches.length)}`]: mismatches.slice(0, SHOWN).map((ex) => exchangeReport(ex, STRICT_ORDER))
      })
}

await t.test(`${RUNS} generated requests (fast-check seed ${SEED})`, async (t) => {
  const requests = fc.sample(requestArb, { seed: SEED, numRuns: RUNS })
  t.equal(requests.length, RUNS, 'the generator produced every request')
  const started = Date.now()
  const exchanges = await pool(requests, CONCURRENCY, (request) => exchange(targets, request))
  const elapsed = Date.now() - started

  const statusCounts = new Map<string, number>()
  for (const ex of exchanges) {
    const key = ex.reference instanceof Error ? 'error' : String(ex.reference.status)
    statusCounts.set(key, (statusCounts.get(key) ?? 0) + 1)
  }
  t.comment(`reference statuses: ${[...statusCounts].sort().map(([s, n]) => `${s}×${n}`).join(', ')} (${elapsed} ms)`)
  // The generator must reach every outcome, or the comparison proves little.
  for (const status of ['200', '307', '401', '404', '405', '422']) {
    t.ok((statusCounts.get(status) ?? 0) > 0, `the generated requests include reference ${status}s`)
  }
  const judged = exchanges.filter((ex) => ex.judge !== undefined && !(ex.judge instanceof Error) && ex.judge.valid)
  t.ok(judged.some((ex) => !(ex.emulator instanceof Error) && ex.emulator.body.toString().includes('"session_id"')),
    'some judged 200 bodies carry sessions')

  const reordered = exchanges.filter((ex) => ex.notes.length > 0)
  if (reordered.length > 0 && !STRICT_ORDER) {
    const example = reordered[0]!
    t.comment(`header order differs from Starlette's in ${reordered.length} responses (not failing: DIFF_HEADER_ORDER=0), e.g. ${example.request.method} ${example.request.target.slice(0, 80)}: ${example.notes.join('; ')}`)
  }
  reportMismatches(t, 'query', exchanges, RUNS)
})

await t.test(`${HTTP_RUNS} generated requests for routing and the HTTP layer (fast-check seed ${SEED})`, async (t) => {
  const requests = fc.sample(httpLayerArb, { seed: SEED, numRuns: HTTP_RUNS })
  t.equal(requests.length, HTTP_RUNS, 'the generator produced every request')
  const exchanges = await pool(requests, CONCURRENCY, (request) => exchange(targets, request))
  const outcomes = new Map<string, number>()
  const count = (key: string): void => { outcomes.set(key, (outcomes.get(key) ?? 0) + 1) }
  for (const ex of exchanges) {
    const ref = ex.reference
    if (ref instanceof Error) { count('error'); continue }
    count(isInvalidRequestAnswer(ref) ? 'invalid-request 400' : String(ref.status))
    if (header(ref, 'location')?.startsWith('https://') === true) count('https location')
  }
  t.comment(`reference outcomes: ${[...outcomes].sort().map(([s, n]) => `${s}×${n}`).join(', ')}`)
  for (const outcome of ['200', '307', '401', '404', '405', '422', 'invalid-request 400', 'https location']) {
    t.ok((outcomes.get(outcome) ?? 0) > 0, `the generated requests include reference ${outcome} answers`)
  }
  reportMismatches(t, 'http-layer', exchanges, HTTP_RUNS)
})

// Each of these is listed in the README ("Differences below the
// application") with its reason: asserted as a difference, so a change on
// either side (a Node option that lets the emulator follow h11, or a new h11)
// shows up here instead of going unnoticed.
await t.test('known differences below the application, as the README lists them', async (t) => {
  const status = async (port: number, request: RawRequest): Promise<number | string> => {
    try {
      return (await sendRaw(port, request)).status
    } catch (err) {
      return (err as Error).message
    }
  }
  for (const known of KNOWN_DIFFERENCES) {
    const [reference, emulator] = await Promise.all([status(targets.referencePort, known.request), status(targets.emulatorPort, known.request)])
    t.same({ reference, emulator }, { reference: known.reference, emulator: known.emulator }, `known difference: ${known.name}: reference ${known.reference}, emulator ${known.emulator}`)
  }
})
