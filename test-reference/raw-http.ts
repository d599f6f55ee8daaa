// A minimal HTTP/1.1 client over a raw socket: the request line and headers
// are written byte for byte as given (no URL class normalizes the target, no
// header is added except Content-Length for a body and Connection: close),
// and the response is read until the server closes the connection.
import { connect } from 'node:net'

export interface RawRequest {
  readonly method: string
  // Path and query exactly as sent, in ASCII (the generator percent-encodes).
  readonly target: string
  // In order, duplicates allowed; names and values are written verbatim.
  readonly headers: ReadonlyArray<readonly [string, string]>
  // A string is sent as UTF-8, a Buffer as is.
  readonly body?: string | Buffer
  // When set, these bytes are sent instead of the request built from the
  // fields above (which then only describe it); they must ask the server to
  // close the connection (Connection: close, or a request it refuses).
  readonly raw?: Buffer
}

export interface RawResponse {
  readonly status: number
  readonly reason: string
  // Lower-cased names, in order.
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: Buffer
  // Interim 1xx answers before this one, as their status lines.
  readonly interim: readonly string[]
  // The whole answer as received, interim answers included.
  readonly bytes: Buffer
}

const serializeRequest = (req: RawRequest): Buffer => {
  if (req.raw !== undefined) return req.raw
  let head = `${req.method} ${req.target} HTTP/1.1\r\n`
  for (const [name, value] of req.headers) head += `${name}: ${value}\r\n`
  const body = req.body === undefined ? Buffer.alloc(0) : typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body
  if (req.body !== undefined) head += `Content-Length: ${body.length}\r\n`
  head += 'Connection: close\r\n\r\n'
  return Buffer.concat([Buffer.from(head, 'latin1'), body])
}

export const header = (res: RawResponse, name: string): string | undefined => {
  const lower = name.toLowerCase()
  return res.headers.find(([n]) => n === lower)?.[1]
}

// All values of a header, joined like a proxy would (for display and for
// headers that must match as a whole list).
export const headerAll = (res: RawResponse, name: string): string | undefined => {
  const lower = name.toLowerCase()
  const values = res.headers.filter(([n]) => n === lower).map(([, v]) => v)
  return values.length === 0 ? undefined : values.join(', ')
}

const decodeChunked = (raw: Buffer): Buffer => {
  const parts: Buffer[] = []
  let pos = 0
  for (;;) {
    const eol = raw.indexOf('\r\n', pos, 'latin1')
    if (eol === -1) throw new Error('truncated chunked body')
    const size = Number.parseInt(raw.subarray(pos, eol).toString('latin1').split(';')[0]!.trim(), 16)
    if (!Number.isFinite(size)) throw new Error('bad chunk size')
    pos = eol + 2
    if (size === 0) return Buffer.concat(parts)
    parts.push(raw.subarray(pos, pos + size))
    pos += size + 2
  }
}

const parseResponse = (all: Buffer, method: string): RawResponse => {
  // Interim answers (100 Continue) come first, each a bare head.
  const interim: string[] = []
  let raw = all
  while (/^HTTP\/1\.[01] 1\d\d/.test(raw.subarray(0, 12).toString('latin1'))) {
    const headEnd = raw.indexOf('\r\n\r\n', 0, 'latin1')
    if (headEnd === -1) break
    interim.push(raw.subarray(0, raw.indexOf('\r\n', 0, 'latin1')).toString('latin1'))
    raw = raw.subarray(headEnd + 4)
  }
  const end = raw.indexOf('\r\n\r\n', 0, 'latin1')
  if (end === -1) throw new Error(`incomplete response head: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`)
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n')
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '')
  if (statusLine === null) throw new Error(`bad status line: ${JSON.stringify(lines[0])}`)
  const headers: Array<readonly [string, string]> = []
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    if (colon === -1) throw new Error(`bad header line: ${JSON.stringify(line)}`)
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()])
  }
  const status = Number(statusLine[1])
  let body = raw.subarray(end + 4)
  const res = { status, reason: statusLine[2] ?? '', headers, body, interim, bytes: all }
  if (method === 'HEAD' || status === 204 || status === 304) return { ...res, body: Buffer.alloc(0) }
  if (header(res, 'transfer-encoding')?.toLowerCase() === 'chunked') body = decodeChunked(body)
  else {
    const length = header(res, 'content-length')
    if (length !== undefined) {
      const n = Number(length)
      if (body.length < n) throw new Error(`body shorter than content-length (${body.length} < ${n})`)
      body = body.subarray(0, n)
    }
  }
  return { ...res, body }
}

export const sendRaw = (port: number, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect({ host: '127.0.0.1', port })
    let settled = false
    const finish = (err: Error | null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (err !== null) return reject(err)
      try {
        resolve(parseResponse(Buffer.concat(chunks), req.method))
      } catch (e) {
        reject(e)
      }
    }
    const timer = setTimeout(() => finish(new Error(`no complete response within ${timeoutMs} ms`)), timeoutMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('end', () => finish(null))
    socket.on('close', () => finish(null))
    // A reset after the full response (the server closed without reading a
    // body) still leaves a usable response; otherwise it is an error.
    socket.on('error', (err) => finish(chunks.length > 0 ? null : err))
    socket.write(serializeRequest(req))
  })
