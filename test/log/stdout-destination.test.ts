// stdoutDestination: each line written at once and in full; a full pipe
// (EAGAIN) waited for; any other failure drops that line and every later one.
import t from 'tap'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stdoutDestination } from '../../src/log/stdout-destination.js'

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code })

t.test('a line is written whole, also by a pipe that takes three bytes at a time', async (t) => {
  const taken: Buffer[] = []
  const sink = stdoutDestination(7, (fd, buffer, offset, length) => {
    t.equal(fd, 7, 'to the fd given')
    const n = Math.min(3, length)
    taken.push(Buffer.from(buffer.subarray(offset, offset + n)))
    return n
  })
  sink.write('{"msg":"héllo — 日本語"}\n')
  sink.write('second\n')
  t.equal(Buffer.concat(taken).toString('utf8'), '{"msg":"héllo — 日本語"}\nsecond\n', 'the UTF-8 bytes of both lines, in order')
})

t.test('EAGAIN: waits 10 ms and writes the rest', async (t) => {
  const waits: number[] = []
  const taken: string[] = []
  let calls = 0
  const sink = stdoutDestination(1, (_fd, buffer, offset, length) => {
    calls++
    if (calls === 2 || calls === 3) throw errno('EAGAIN')
    const n = Math.min(4, length)
    taken.push(buffer.toString('utf8', offset, offset + n))
    return n
  }, (ms) => { waits.push(ms) })
  sink.write('abcdefgh\n')
  t.same(waits, [10, 10], 'one wait per EAGAIN')
  t.equal(taken.join(''), 'abcdefgh\n', 'the line in full, nothing twice')
  // The default wait blocks the thread (Atomics.wait), as a synchronous pipe write would.
  let again = 0
  const started = performance.now()
  stdoutDestination(1, (_fd, _buffer, _offset, length) => { if (again++ === 0) throw errno('EAGAIN'); return length }).write('x\n')
  t.equal(again, 2, 'by default too, tried again after the wait')
  t.ok(performance.now() - started >= 9, 'having waited (at least about 10 ms)')
})

t.test('EPIPE (the reader has gone): the line and every later one are dropped, nothing thrown', async (t) => {
  let calls = 0
  const sink = stdoutDestination(1, () => { calls++; throw errno('EPIPE') }, () => { t.fail('no wait') })
  sink.write('one\n')
  sink.write('two\n')
  t.equal(calls, 1, 'no write is tried after the failure')
})

t.test('with real file descriptors: written to a file; a closed one (EBADF) drops the lines', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meibel-mock-stdout-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const path = join(dir, 'log')
  const fd = openSync(path, 'w')
  const sink = stdoutDestination(fd)
  sink.write('first «line»\n')
  closeSync(fd)
  t.doesNotThrow(() => { sink.write('after close\n') }, 'a write to the closed descriptor throws nothing')
  t.equal(readFileSync(path, 'utf8'), 'first «line»\n', 'the line written before the close, and nothing else')
})
