// Sends one request to both servers and lists how the emulator's answer
// differs from the FastAPI reference's, in words a developer can act on.
import { header, headerAll, sendRaw, type RawRequest, type RawResponse } from './raw-http.js'

export interface Targets {
  readonly referencePort: number
  readonly emulatorPort: number
}

export interface JudgeVerdict {
  readonly valid: boolean
  readonly errors: unknown
  readonly redumped: string | null
}

export interface Exchange {
  readonly request: RawRequest
  readonly reference: RawResponse | Error
  readonly emulator: RawResponse | Error
  readonly judge?: JudgeVerdict | Error
  readonly differences: readonly string[]
  // Differences that do not fail the suite by default (header order).
  readonly notes: readonly string[]
}

// Headers that must match on every non-200 answer. content-length is
// implied by the body for GET, and checked on its own for HEAD.
const COMPARED_HEADERS = ['content-type', 'allow', 'www-authenticate', 'location', 'content-length'] as const

// A 307 built from an invalid Host uses the server's bound address, which
// differs between the two servers: compare it as a placeholder.
const normalizeLocation = (value: string | undefined, port: number): string | undefined =>
  value?.split(`//127.0.0.1:${port}/`).join('//<bound-address>/')

// Their relative order is what Starlette sends (fidelity document §6, §7, §9);
// Date and Server are the servers' own and are left out.
const ORDERED_HEADERS = new Set(['www-authenticate', 'allow', 'location', 'content-length', 'content-type'])
const headerOrder = (res: RawResponse): string => res.headers.map(([n]) => n).filter((n) => ORDERED_HEADERS.has(n)).join(', ')

const clip = (s: string, max = 400): string => s.length <= max ? s : `${s.slice(0, max)}…(+${s.length - max} chars)`

const show = (value: string | undefined): string => value === undefined ? '(absent)' : JSON.stringify(value)

// "expected X, got Y", or where they part for long values.
const contrast = (expected: string | undefined, actual: string | undefined): string =>
  expected !== undefined && actual !== undefined && (expected.length > 300 || actual.length > 300)
    ? firstDifference(expected, actual)
    : `expected ${show(expected)}, got ${show(actual)}`

// What uvicorn sends for a request h11 refuses (fidelity document §13.4).
const INVALID_REQUEST_BODY = 'Invalid HTTP request received.'
export const isInvalidRequestAnswer = (res: RawResponse): boolean =>
  res.status === 400 && res.body.toString('latin1') === INVALID_REQUEST_BODY

// The answer's bytes as text, without its date header (the servers' clocks).
const withoutDate = (bytes: Buffer): string => bytes.toString('latin1').replace(/\r\ndate: [^\r]*/gi, '')

export const judgeBody = async (referencePort: number, body: Buffer): Promise<JudgeVerdict> => {
  const res = await sendRaw(referencePort, {
    method: 'POST',
    target: '/__judge/session-list',
    headers: [['Host', `127.0.0.1:${referencePort}`], ['Content-Type', 'application/octet-stream']],
    body
  })
  if (res.status !== 200) throw new Error(`judge answered ${res.status}: ${res.body.toString('utf8')}`)
  return JSON.parse(res.body.toString('utf8')) as JudgeVerdict
}

const attempt = async (port: number, request: RawRequest): Promise<RawResponse | Error> => {
  try {
    return await sendRaw(port, request)
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err))
  }
}

