// A soak (SOAK_SECONDS, 30 by default) against `node dist/cli.js`: List
// Sessions readers with large headers, and concurrent control-API writers
// (inserts and deletes, fault rules added, hit and removed, journal reads).
// 0 errors (every call answered with the status it should get), resident
// memory growing less than 20 % from just after the warm-up (the first third,
// in which the journal fills and the heap settles) to the end, each the mean
// of 5 one-second samples so one garbage collection does not decide it, and
// the journal within its entry and byte budgets.
import t from 'tap'
import { Agent, request } from 'node:http'
import { ensureBuilt, startCli } from '../test/cli/cli-process.js'
import { envNumber, prng, rssOf, sleep } from './support.js'

const SECONDS = envNumber('SOAK_SECONDS', 30)
const JOURNAL_SIZE = 2000
const JOURNAL_BYTES = 1024 * 1024
const MAX_HEADER_VALUE = 1024
const READERS = 6

t.comment(`dist/: ${await ensureBuilt()}`)

interface Answer { status: number, text: string }

const send = (agent: Agent, port: number, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => { resolve({ status: res.statusCode!, text }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })

interface JournalEntry { method: string, path: string, agent_id: string | null, query: Record<string, string>, headers: Record<string, string | string[]>, fault: string | null }

t.test(`soak: ${SECONDS} s of List Sessions with concurrent control-API writes`, async (t) => {
  const cli = await startCli(t, ['--api-keys', 'k', '--journal-size', String(JOURNAL_SIZE), '--journal-bytes', String(JOURNAL_BYTES), '--seed', '11'])
  const pid = cli.child.pid!
  const port = cli.port
  const errors: string[] = []
  const counts = { reads: 0, writes: 0 }
  const until = performance.now() + SECONDS * 1000
  const warmUpEnd = performance.now() + SECONDS / 3 * 1000
  const random = prng(SECONDS)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!

  const expect = (what: string, answer: Answer, ...statuses: number[]): void => {
    if (!statuses.includes(answer.status) && errors.length < 50) errors.push(`${what}: ${answer.status} ${answer.text.slice(0, 200)}`)
  }
  const guarded = (name: string, loop: (agent: Agent) => Promise<void>) => async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      while (performance.now() < until) await loop(agent)
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`)
    } finally {
      agent.destroy()
    }
  }

  const QUERIES = ['', '?limit=5', '?limit=50&sort_by=status', '?offset=10&limit=10&sort_order=asc', '?status=COMPLETED', '?sort_by=messages_count&sort_order=desc']
  const reader = guarded('reader', async (agent) => {
    const faulted = random() < 0.1
    const path = `/v2/agents/${faulted ? 'soak-faulted' : pick(['demo-agent', 'support-bot', 'soak-w0', 'soak-w1', 'unknown-agent'])}/sessions${pick(QUERIES)}`
    // Headers over the journal's 1 KiB cap, so it truncates them and its byte budget binds.
    const answer = await send(agent, port, 'GET', path, { 'meibel-api-key': 'k', 'x-pad': 'p'.repeat(1000 + Math.floor(random() * 6000)), cookie: `c=${random()}` })
    counts.reads++
    if (faulted) expect(path, answer, 200, 503)
    else expect(path, answer, 200)
  })

  const dataWriter = (n: number) => guarded(`data writer ${n}`, async (agent) => {
    const id = `soak-w${n}`
    const sessions = Array.from({ length: 5 }, (_, i) => ({ session_id: `${id}-${counts.writes}-${i}`, status: pick(['COMPLETED', 'RUNNING', 'FAILED']) }))
    expect('insert', await send(agent, port, 'POST', `/__admin/agents/${id}/sessions`, {}, sessions), 201)
    expect('list', await send(agent, port, 'GET', `/v2/agents/${id}/sessions?limit=10`, { 'meibel-api-key': 'k' }), 200)
    expect('delete one', await send(agent, port, 'DELETE', `/__admin/agents/${id}/sessions/${sessions[0]!.session_id}`), 200)
    expect('delete all', await send(agent, port, 'DELETE', `/__admin/agents/${id}/sessions`), 200)
    counts.writes += 4
  })

  const faultWriter = guarded('fault writer', async (agent) => {
    const added = await send(agent, port, 'POST', '/__admin/faults', {}, { match: { agent_id: 'soak-faulted' }, status: 503, delay_ms: [0, 5], times: 3 })
    expect('add fault', added, 201)
    expect('list faults', await send(agent, port, 'GET', '/__admin/faults'), 200)
    expect('journal', await send(agent, port, 'GET', '/__admin/requests?limit=20&status=5xx'), 200)
    const id = added.status === 201 ? (JSON.parse(added.text) as { id: string }).id : 'none'
    expect('remove fault', await send(agent, port, 'DELETE', `/__admin/faults/${id}`), 200, 404)
    counts.writes += 4
    await sleep(20)
  })

  // Resident memory once a second.
  const samples: Array<{ at: number, rss: number }> = []
  const sampler = (async () => {
    while (performance.now() < until) {
      samples.push({ at: performance.now(), rss: rssOf(pid) })
      await sleep(1000)
    }
    samples.push({ at: performance.now(), rss: rssOf(pid) })
  })()

  await Promise.all([...Array.from({ length: READERS }, () => reader()), dataWriter(0)(), dataWriter(1)(), faultWriter(), sampler])

  const mean = (window: Array<{ rss: number }>): number => window.reduce((n, s) => n + s.rss, 0) / window.length
  const baseline = mean(samples.filter((s) => s.at >= warmUpEnd).slice(0, 5))
  const last = mean(samples.slice(-5))
  const peak = Math.max(...samples.map((s) => s.rss))
  const growth = (last - baseline) / baseline
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(1)

  const journal = await send(new Agent({ keepAlive: false }), port, 'GET', '/__admin/requests')
  const { data, total } = JSON.parse(journal.text) as { data: JournalEntry[], total: number }
  // The journal's own measure (src/journal/request-journal.ts) counts the URL; path and query are its parts.
  const measured = data.reduce((sum, e) => {
    const query = new URLSearchParams(e.query).toString()
    const headers = Object.entries(e.headers).reduce((n, [name, value]) => n + name.length + (Array.isArray(value) ? value.join('').length : value.length), 0)
    return sum + e.method.length + e.path.length + (query === '' ? 0 : query.length + 1) + (e.agent_id?.length ?? 0) + (e.fault?.length ?? 0) + headers
  }, 0)
  const longest = Math.max(...data.flatMap((e) => Object.values(e.headers).flat().map((v) => v.replace(/…\[truncated \d+ bytes\]$/, '').length)))

  t.comment(`soak: ${SECONDS} s, ${counts.reads} reads and ${counts.writes} control-API calls, ${errors.length} errors; ` +
    `RSS ${mb(baseline)} MB after warm-up, ${mb(last)} MB at the end (${(growth * 100).toFixed(1)} %), peak ${mb(peak)} MB; ` +
    `journal ${data.length} entries (size ${JOURNAL_SIZE}), about ${measured} bytes (budget ${JOURNAL_BYTES}), longest header value kept ${longest}`)
  t.same(errors, [], '0 errors')
  t.ok(counts.reads > 0 && counts.writes > 0, 'reads and writes ran')
  t.ok(growth < 0.2, `RSS grew less than 20 % (${(growth * 100).toFixed(1)} %)`)
  t.equal(total, data.length, 'the journal answers every entry it keeps')
  t.ok(data.length > 0 && data.length <= JOURNAL_SIZE, `journal entries within --journal-size (${data.length} <= ${JOURNAL_SIZE})`)
  t.ok(measured <= JOURNAL_BYTES, `journal bytes within --journal-bytes (${measured} <= ${JOURNAL_BYTES})`)
  t.ok(longest <= MAX_HEADER_VALUE, `header values cut to ${MAX_HEADER_VALUE} bytes (${longest})`)
  t.equal(cli.stderr(), '', 'nothing on stderr')
  cli.child.kill('SIGTERM')
  t.equal((await cli.exited).code, 0, 'exits 0 on SIGTERM')
})
