// Secret headers over real HTTP, where Node builds request.headers from the
// raw bytes: every casing and every duplicate of Meibel-API-Key,
// Authorization, Proxy-Authorization, Cookie and Set-Cookie is masked in the
// journal (GET /__admin/requests) and in the debug logs.
import t from 'tap'
import { connect, type AddressInfo } from 'node:net'
import { build, call } from '../helper.js'

const SECRETS = Array.from({ length: 10 }, (_, i) => `s3cret-${i}-value`)
const RAW_HEADERS = [
  `MEIBEL-api-KEY: ${SECRETS[0]}`,
  `meibel-api-key: ${SECRETS[1]}`,
  `AuThorization: Bearer ${SECRETS[2]}`,
  `authorization: Bearer ${SECRETS[3]}`,
  `Proxy-Authorization: Basic ${SECRETS[4]}`,
  `PROXY-AUTHORIZATION: Basic ${SECRETS[5]}`,
  `Cookie: a=${SECRETS[6]}`,
  `COOKIE: b=${SECRETS[7]}`,
  `Set-Cookie: c=${SECRETS[8]}`,
  `set-COOKIE: d=${SECRETS[9]}`,
  'X-Trace: abc'
]

// One raw HTTP/1.1 request; resolves with the status line once the answer ends.
const rawGet = (port: number, path: string): Promise<string> => new Promise((resolve, reject) => {
  const socket = connect({ host: '127.0.0.1', port })
  let answer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { answer += chunk })
  socket.on('end', () => { resolve(answer.split('\r\n')[0]!) })
  socket.on('error', reject)
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${RAW_HEADERS.join('\r\n')}\r\n\r\n`)
})

t.test('the journal and the debug logs mask every casing and duplicate', async (t) => {
  const lines: string[] = []
  const app = await build(t, { logLevel: 'debug' }, { logStream: { write: (line) => { lines.push(line) } } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  t.match(await rawGet(port, '/v2/agents/demo-agent/sessions?limit=1'), /^HTTP\/1\.1 \d{3} /)

  const journal = await call(app, 'GET', '/__admin/requests')
  const [entry] = journal.json.data as Array<{ headers: Record<string, unknown> }>
  t.same(entry!.headers, {
    host: '127.0.0.1',
    connection: 'close',
    'meibel-api-key': '***',
    authorization: '***',
    'proxy-authorization': '***',
    cookie: '***',
    'set-cookie': ['***', '***'],
    'x-trace': 'abc'
  })

  const incoming = lines.map((l) => JSON.parse(l) as { msg: string, req?: { headers: Record<string, unknown> } }).find((l) => l.msg === 'incoming request')!
  t.same(incoming.req!.headers, {
    host: '127.0.0.1',
    connection: 'close',
    'meibel-api-key': '[redacted]',
    authorization: '[redacted]',
    'proxy-authorization': '[redacted]',
    cookie: '[redacted]',
    'set-cookie': ['[redacted]', '[redacted]'],
    'x-trace': 'abc'
  })
  const everything = `${journal.body}\n${lines.join('')}`
  for (const secret of SECRETS) t.notMatch(everything, secret, `${secret} appears nowhere`)
})
