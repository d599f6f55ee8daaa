// Where the logs go unless the caller says otherwise: stdout, each line
// written as it is logged (fs.writeSync), so nothing is left to flush at exit.
//
// Why not pino's own default: it writes asynchronously and flushes at process
// exit, and that flush (sonic-boom 4) retries a write that failed for any
// reason every 100 ms, for ever. With stdout a pipe whose reader has gone
// (`meibel-mock | head -n 2`, a test harness that closed its end of the
// pipe), the line logged on SIGTERM failed with EPIPE and the process never
// exited. Here a write that fails for any reason but EAGAIN (EPIPE: nobody
// reads any more; EBADF; ENOSPC) drops that line and every later one, as
// pino drops them after an EPIPE, and the emulator goes on serving. A full
// pipe (EAGAIN: stdout is non-blocking) is waited for, as Node's own
// process.stdout waits on a pipe: a reader that stops reading holds up the
// logging (README "Options", logs).
import { writeSync } from 'node:fs'

export interface LineSink { write: (line: string) => void }

// fs.writeSync's shape for a Buffer: the bytes written.
type WriteBytes = (fd: number, buffer: Buffer, offset: number, length: number) => number

const EAGAIN_WAIT_MS = 10
const waitCell = new Int32Array(new SharedArrayBuffer(4))
const waitMs = (ms: number): void => { Atomics.wait(waitCell, 0, 0, ms) }

export const stdoutDestination = (fd = 1, write: WriteBytes = writeSync, wait: (ms: number) => void = waitMs): LineSink => {
  let gone = false
  return {
    write: (line) => {
      if (gone) return
      const bytes = Buffer.from(line)
      // A pipe may take part of a line.
      for (let at = 0; at < bytes.length;) {
        try {
          at += write(fd, bytes, at, bytes.length - at)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') {
            gone = true
            return
          }
          wait(EAGAIN_WAIT_MS)
        }
      }
    }
  }
}
