// Throughput as a ratio, measured in one run on this (shared, noisy) machine:
// the emulator against a bare node:http server that answers the same bytes.
// Absolute times mean nothing here; the ratio says what the emulator's
// routing, key check, validation, SQLite query and serialization cost.
import t from 'tap'
import { Agent, createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { build } from '../helper.js'

const PATH = '/v2/agents/demo-agent/sessions?limit=20&sort_by=status&status=COMPLETED'
const HEADERS = { 'meibel-api-key': 'bench' }
const CONCURRENCY = 8
const REQUESTS = 1500
const ROUNDS = 3
// Generous on purpose: the bound catches a regression of several times, not noise.
export const MAX_RATIO = 4

const get = (agent: Agent, port: number): Promise<number> => new Promise((resolve, reject) => {
  const req = request({ host: '127.0.0.1', port, path: PATH, headers: HEADERS, agent }, (res) => {
    res.resume()
    res.on('end', () => { resolve(res.statusCode!) })
  })
  req.on('error', reject)
  req.end()
})

// Sends REQUESTS requests over CONCURRENCY keep-alive connections; ms elapsed.
const load = async (port: number): Promise<number> => {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  let sent = 0
  let bad = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (sent < REQUESTS) {
      sent++
      if (await get(agent, port) !== 200) bad++
    }
  }))
  const elapsed = performance.now() - start
  agent.destroy()
  if (bad > 0) throw new Error(`${bad} requests did not answer 200`)
  return elapsed
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

t.test('the emulator serves List Sessions within a small factor of a bare node:http server', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const emulatorPort = (app.server.address() as AddressInfo).port
  const body = (await app.inject({ url: PATH, headers: HEADERS })).rawPayload
  t.ok(body.length > 1000, 'a realistic page')

  const bare: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
    res.end(body)
  })
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { bare.close(() => { resolve() }) }))
  const barePort = (bare.address() as AddressInfo).port

  await load(emulatorPort) // warm-up: JIT, SQLite page cache
  await load(barePort)
  const emulator: number[] = []
  const baseline: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    emulator.push(await load(emulatorPort))
    baseline.push(await load(barePort))
  }
  const ratio = median(emulator) / median(baseline)
  t.comment(`emulator ${(REQUESTS / median(emulator) * 1000).toFixed(0)} req/s, bare node:http ${(REQUESTS / median(baseline) * 1000).toFixed(0)} req/s, ratio ${ratio.toFixed(2)}`)
  t.ok(ratio < MAX_RATIO, `ratio ${ratio.toFixed(2)} < ${MAX_RATIO}`)
})
