// Loopback helpers of the scripts that start the emulator as a child
// process: the build's trial start (scripts/bundle.mjs) and the benchmark
// (bench/run.mjs).
import { request } from 'node:http'
import { createServer } from 'node:net'

export const LOOPBACK = '127.0.0.1'

// A port nobody listens on right now (closed again before resolving).
export const freePort = () => new Promise((resolve, reject) => {
  const server = createServer()
  server.on('error', reject)
  server.listen(0, LOOPBACK, () => {
    const { port } = server.address()
    server.close(() => { resolve(port) })
  })
})

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// One request on a connection of its own; resolves with the status, the raw
// headers and the body as bytes.
export const httpRequest = (port, path, { method = 'GET', headers = {}, body } = {}) => new Promise((resolve, reject) => {
  const req = request({ host: LOOPBACK, port, path, method, headers, agent: false }, (res) => {
    const chunks = []
    res.on('data', (c) => chunks.push(c))
    res.on('end', () => { resolve({ status: res.statusCode, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }) })
  })
  req.on('error', reject)
  req.end(body)
})