export const exchange = async (targets: Targets, request: RawRequest): Promise<Exchange> => {
  const [reference, emulator] = await Promise.all([attempt(targets.referencePort, request), attempt(targets.emulatorPort, request)])
  const differences: string[] = []
  const notes: string[] = []
  if (reference instanceof Error || emulator instanceof Error) {
    if (!(reference instanceof Error && emulator instanceof Error)) {
      differences.push(`transport: reference ${reference instanceof Error ? `failed (${reference.message})` : `answered ${reference.status}`}, emulator ${emulator instanceof Error ? `failed (${emulator.message})` : `answered ${emulator.status}`}`)
    }
    return { request, reference, emulator, differences, notes }
  }
  // Interim answers (100 Continue) must match, none included.
  const expectedInterim = reference.interim.join(' | ')
  const actualInterim = emulator.interim.join(' | ')
  if (expectedInterim !== actualInterim) differences.push(`interim answers: ${contrast(expectedInterim || '(none)', actualInterim || '(none)')}`)
  // h11's 400 for an invalid request: every byte but the date (there is none) must match.
  if (isInvalidRequestAnswer(reference) || isInvalidRequestAnswer(emulator)) {
    const expected = withoutDate(reference.bytes)
    const actual = withoutDate(emulator.bytes)
    if (expected !== actual) differences.push(`bytes: ${contrast(expected, actual)}`)
    return { request, reference, emulator, differences, notes }
  }
  if (reference.status !== emulator.status) {
    differences.push(`status: expected ${reference.status}, got ${emulator.status}`)
  }
  const expectedOrder = headerOrder(reference)
  const actualOrder = headerOrder(emulator)
  if (expectedOrder !== actualOrder) notes.push(`header order: expected ${expectedOrder}, got ${actualOrder}`)
  if (reference.status === 200 && emulator.status === 200) {
    // The reference has no data: only the media type is compared, and the
    // emulator's body must be what pydantic would send for it.
    const rct = header(reference, 'content-type')
    const ect = header(emulator, 'content-type')
    if (rct !== ect) differences.push(`content-type: expected ${show(rct)}, got ${show(ect)}`)
    if (request.method === 'HEAD') return { request, reference, emulator, differences, notes }
    let judge: JudgeVerdict | Error
    try {
      judge = await judgeBody(targets.referencePort, emulator.body)
    } catch (err) {
      judge = err instanceof Error ? err : new Error(String(err))
    }
    if (judge instanceof Error) {
      differences.push(`judge: ${judge.message}`)
    } else if (!judge.valid) {
      differences.push(`200 body is not a valid SessionListResponse: ${clip(JSON.stringify(judge.errors), 600)}`)
    } else if (judge.redumped !== emulator.body.toString('utf8')) {
      differences.push(`200 body differs from pydantic's re-serialization of it: ${firstDifference(judge.redumped ?? '', emulator.body.toString('utf8'))}`)
    }
    return { request, reference, emulator, judge, differences, notes }
  }
  if (!reference.body.equals(emulator.body)) {
    differences.push(`body: ${contrast(reference.body.toString('utf8'), emulator.body.toString('utf8'))}`)
  }
  for (const name of COMPARED_HEADERS) {
    let expected = headerAll(reference, name)
    let actual = headerAll(emulator, name)
    if (name === 'location') {
      expected = normalizeLocation(expected, targets.referencePort)
      actual = normalizeLocation(actual, targets.emulatorPort)
    }
    if (expected !== actual) differences.push(`${name}: ${contrast(expected, actual)}`)
  }
  return { request, reference, emulator, differences, notes }
}

// Where two strings first differ, with some context on both sides.
const firstDifference = (expected: string, actual: string): string => {
  let i = 0
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++
  const from = Math.max(0, i - 60)
  return `first difference at char ${i} of ${expected.length}/${actual.length}: expected …${JSON.stringify(expected.slice(from, i + 80))}…, got …${JSON.stringify(actual.slice(from, i + 80))}…`
}

const describeResponse = (res: RawResponse | Error): string => {
  if (res instanceof Error) return `error: ${res.message}`
  const heads = res.headers.filter(([n]) => n !== 'date' && n !== 'server' && n !== 'connection' && n !== 'keep-alive').map(([n, v]) => `${n}: ${v}`).join(' | ')
  return `${res.status} ${res.reason} [${heads}] ${clip(JSON.stringify(res.body.toString('utf8')), 600)}`
}

const describeRequest = (request: RawRequest): string => {
  const heads = request.headers.map(([n, v]) => `${n}: ${JSON.stringify(v)}`).join(' | ')
  return `${request.method} ${clip(request.target, 300)}\n      headers: ${heads}${request.body === undefined ? '' : `\n      body: ${JSON.stringify(request.body.toString())}`}`
}

// The same, as a plain object for an assertion's diagnostics (YAML in tap).
export const exchangeReport = (ex: Exchange, withNotes = false): Record<string, unknown> => ({
  request: `${ex.request.method} ${clip(ex.request.target, 300)}`,
  headers: ex.request.headers.map(([n, v]) => `${n}: ${JSON.stringify(v)}`),
  ...(ex.request.body === undefined ? {} : { body: ex.request.body.toString() }),
  differences: withNotes ? [...ex.differences, ...ex.notes] : ex.differences,
  reference: responseReport(ex.reference),
  emulator: responseReport(ex.emulator)
})

const responseReport = (res: RawResponse | Error): Record<string, unknown> | string => res instanceof Error
  ? `error: ${res.message}`
  : {
      status: `${res.status} ${res.reason}`,
      headers: res.headers.filter(([n]) => n !== 'date' && n !== 'server').map(([n, v]) => `${n}: ${clip(v, 200)}`),
      body: clip(res.body.toString('utf8'), 300)
    }

export const describeExchange = (ex: Exchange, n?: number, withNotes = false): string => [
  `${n === undefined ? '' : `#${n} `}${describeRequest(ex.request)}`,
  ...ex.differences.map((d) => `   ✗ ${d}`),
  ...(withNotes ? ex.notes.map((d) => `   ✗ ${d}`) : []),
  `   reference: ${describeResponse(ex.reference)}`,
  `   emulator:  ${describeResponse(ex.emulator)}`
].join('\n')

// Runs `fn` over `items` with at most `concurrency` in flight, in order of results.
export const pool = async <T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++
      if (i >= items.length) return
      results[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return results
}
