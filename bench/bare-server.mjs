// The ceiling of `npm run bench`: a bare node:http server that answers every
// request with one recorded answer (status, headers, body) of the emulator,
// doing no routing, no key check, no query parsing and no SQL. What the
// emulator costs on top of Node's HTTP stack is the distance to this one.
//
// Usage: node bench/bare-server.mjs ANSWER.json PORT
// ANSWER.json: {"status": 200, "headers": [[name, value], ...], "body": base64}.
// PORT 0 picks a free port. Prints one JSON line {"port": N} once listening.
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'

const [file, port = '0'] = process.argv.slice(2)
const answer = JSON.parse(readFileSync(file, 'utf8'))
const body = Buffer.from(answer.body, 'base64')
// The same headers in the same order; Date, Connection and Keep-Alive are
// written by node:http itself, as for the emulator.
const headers = answer.headers.flat()

const server = createServer((req, res) => {
  req.resume()
  res.writeHead(answer.status, headers)
  res.end(body)
})
server.keepAliveTimeout = 72_000 // Fastify's default, which the emulator keeps

const stop = () => { server.close(() => { process.exit(0) }); server.closeAllConnections() }
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`)
})
