// Logs: pino JSON on stdout; at debug each request with its headers, and the
// API key and bearer tokens never in clear.
import t from 'tap'
import { request } from 'node:http'
import { ensureBuilt, startCli } from './cli-process.js'

t.comment(`dist/: ${await ensureBuilt()}`)

const SECRET = 'super-secret-key-7f3c'

const get = (port: number, headers: Record<string, string>): Promise<number> => new Promise((resolve, reject) => {
  const req = request({ host: '127.0.0.1', port, path: '/v2/agents/demo-agent/sessions?limit=1', headers }, (res) => {
    res.resume()
    res.on('end', () => { resolve(res.statusCode!) })
  })
  req.on('error', reject)
  req.end()
})

t.test('at debug, requests are logged with their headers, the key redacted', async (t) => {
  const cli = await startCli(t, ['--log-level', 'debug'])
  t.equal(await get(cli.port, { 'Meibel-API-Key': SECRET, Authorization: `Bearer ${SECRET}`, 'X-Trace': 'abc' }), 200)
  const line = await cli.waitForLog((l) => l.msg === 'incoming request')
  const req = line.req as { method: string, url: string, headers: Record<string, string> }
  t.equal(req.method, 'GET')
  t.equal(req.url, '/v2/agents/demo-agent/sessions?limit=1')
  t.equal(req.headers['x-trace'], 'abc', 'other headers are shown')
  t.equal(req.headers['meibel-api-key'], '[redacted]')
  t.equal(req.headers.authorization, '[redacted]')
  await cli.waitForLog((l) => l.msg === 'request completed')
  t.notMatch(JSON.stringify(cli.logs), SECRET, 'the key appears nowhere in the logs')
})

t.test('at info, no line per request', async (t) => {
  const cli = await startCli(t, ['--log-level', 'info'])
  // The banner follows the listening line: counted from after it.
  await cli.waitForLog((l) => l.banner !== undefined)
  const before = cli.logs.length
  t.equal(await get(cli.port, { 'Meibel-API-Key': SECRET }), 200)
  t.equal(cli.logs.length, before)
})
