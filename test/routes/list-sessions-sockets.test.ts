// List Sessions' kept answers over real sockets: a kept answer is a view of
// the answer cache's block, which later answers overwrite
// (src/routes/answer-cache.ts), so a client that stops reading must still
// get every byte it asked for, whatever other clients ask meanwhile.
import t from 'tap'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { once } from 'node:events'
import { build, KEY } from '../helper.js'

const AGENTS = ['demo-agent', 'support-triage', 'invoice-extractor', 'research-assistant']

// The bodies of pipelined HTTP/1.1 answers, in order (each has a content-length).
const bodies = (raw: Buffer): string[] => {
  const out: string[] = []
  let at = 0
  while (at < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', at)
    const head = raw.subarray(at, headEnd).toString('latin1')
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)![1])
    out.push(raw.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8'))
    at = headEnd + 4 + length
  }
  return out
}

const request = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nMeibel-API-Key: ${KEY['meibel-api-key']}\r\n\r\n`

const readAll = async (socket: Socket): Promise<Buffer> => {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  await once(socket, 'end')
  return Buffer.concat(chunks)
}

t.test('a client that stops reading gets every kept answer whole while others fill the cache many times over', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  // What each query answers, asked apart (and kept).
  const paths = AGENTS.map((agent) => `/v2/agents/${agent}/sessions`)
  const expected = new Map<string, string>()
  for (const path of paths) expected.set(path, (await app.inject({ url: path, headers: KEY })).body)

  // The stalled client: requests for the kept answers, one every few
  // milliseconds and then all at once, and no reading. The first answers fill
  // the sockets' buffers until one is taken only in part; the later ones wait
  // behind it, each its own copy.
  const stalled = connect({ host: '127.0.0.1', port })
  await once(stalled, 'connect')
  stalled.pause()
  // The one spaced out, the largest (48 KB): 14 MB, far more than loopback's buffers take.
  const spaced = Array.from({ length: 300 }, () => paths[0]!)
  const asked = [...spaced, ...Array.from({ length: 40 }, (_, i) => paths[i % paths.length]!)]
  for (const path of spaced) {
    stalled.write(request(path))
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  stalled.end(asked.slice(spaced.length).map(request).join('') + 'GET /v2/agents/x/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  await new Promise((resolve) => setTimeout(resolve, 100))

  // Other clients meanwhile: distinct pages whose answers add up to several blocks.
  let other = 0
  for (const agent of AGENTS) {
    for (const order of ['asc', 'desc']) {
      for (const sort of ['start_time', 'status']) {
        for (let offset = 0; offset < 30; offset++) {
          const answer = await fetch(`http://127.0.0.1:${port}/v2/agents/${agent}/sessions?limit=100&offset=${offset}&sort_by=${sort}&sort_order=${order}`, { headers: KEY })
          other += (await answer.arrayBuffer()).byteLength
        }
      }
    }
  }
  t.ok(other > 8 * 1024 * 1024, `the others' answers add up to more than eight blocks (${other} bytes)`)

  const received = readAll(stalled)
  stalled.resume()
  const got = bodies(await received)
  const again = await fetch(`http://127.0.0.1:${port}${paths[0]}?limit=7`, { headers: KEY })
  const kept = await fetch(`http://127.0.0.1:${port}${paths[0]}?limit=7`, { headers: KEY })
  t.equal(await kept.text(), await again.text(), 'a page asked twice over a socket: the kept bytes')
  t.equal(got.length, asked.length + 1, 'every answer')
  t.same(got.slice(0, asked.length).map((body, i) => body === expected.get(asked[i]!)), asked.map(() => true), 'each byte-identical to its query\'s answer')
})
