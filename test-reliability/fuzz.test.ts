// A seeded fuzz of raw requests (FUZZ_REQUESTS, at least 20,000) over the
// path, the headers and the query, against `node dist/cli.js`: every request
// gets an answer (no connection closed or reset without one) and no 5xx the
// request did not ask for (Prefer: code=5xx). FUZZ_SEED replays a run; the
// seed is printed with every failure.
//
// Requests go over 8 keep-alive connections. A reused connection that ends
// before any byte of the next answer was closed by the server after its
// previous answer without saying so (no Connection: close): that is counted
// and shown, and the request is sent again on a new connection, as HTTP
// clients do; only a request lost on a new connection, or an answer cut off,
// is a request without an answer.
import t from 'tap'
import { randomInt } from 'node:crypto'
import { ensureBuilt, startCli } from '../test/cli/cli-process.js'
import { envNumber, prng, rawConnection, type Outcome } from './support.js'

const SEED = envNumber('FUZZ_SEED', randomInt(2 ** 31))
const REQUESTS = Math.max(20_000, envNumber('FUZZ_REQUESTS', 20_000))
const CONNECTIONS = 8

t.comment(`dist/: ${await ensureBuilt()}`)
t.comment(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} npm run test:reliability)`)

const random = prng(SEED)
const int = (n: number): number => Math.floor(random() * n)
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
const chance = (p: number): boolean => random() < p

// Bytes a request target or header value may hold here: never CR or LF, which
// would end the line (what the server does with any other byte is fuzzed).
const ODD = ['%', '%2', '%zz', '%00', '%ff', '%2F', '%2e%2e', '..', '//', '/', '?', '#', '&', '=', ';', '+', ' ', '\t',
  '\u00e9', '\u00ff', '\u0080', '\u0000', '\u007f', '"', "'", '<', '>', '\\', '{', '}', '|', '^', '`', '[', ']', '*', '@', '!', '$', '~']
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.'
const word = (max: number): string => Array.from({ length: int(max + 1) }, () => ALNUM[int(ALNUM.length)]).join('')
const junk = (max: number): string => Array.from({ length: int(max + 1) }, () => chance(0.3) ? pick(ODD) : ALNUM[int(ALNUM.length)]).join('')
const text = (max: number): string => chance(0.7) ? word(max) : junk(max)

const AGENTS = ['demo-agent', 'support-bot', 'a', '', 'x'.repeat(300), 'caf\u00e9', '%E2%9C%93', 'a%2Fb', '..', 'null']
const PATHS = [
  () => `/v2/agents/${chance(0.7) ? pick(AGENTS) : text(20)}/sessions`,
  () => `/v2/agents/${text(12)}/sessions/`,
  () => `/v2/agents/${text(12)}`,
  () => `/v2/${text(10)}`,
  () => `/${text(15)}`,
  () => pick(['/health', '/ready', '/openapi.json', '/v2', '/v2/', '/__admin/agents', '/__admin/faults', '/__admin/requests?limit=1', '*']),
  () => `/v2/agents/${pick(AGENTS)}/sessions${pick(['', '/', '//', '/x', '%2F'])}`,
  () => `/${'a/'.repeat(int(200))}`
]
const PARAMS = ['offset', 'limit', 'sort_by', 'sort_order', 'status', 'cursor', 'agent_id', 'limit[]', '']
const VALUES = ['0', '1', '-1', '10', '100', '1000', '1e3', '1.5', '99999999999999999999', 'null', 'None', '', 'asc', 'desc', 'ASC',
  'start_time', 'end_time', 'status', 'messages_count', 'COMPLETED', 'RUNNING', 'FAILED', 'completed', 'true', '[]', '{}']
const query = (): string => {
  if (chance(0.3)) return ''
  const pairs = Array.from({ length: 1 + int(chance(0.05) ? 200 : 6) }, () => {
    const name = chance(0.8) ? pick(PARAMS) : text(8)
    const value = chance(0.7) ? pick(VALUES) : text(30)
    return pick([`${name}=${value}`, name, `${name}=`, `=${value}`, `${name}=${value}=${value}`])
  })
  return `?${pairs.join(pick(['&', '&', '&', ';', '&&']))}`
}

// Prefer stays within small delays (never a long wait) and codes; a 5xx is
// "requested" when the header asks for any code.
const PREFER = ['code=503', 'code=500', 'code=429', 'code=404', 'code=200', 'code=999', 'code=abc', 'delay=1', 'delay=0', 'code=502, delay=2',
  'CODE=503', 'code="503"', 'code=503;x=y', 'respond-async', 'code', 'code=', ', ,', 'code=100']
