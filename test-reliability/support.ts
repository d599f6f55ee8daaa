// Shared by the reliability suite (npm run test:reliability): a seeded PRNG,
// a raw HTTP/1.1 client that tells an answer from a reset, JSON calls, and
// the resident memory of a process. The CLI itself is started with the
// helpers of test/cli/cli-process.ts (by PID, killed when a test ends).
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect, type Socket } from 'node:net'

// Mulberry32: small, seeded, the same sequence for the same seed.
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// A number from an environment variable, or the default.
export const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`)
  return value
}

interface RawAnswer {
  status: number
  headers: Array<[string, string]>
  body: Buffer
}

// What a request on a raw connection came to: an answer, or the connection
// ending (closed or reset) before a whole answer arrived.
// `reused`: sent on a connection that had answered before (and did not say
// it would close).
// `closes`: the server closed the connection or said it would. After a HEAD
// answer the connection is not reused (a body sent anyway would be read as
// the next answer); `extra` counts the bytes that came after its head.
export type Outcome = { kind: 'answer', answer: RawAnswer, closes: boolean, extra: number } | { kind: 'lost', detail: string, reused: boolean, bytes: number }

const headerOf = (headers: Array<[string, string]>, name: string): string | undefined =>
  headers.find(([n]) => n === name)?.[1]

// Parses one response at the start of `data`: null while incomplete, else
// the answer and how many bytes it took. 1xx interim answers are skipped.
// `closed`: the connection has ended, so a body without framing ends here.
const parseAnswer = (data: Buffer, head: boolean, closed: boolean): { answer: RawAnswer, used: number } | null => {
  let offset = 0
  for (;;) {
    const end = data.indexOf('\r\n\r\n', offset, 'latin1')
    if (end === -1) return null
    const lines = data.subarray(offset, end).toString('latin1').split('\r\n')
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1] ?? NaN)
    if (Number.isNaN(status)) throw new Error(`not an HTTP status line: ${JSON.stringify(lines[0])}`)
    const headers = lines.slice(1).map((line): [string, string] => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
    })
    const bodyStart = end + 4
    if (status >= 100 && status < 200) { offset = bodyStart; continue }
    if (head || status === 204 || status === 304) return { answer: { status, headers, body: Buffer.alloc(0) }, used: bodyStart }
    if (/chunked/i.test(headerOf(headers, 'transfer-encoding') ?? '')) {
      const parts: Buffer[] = []
      let pos = bodyStart
      for (;;) {
        const eol = data.indexOf('\r\n', pos, 'latin1')
        if (eol === -1) return null
        const size = Number.parseInt(data.subarray(pos, eol).toString('latin1'), 16)
        if (data.length < eol + 2 + size + 2) return null
        if (size === 0) return { answer: { status, headers, body: Buffer.concat(parts) }, used: eol + 4 }
        parts.push(data.subarray(eol + 2, eol + 2 + size))
        pos = eol + 2 + size + 2
      }
    }
    const length = headerOf(headers, 'content-length')
    if (length === undefined) return closed ? { answer: { status, headers, body: data.subarray(bodyStart) }, used: data.length } : null
    const n = Number(length)
    if (data.length < bodyStart + n) return null
    return { answer: { status, headers, body: data.subarray(bodyStart, bodyStart + n) }, used: bodyStart + n }
  }
}

// One keep-alive connection sending raw requests one after the other; a new
// connection is opened when the server closed the last one.
export interface RawConnection {
  send: (bytes: Buffer, head: boolean) => Promise<Outcome>
  close: () => void
}

export const rawConnection = (port: number): RawConnection => {
  let socket: Socket | null = null
  let ended = true
  let data = Buffer.alloc(0)
  let waiting: (() => void) | null = null
  let failure = ''

  const open = async (): Promise<void> => {
    const s = connect({ host: '127.0.0.1', port })
    socket = s
    ended = false
    data = Buffer.alloc(0)
    failure = ''
    // Events of an earlier connection (its close comes after the next one opened) are not this one's.
    s.on('data', (chunk: Buffer) => { if (socket === s) { data = Buffer.concat([data, chunk]); waiting?.() } })
    s.on('error', (err: NodeJS.ErrnoException) => { if (socket === s) failure = err.code ?? err.message })
    s.on('close', () => { if (socket === s) { ended = true; waiting?.() } })
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve)
      s.once('error', reject)
    })
  }

  return {
    send: async (bytes, head) => {
      const reused = !ended
      if (ended) await open()
      socket!.write(bytes)
      for (;;) {
        const parsed = parseAnswer(data, head, ended)
        if (parsed !== null) {
          data = data.subarray(parsed.used)
          const closes = ended || /close/i.test(headerOf(parsed.answer.headers, 'connection') ?? '')
          const extra = head ? data.length : 0
          if (closes || head) { socket!.destroy(); ended = true }
          return { kind: 'answer', answer: parsed.answer, closes, extra }
        }
        if (ended) {
          return { kind: 'lost', detail: `${failure || 'closed'} after ${data.length} bytes of an answer ${JSON.stringify(data.subarray(0, 300).toString('latin1'))}`, reused, bytes: data.length }
        }
        await new Promise<void>((resolve) => { waiting = resolve })
        waiting = null
      }
    },
    close: () => { socket?.destroy() }
  }
}

export interface JsonAnswer { status: number, body: any, text: string }

// A JSON call on a fresh connection (Connection: close), for the control API.
export const call = (port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> =>
  new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method,
      path,
      agent: false,
      headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers }
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => {
        let parsed: unknown
        try { parsed = JSON.parse(text) } catch { parsed = undefined }
        resolve({ status: res.statusCode!, body: parsed, text })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })

// Resident set size of a process, in bytes (Linux /proc).
export const rssOf = (pid: number): number => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  if (kb === undefined) throw new Error(`no VmRSS for PID ${pid}`)
  return Number(kb) * 1024
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
