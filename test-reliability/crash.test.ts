// kill -9 right after acknowledged inserts, ten times, on one --db file:
// every insert the control API acknowledged (201) is there after the next
// start, and SQLite's integrity_check of the file is "ok".
import t from 'tap'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { ensureBuilt, startCli } from '../test/cli/cli-process.js'
import { call } from './support.js'

t.comment(`dist/: ${await ensureBuilt()}`)

const ROUNDS = 10
// Inserts sent at once per round; the process is killed as soon as ACKED of them are acknowledged.
const SENT = 24
const ACKED = 16
const AGENT = 'crash-agent'

const storedIds = async (port: number): Promise<Set<string>> => {
  const res = await call(port, 'GET', `/v2/agents/${AGENT}/sessions?limit=100000`, undefined, { 'meibel-api-key': 'k' })
  if (res.status !== 200) throw new Error(`List Sessions answered ${res.status}: ${res.text}`)
  return new Set((res.body as { data: Array<{ session_id: string }> }).data.map((s) => s.session_id))
}

t.test(`kill -9 right after acknowledged inserts, ${ROUNDS} times: nothing acknowledged is lost, integrity_check ok`, async (t) => {
  const db = join(t.testdir(), 'crash.db')
  const acknowledged = new Set<string>()
  let lostTotal = 0
  for (let round = 1; round <= ROUNDS; round++) {
    const cli = await startCli(t, ['--db', db])
    const before = await storedIds(cli.port)
    const lost = [...acknowledged].filter((id) => !before.has(id))
    lostTotal += lost.length
    t.same(lost, [], `round ${round}: the ${acknowledged.size} sessions acknowledged before are all there`)

    // Two sessions per call; the kill comes the moment the ACKED-th answer arrives.
    let acks = 0
    let killed!: () => void
    const killedNow = new Promise<void>((resolve) => { killed = resolve })
    const inserts = Array.from({ length: SENT }, async (_, i) => {
      const ids = [`r${round}-${i}-a`, `r${round}-${i}-b`]
      try {
        const res = await call(cli.port, 'POST', `/__admin/agents/${AGENT}/sessions`, ids.map((id) => ({ session_id: id, status: 'COMPLETED' })))
        if (res.status !== 201) throw new Error(`insert answered ${res.status}: ${res.text}`)
        for (const id of ids) acknowledged.add(id)
        if (++acks === ACKED) {
          cli.child.kill('SIGKILL')
          killed()
        }
      } catch (err) {
        // Only the inserts still in flight when the process was killed may fail.
        if (acks < ACKED) throw err
      }
    })
    await killedNow
    await Promise.all(inserts)
    const exit = await cli.exited
    t.equal(exit.signal, 'SIGKILL', `round ${round}: killed with SIGKILL after ${acks} acknowledged inserts`)
  }
  const cli = await startCli(t, ['--db', db])
  const after = await storedIds(cli.port)
  const lost = [...acknowledged].filter((id) => !after.has(id))
  lostTotal += lost.length
  t.same(lost, [], `after the last kill, all ${acknowledged.size} acknowledged sessions are there`)
  cli.child.kill('SIGTERM')
  t.equal((await cli.exited).code, 0, 'the last start exits 0 on SIGTERM (and releases the file)')

  const file = new Database(db, { readonly: true })
  const check = file.pragma('integrity_check', { simple: true })
  file.close()
  t.equal(check, 'ok', 'PRAGMA integrity_check')
  t.comment(`kill -9: ${ROUNDS} kills, ${acknowledged.size} acknowledged sessions, ${lostTotal} lost, integrity_check ${String(check)}`)
})