const METHODS = ['GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'get', 'TRACE', 'PROPFIND', 'G\u00c9T']

interface Fuzzed { bytes: Buffer, head: boolean, asksForCode: boolean, summary: string }

const fuzzed = (): Fuzzed => {
  const method = pick(METHODS)
  const target = chance(0.97) ? `${pick(PATHS)()}${query()}` : text(40)
  const headers: Array<[string, string]> = [['Host', chance(0.95) ? '127.0.0.1' : text(20)]]
  if (chance(0.8)) headers.push([pick(['Meibel-API-Key', 'meibel-api-key', 'MEIBEL-API-KEY']), chance(0.9) ? 'k' : text(20)])
  let asksForCode = false
  if (chance(0.2)) {
    const prefer = Array.from({ length: 1 + int(2) }, () => pick(PREFER)).join(', ')
    asksForCode = /code/i.test(prefer)
    headers.push(['Prefer', prefer])
  }
  const extra = int(chance(0.05) ? 60 : 4)
  for (let i = 0; i < extra; i++) {
    const name = chance(0.8)
      ? pick(['Accept', 'Accept-Encoding', 'User-Agent', 'X-Request-Id', 'Cookie', 'Authorization', 'Origin', 'Content-Type', 'X-Forwarded-For', 'Connection', 'Accept-Language', 'If-None-Match', 'Range'])
      : (chance(0.9) ? word(20) : junk(10))
    const value = name === 'Connection' ? pick(['keep-alive', 'close', 'upgrade', text(10)]) : chance(0.02) ? 'v'.repeat(int(20_000)) : text(60)
    headers.push([name, value])
  }
  const body = method !== 'GET' && method !== 'HEAD' && chance(0.3) ? text(200) : undefined
  let head = `${method} ${target} HTTP/1.1\r\n`
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`
  const bodyBytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'utf8')
  if (body !== undefined) head += `Content-Length: ${bodyBytes.length}\r\n`
  head += '\r\n'
  return {
    // latin1: every character above is one byte on the wire, as a client would send it.
    bytes: Buffer.concat([Buffer.from(head, 'latin1'), bodyBytes]),
    head: method === 'HEAD',
    asksForCode,
    summary: `${method} ${JSON.stringify(target.slice(0, 120))} with ${headers.length} headers`
  }
}

t.test(`${REQUESTS} fuzzed requests: every one answered, no unrequested 5xx`, async (t) => {
  const cli = await startCli(t, ['--api-keys', 'k'])
  // Generated up front, in order, so the seed alone fixes every request.
  const requests = Array.from({ length: REQUESTS }, fuzzed)
  const statuses = new Map<number, number>()
  const lost: string[] = []
  const unrequested: string[] = []
  let next = 0
  let closedByServer = 0
  // Statuses of the answers after which the server closed without saying so.
  const unannounced = new Map<number, number>()
  // HEAD answers followed by bytes of a body.
  let headBodies = 0
  const started = performance.now()
  const worker = async (): Promise<void> => {
    const connection = rawConnection(cli.port)
    let previous = 0
    try {
      while (next < requests.length) {
        const index = next++
        const request = requests[index]!
        let outcome: Outcome
        const send = async (): Promise<Outcome> => {
          try {
            return await connection.send(request.bytes, request.head)
          } catch (err) {
            return { kind: 'lost', detail: (err as Error).message, reused: false, bytes: 0 }
          }
        }
        outcome = await send()
        if (outcome.kind === 'lost' && outcome.reused && outcome.bytes === 0) {
          unannounced.set(previous, (unannounced.get(previous) ?? 0) + 1)
          outcome = await send()
        }
        if (outcome.kind === 'lost') {
          lost.push(`#${index} ${request.summary}: ${outcome.detail}`)
          continue
        }
        const { status } = outcome.answer
        previous = status
        if (outcome.closes) closedByServer++
        if (outcome.extra > 0) headBodies++
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        if (status >= 500 && !request.asksForCode) unrequested.push(`#${index} ${request.summary}: ${status} ${outcome.answer.body.toString('utf8').slice(0, 200)}`)
      }
    } finally {
      connection.close()
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  const seconds = (performance.now() - started) / 1000
  const shown = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ')
  t.comment(`fuzz: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)}/s) over ${CONNECTIONS} connections; ` +
    `${closedByServer} answers closed their connection; statuses ${shown}`)
  const closes = [...unannounced].map(([s, n]) => `${n} after a ${s}`).join(', ')
  t.comment(`fuzz: connections the server closed after an answer without Connection: close: ${closes === '' ? 'none' : closes}; ` +
    `HEAD answers with a body: ${headBodies}`)
  const seed = `(fuzz seed ${SEED})`
  t.same(lost.slice(0, 20), [], `0 requests without an answer ${seed}: ${lost.length}`)
  t.same(unrequested.slice(0, 20), [], `0 unrequested 5xx ${seed}: ${unrequested.length}`)
  t.equal([...statuses.values()].reduce((a, b) => a + b, 0), REQUESTS, `every request was answered ${seed}`)
  t.equal(cli.stderr(), '', `nothing on stderr ${seed}`)
  const errors = cli.logs.filter((line) => typeof line.level === 'number' && line.level >= 50)
  t.same(errors.slice(0, 5), [], `no error logged ${seed}`)
  cli.child.kill('SIGTERM')
  const exit = await cli.exited
  t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'exits 0 on SIGTERM afterwards')
})
