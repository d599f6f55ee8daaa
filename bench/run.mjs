// `npm run bench`: throughput, latency, memory and cold start of the built
// emulator (dist/cli.js), each throughput figure next to a ceiling: a bare
// node:http server (bench/bare-server.mjs) replaying the emulator's exact
// answer to the filtered page query. Both run as child processes; the load
// (autocannon) comes from this process.
//
// The machine is shared and has 2 cores, and the load generator competes with
// the server for them, so wall-clock requests per second say little. Each run
// is normalised by the server process's own CPU time (utime + stime from
// /proc/<pid>/stat): requests per CPU-second. Ceiling and emulator run in
// turns (A B A B) so drift hits both alike, and the figure that matters is
// the ratio emulator / ceiling per scenario.
//
// --prism FILE: Prism's CLI script (node_modules/@stoplight/prism-cli's
// `prism`, installed apart), mocking openapi/ on the page query as one more
// scenario; off when not given.
//
// Flags: --duration S (5) --connections C (50) --rounds R (3: the median
// then leaves out one run disturbed by the machine) --scale N (off:
// the default dataset) --clock MODE and --clock-speed N (passed to the
// emulator: the cost of live sessions) --out FILE (bench/results.json).
import autocannon from 'autocannon'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort, httpRequest, LOOPBACK, sleep } from '../scripts/loopback.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'dist', 'cli.js')
const BARE = join(ROOT, 'bench', 'bare-server.mjs')
const HOST = LOOPBACK
const KEY = { 'Meibel-API-Key': 'bench' }
const AGENT_PATH = '/v2/agents/demo-agent/sessions'
const PAGE = `${AGENT_PATH}?limit=20&status=COMPLETED`
const PROBE = `${AGENT_PATH}?limit=1`
const START_SEED = 20261120 // the emulator's default seed (README, "Options")
const MAX_SESSIONS_PER_AGENT = 1_000_000 // src/schemas/admin.ts; POST /__admin/seed rejects more
const COLD_START_RUNS = 10
const WARM_UP_SECONDS = 1

// --- Flags --------------------------------------------------------------------

const positiveInt = (name, value) => {
  if (!/^[1-9][0-9]*$/.test(value)) {
    process.stderr.write(`bench: --${name}: expected a positive integer, got ${JSON.stringify(value)}\n`)
    process.exit(2)
  }
  return Number(value)
}

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    scale: { type: 'string' },
    clock: { type: 'string', default: 'pinned' },
    'clock-speed': { type: 'string', default: '1' },
    prism: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'bench', 'results.json') }
  },
  strict: true
})
const DURATION = positiveInt('duration', flags.duration)
const CONNECTIONS = positiveInt('connections', flags.connections)
const ROUNDS = positiveInt('rounds', flags.rounds)
const SCALE_ASKED = flags.scale === undefined ? undefined : positiveInt('scale', flags.scale)
// The emulator's own options, checked by the emulator.
const CLOCK_ARGS = ['--clock', flags.clock, '--clock-speed', flags['clock-speed']]
const SCALE = SCALE_ASKED === undefined ? undefined : Math.min(SCALE_ASKED, MAX_SESSIONS_PER_AGENT)

// --- Child processes: every one is stopped by its PID ---------------------------

const children = new Map() // pid -> ChildProcess

const spawnChild = (args) => {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  children.set(child.pid, child)
  child.on('exit', () => { children.delete(child.pid) })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk) => { process.stderr.write(`[pid ${child.pid}] ${chunk}`) })
  return child
}

const stopChild = async (child) => {
  if (!children.has(child.pid)) return
  const exited = new Promise((resolve) => { child.once('exit', resolve) })
  process.kill(child.pid, 'SIGTERM')
  const timer = setTimeout(() => { if (children.has(child.pid)) process.kill(child.pid, 'SIGKILL') }, 5000)
  await exited
  clearTimeout(timer)
}

// Last resort, synchronous: nothing this script started outlives it.
process.on('exit', () => {
  for (const pid of children.keys()) {
    try { process.kill(pid, 'SIGKILL') } catch {}
  }
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping ${children.size} child process(es)\n`)
    Promise.all([...children.values()].map(stopChild)).finally(() => process.exit(130))
  })
}

// Resolves with the first stdout line `match` accepts (parsed as JSON); rejects
// if the process exits or says nothing useful within 20 s.
const waitForLine = (child, match) => new Promise((resolve, reject) => {
  let buffered = ''
  const timer = setTimeout(() => { reject(new Error(`pid ${child.pid}: no ready line within 20 s`)) }, 20_000)
  const onExit = (code) => { clearTimeout(timer); reject(new Error(`pid ${child.pid} exited (${code}) before it was ready`)) }
  child.once('exit', onExit)
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk) => {
    buffered += chunk
    let nl
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      let parsed
      try { parsed = JSON.parse(line) } catch { continue }
      const found = match(parsed)
      if (found !== undefined) {
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(found)
      }
    }
  })
})

const LISTENING = /^Server listening at http:\/\/127\.0\.0\.1:(\d+)$/

const startEmulator = async (extraArgs = []) => {
  const child = spawnChild([CLI, '--port', '0', '--host', HOST, ...CLOCK_ARGS, ...extraArgs])
  const port = await waitForLine(child, (line) => {
    const m = typeof line.msg === 'string' ? LISTENING.exec(line.msg) : null
    return m ? Number(m[1]) : undefined
  })
  return { child, pid: child.pid, port }
}

const startBare = async (answerFile) => {
  const child = spawnChild([BARE, answerFile, '0'])
  const port = await waitForLine(child, (line) => line.port)
  return { child, pid: child.pid, port }
}

// --- /proc --------------------------------------------------------------------

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100 } catch { return 100 }
})()

// utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat,
// counted after the command name, which may itself hold spaces or parentheses).
const cpuSeconds = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

// VmHWM (peak resident set) and VmRSS of a process, in MiB.
const memory = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)[1])
  return { peak_rss_mib: round(kb('VmHWM') / 1024, 1), rss_mib: round(kb('VmRSS') / 1024, 1) }
}

// --- HTTP helpers ---------------------------------------------------------------

const postJson = (port, path, value) => {
  const body = JSON.stringify(value)
  return httpRequest(port, path, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, body })
}

// The whole answer as bytes on the wire, to compare the ceiling with the emulator.
const rawExchange = (port, path) => new Promise((resolve, reject) => {
  const socket = connect(port, HOST)
  const chunks = []
  socket.on('connect', () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${HOST}:${port}\r\nMeibel-API-Key: ${KEY['Meibel-API-Key']}\r\nConnection: close\r\n\r\n`)
  })
  socket.on('data', (c) => chunks.push(c))
  socket.on('end', () => { resolve(Buffer.concat(chunks).toString('latin1')) })
  socket.on('error', reject)
})

// --- Figures -------------------------------------------------------------------

const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

// Before each run: until no server the bench started still works off the
// run before (Prism, far slower, goes on answering what 50 connections had
// asked after autocannon stops), so that no run shares the cores with the
// last one's leftovers. Quiet: every server used at most one clock tick of
// CPU in 200 ms; 10 s at most. How long it waited goes with the run.
const QUIET_WINDOW_MS = 200
const SETTLE_LIMIT_MS = 10_000
const settle = async () => {
  const started = performance.now()
  for (;;) {
    const pids = [...children.keys()]
    const before = pids.map(cpuSeconds)
    await sleep(QUIET_WINDOW_MS)
    const quiet = pids.every((pid, i) => !children.has(pid) || Math.round((cpuSeconds(pid) - before[i]) * CLK_TCK) <= 1)
    const waited = performance.now() - started
    if (quiet || waited >= SETTLE_LIMIT_MS) return round(waited)
  }
}

// One autocannon run against `server`; its CPU time read before and after.
const load = async (server, scenario, duration) => {
  const settledMs = await settle()
  const options = { url: `http://${HOST}:${server.port}`, connections: CONNECTIONS, duration, headers: KEY }
  if (scenario.queries) {
    // The mix: every request takes the next query of the list, across all connections.
    let next = 0
    options.requests = [{
      setupRequest: (req) => {
        const path = scenario.queries[next++ % scenario.queries.length]
        scenario.sent?.add(path)
        return { ...req, path }
      }
    }]
  } else {
    options.requests = [{ path: scenario.path }]
  }
  const cpuBefore = cpuSeconds(server.pid)
  const result = await autocannon(options)
  const cpu = cpuSeconds(server.pid) - cpuBefore
  const total = result.requests.total
  if (total === 0) {
    // Every answer took longer than the run (a large --scale on a busy machine):
    // recorded as 0, not as an error, so the other figures of the run survive.
    process.stdout.write(`bench: warning: ${scenario.name} on port ${server.port}: no answer within ${duration} s; try a longer --duration or fewer --connections\n`)
  }
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]))
  const unexpected = total - (statuses[scenario.expect] ?? 0)
  if (result.errors > 0 || result.timeouts > 0 || unexpected > 0) {
    throw new Error(`${scenario.name} on port ${server.port}: ${result.errors} errors, ${result.timeouts} timeouts, statuses ${JSON.stringify(statuses)} (expected only ${scenario.expect})`)
  }
  return {
    settled_ms: settledMs,
    requests: total,
    wall_seconds: round(result.duration, 2),
    cpu_seconds: round(cpu, 2),
    req_per_cpu_second: cpu > 0 ? round(total / cpu) : 0,
    req_per_second: round(total / result.duration),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    statuses
  }
}

const summarise = (runs) => ({
  req_per_cpu_second: round(median(runs.map((r) => r.req_per_cpu_second))),
  req_per_second: round(median(runs.map((r) => r.req_per_second))),
  latency_p50_ms: median(runs.map((r) => r.latency_p50_ms)),
  latency_p99_ms: median(runs.map((r) => r.latency_p99_ms)),
  runs
})

// Spawn to the first 200 of the probe query, polled as fast as connections are refused.
const coldStart = async (argsFor) => {
  const times = []
  for (let i = 0; i < COLD_START_RUNS; i++) {
    const port = await freePort()
    const start = performance.now()
    const child = spawnChild(argsFor(port))
    child.stdout.resume()
    try {
      for (;;) {
        if (!children.has(child.pid)) throw new Error(`pid ${child.pid} exited during cold start`)
        if (performance.now() - start > 20_000) throw new Error(`pid ${child.pid}: no 200 within 20 s`)
        const answer = await httpRequest(port, PROBE, { headers: KEY }).catch(() => undefined)
        if (answer?.status === 200) break
        await sleep(answer ? 5 : 2)
      }
      times.push(performance.now() - start)
    } finally {
      await stopChild(child)
    }
  }
  return { median_ms: round(median(times), 1), min_ms: round(Math.min(...times), 1), max_ms: round(Math.max(...times), 1), runs_ms: times.map((t) => round(t, 1)) }
}

// Uncached page latency, one request at a time: a first page and a page at
// 90 % depth, unfiltered and filtered, each asked as 1,120 distinct queries
// (limits 1-10, both sorts, both orders, 28 offsets next to the depth) in
// turn. That is more than the answer cache keeps (1,024 entries, least
// recently used first), so every answer comes from the store.
const PAGING_FAMILIES = [
  { name: 'first-page', status: null, depth: 0 },
  { name: 'deep-page-90%', status: null, depth: 0.9 },
  { name: 'first-page COMPLETED', status: 'COMPLETED', depth: 0 },
  { name: 'deep-page-90% COMPLETED', status: 'COMPLETED', depth: 0.9 }
]
const PAGING_JITTER = 28

const totalOf = async (port, status) => {
  const answer = await httpRequest(port, `${PROBE}${status === null ? '' : `&status=${status}`}`, { headers: KEY })
  return JSON.parse(answer.body).total
}

const pagingLatency = async (port) => {
  const out = {}
  for (const family of PAGING_FAMILIES) {
    const total = await totalOf(port, family.status)
    // The deepest offset that still leaves a page of 10.
    const at = Math.min(Math.floor(total * family.depth), Math.max(0, total - 10))
    const queries = []
    for (let limit = 1; limit <= 10; limit++) {
      for (const sortBy of ['start_time', 'status']) {
        for (const sortOrder of ['asc', 'desc']) {
          for (let j = 0; j < PAGING_JITTER; j++) {
            const offset = family.depth === 0 ? j : Math.max(0, at - j)
            queries.push(`${AGENT_PATH}?offset=${offset}&limit=${limit}&sort_by=${sortBy}&sort_order=${sortOrder}${family.status === null ? '' : `&status=${family.status}`}`)
          }
        }
      }
    }
    const times = []
    for (const path of queries) {
      const start = performance.now()
      const answer = await httpRequest(port, path, { headers: KEY })
      times.push(performance.now() - start)
      if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`)
    }
    times.sort((a, b) => a - b)
    out[family.name] = { total, offset: at, requests: times.length, p50_ms: round(median(times), 3), p90_ms: round(times[Math.floor(times.length * 0.9)], 3) }
  }
  return out
}

// At least 1,000 distinct valid page queries over every agent, status, sort and
// paging, in a fixed pseudo-random order (so a run is repeatable).
const mixQueries = (offsets) => {
  const agents = ['demo-agent', 'support-triage', 'invoice-extractor', 'research-assistant']
  const statuses = [undefined, 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED']
  const sortBys = [undefined, 'start_time', 'status']
  const sortOrders = [undefined, 'asc', 'desc']
  const limits = [5, 10, 20, 50]
  const queries = []
  for (const agent of agents) {
    for (const status of statuses) {
      for (const sortBy of sortBys) {
        for (const sortOrder of sortOrders) {
          for (const limit of limits) {
            for (const offset of offsets) {
              const q = new URLSearchParams()
              if (offset) q.set('offset', String(offset))
              q.set('limit', String(limit))
              if (sortBy) q.set('sort_by', sortBy)
              if (sortOrder) q.set('sort_order', sortOrder)
              if (status) q.set('status', status)
              queries.push(`/v2/agents/${agent}/sessions?${q}`)
            }
          }
        }
      }
    }
  }
  let state = 20261120 // mulberry32
  const random = () => {
    state = (state + 0x6D2B79F5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  for (let i = queries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[queries[i], queries[j]] = [queries[j], queries[i]]
  }
  return queries
}

// --- The run ------------------------------------------------------------------

const main = async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm run bench does)')
  const startedAt = new Date()
  const loadAtStart = os.loadavg().map((x) => round(x, 2))
  const tmp = mkdtempSync(join(os.tmpdir(), 'meibel-mock-bench-'))
  process.on('exit', () => { rmSync(tmp, { recursive: true, force: true }) })
  const log = (line) => { process.stdout.write(`${line}\n`) }

  log(`bench: ${DURATION} s per run, ${CONNECTIONS} connections, ${ROUNDS} round(s)${SCALE ? `, ${SCALE} sessions per agent` : ''}`)
  if (SCALE_ASKED !== undefined && SCALE_ASKED > SCALE) {
    log(`bench: --scale ${SCALE_ASKED} is capped at ${MAX_SESSIONS_PER_AGENT}, the most POST /__admin/seed accepts per agent`)
  }

  const emulator = await startEmulator()
  log(`bench: emulator pid ${emulator.pid} on port ${emulator.port}`)
  const memoryAtStart = memory(emulator.pid)

  let seed
  if (SCALE) {
    // While the seed runs, /health and a List Sessions page are asked every
    // 20 ms: the slowest answer of each is how long the server stalled.
    const stalls = { health: 0, page: 0, asked: 0 }
    const seeding = { running: true }
    const poll = async (name, path) => {
      while (seeding.running) {
        const start = performance.now()
        await httpRequest(emulator.port, path, { headers: KEY })
        stalls[name] = Math.max(stalls[name], performance.now() - start)
        stalls.asked++
        await sleep(20)
      }
    }
    const polling = [poll('health', '/health'), poll('page', PAGE)]
    const start = performance.now()
    const answer = await postJson(emulator.port, '/__admin/seed', { seed: START_SEED, sessions_per_agent: SCALE })
    const ms = performance.now() - start
    seeding.running = false
    await Promise.all(polling)
    if (answer.status !== 200) throw new Error(`POST /__admin/seed answered ${answer.status}: ${answer.body}`)
    seed = {
      sessions_per_agent: SCALE,
      seed: START_SEED,
      seed_ms: round(ms, 1),
      slowest_health_ms_during_seed: round(stalls.health, 1),
      slowest_page_ms_during_seed: round(stalls.page, 1),
      requests_during_seed: stalls.asked,
      rss_after_seed: memory(emulator.pid),
      agents: JSON.parse(answer.body).data
    }
    log(`bench: reseeded with ${SCALE} sessions per agent in ${round(ms)} ms; meanwhile the slowest /health took ${seed.slowest_health_ms_during_seed} ms, the slowest page ${seed.slowest_page_ms_during_seed} ms (${stalls.asked} requests)`)
  }

  // At scale, uncached paging next to a second emulator on the default data.
  let paging = null
  if (SCALE) {
    const small = await startEmulator()
    const atDefault = await pagingLatency(small.port)
    await stopChild(small.child)
    const atScale = await pagingLatency(emulator.port)
    paging = PAGING_FAMILIES.map(({ name }) => ({
      name,
      default_data: atDefault[name],
      scaled: atScale[name],
      p50_ratio: round(atScale[name].p50_ms / atDefault[name].p50_ms, 2)
    }))
    for (const p of paging) {
      log(`bench: uncached ${p.name.padEnd(24)} p50 ${p.scaled.p50_ms} ms at offset ${p.scaled.offset} of ${p.scaled.total}, ${p.default_data.p50_ms} ms at offset ${p.default_data.offset} of ${p.default_data.total} (${p.p50_ratio}x)`)
    }
  }

  const probe = await httpRequest(emulator.port, PROBE, { headers: KEY })
  if (probe.status !== 200) throw new Error(`${PROBE} answered ${probe.status}`)
  const demoTotal = JSON.parse(probe.body).total
  // Near the end of demo-agent's sessions: offset 100 of the default 122.
  const deepOffset = SCALE ? Math.max(0, demoTotal - 22) : 100
  const mixOffsets = SCALE ? [0, 10, Math.floor(demoTotal / 2), Math.max(0, demoTotal - 60)] : [0, 10, 40, 100]

  // The ceiling replays the emulator's answer to PAGE: same status, headers, body.
  const recorded = await httpRequest(emulator.port, PAGE, { headers: KEY })
  if (recorded.status !== 200) throw new Error(`${PAGE} answered ${recorded.status}`)
  const generated = new Set(['date', 'connection', 'keep-alive'])
  const headers = []
  for (let i = 0; i < recorded.rawHeaders.length; i += 2) {
    if (!generated.has(recorded.rawHeaders[i].toLowerCase())) headers.push([recorded.rawHeaders[i], recorded.rawHeaders[i + 1]])
  }
  const answerFile = join(tmp, 'answer.json')
  writeFileSync(answerFile, JSON.stringify({ status: recorded.status, headers, body: recorded.body.toString('base64') }))
  const bare = await startBare(answerFile)
  log(`bench: ceiling (bare node:http) pid ${bare.pid} on port ${bare.port}`)

  const withoutDate = (raw) => raw.replace(/\r\ndate: [^\r]*/i, '\r\ndate: -')
  const [emulatorBytes, bareBytes] = await Promise.all([rawExchange(emulator.port, PAGE), rawExchange(bare.port, PAGE)])
  if (withoutDate(emulatorBytes) !== withoutDate(bareBytes)) {
    throw new Error(`the ceiling's answer differs from the emulator's:\n--- emulator\n${emulatorBytes}\n--- ceiling\n${bareBytes}`)
  }
  log(`bench: the ceiling answers the same ${Buffer.byteLength(bareBytes, 'latin1')} bytes as the emulator (Date aside)`)

  // The journal's cost: the same page query against a second emulator that
  // keeps no journal (--journal-size 0); every other scenario journals.
  const noJournal = await startEmulator(['--journal-size', '0'])
  log(`bench: emulator without journal pid ${noJournal.pid} on port ${noJournal.port}`)
  if (SCALE) await postJson(noJournal.port, '/__admin/seed', { seed: START_SEED, sessions_per_agent: SCALE })

  // Prism serves the spec's paths below its own root (no /v2), with the
  // spec's example, not this data: only its cost per answer compares.
  let prism
  if (flags.prism !== undefined) {
    const port = await freePort()
    const child = spawnChild([flags.prism, 'mock', '-p', String(port), '-h', HOST, join(ROOT, 'openapi', 'meibel-api-v2.list-sessions.yaml')])
    child.stdout.resume()
    prism = { child, pid: child.pid, port }
    const start = performance.now()
    while ((await httpRequest(port, PAGE.slice(3), { headers: KEY }).catch(() => undefined))?.status !== 200) {
      if (performance.now() - start > 30_000) throw new Error('Prism did not answer within 30 s')
      await sleep(100)
    }
    log(`bench: Prism pid ${prism.pid} on port ${prism.port}`)
  }

  const mix = mixQueries(mixOffsets)
  const scenarios = [
    { name: 'page', path: PAGE, expect: 200 },
    { name: 'page-no-journal', path: PAGE, expect: 200, server: noJournal },
    { name: 'first-page', path: `${AGENT_PATH}?limit=20`, expect: 200 },
    { name: 'deep-page', path: `${AGENT_PATH}?offset=${deepOffset}&limit=20`, expect: 200 },
    { name: '422', path: `${AGENT_PATH}?limit=0`, expect: 422 },
    { name: 'mix', queries: mix, expect: 200, sent: new Set() },
    ...(prism === undefined ? [] : [{ name: 'prism-page', path: PAGE.slice(3), expect: 200, server: prism }])
  ]
  const ceilingScenario = { name: 'ceiling', path: PAGE, expect: 200 }

  log(`bench: warming up (${WARM_UP_SECONDS} s per scenario)`)
  await load(bare, ceilingScenario, WARM_UP_SECONDS)
  for (const scenario of scenarios) await load(scenario.server ?? emulator, { ...scenario, sent: undefined }, WARM_UP_SECONDS)

  const runs = Object.fromEntries(scenarios.map((s) => [s.name, { ceiling: [], emulator: [] }]))
  for (let r = 1; r <= ROUNDS; r++) {
    for (const scenario of scenarios) {
      const c = await load(bare, ceilingScenario, DURATION)
      const e = await load(scenario.server ?? emulator, scenario, DURATION)
      runs[scenario.name].ceiling.push(c)
      runs[scenario.name].emulator.push(e)
      log(`  round ${r} ${scenario.name.padEnd(10)} ceiling ${String(c.req_per_cpu_second).padStart(6)} req/CPU-s, emulator ${String(e.req_per_cpu_second).padStart(6)} req/CPU-s (ratio ${c.req_per_cpu_second > 0 ? (e.req_per_cpu_second / c.req_per_cpu_second).toFixed(2) : '-'})`)
    }
  }

  const memoryAtEnd = memory(emulator.pid)
  const noJournalMemory = memory(noJournal.pid)
  const bareMemory = memory(bare.pid)
  const prismMemory = prism === undefined ? null : memory(prism.pid)
  if (prism !== undefined) await stopChild(prism.child)
  await stopChild(noJournal.child)
  await stopChild(bare.child)
  await stopChild(emulator.child)

  log(`bench: cold start, ${COLD_START_RUNS} runs each`)
  const coldEmulator = await coldStart((port) => [CLI, '--port', String(port), '--host', HOST, ...CLOCK_ARGS])
  const coldBare = await coldStart((port) => [BARE, answerFile, String(port)])

  const results = {
    date: startedAt.toISOString(),
    machine: {
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      cpu_count: os.cpus().length,
      total_memory_gib: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      autocannon: JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')).version,
      clk_tck: CLK_TCK,
      // Other work on the machine during the run (1, 5, 15 minute load averages).
      load_average_at_start: loadAtStart,
      load_average_at_end: os.loadavg().map((x) => round(x, 2))
    },
    settings: {
      duration_s: DURATION,
      connections: CONNECTIONS,
      rounds: ROUNDS,
      order: 'per round and scenario: ceiling run, then emulator run',
      normalisation: 'requests / (utime + stime of the server process during the run)',
      scale: SCALE ?? null,
      clock: flags.clock,
      clock_speed: flags['clock-speed'],
      scale_asked: SCALE_ASKED ?? null
    },
    seed: seed ?? null,
    paging,
    ceiling: { server: 'bench/bare-server.mjs (node:http) replaying the emulator\'s answer to the page query', path: PAGE, answer_bytes: Buffer.byteLength(bareBytes, 'latin1') },
    scenarios: scenarios.map((s) => {
      const ceiling = summarise(runs[s.name].ceiling)
      const emu = summarise(runs[s.name].emulator)
      return {
        name: s.name,
        ...(s.server === noJournal ? { emulator_args: '--journal-size 0' } : {}),
        ...(s.server === prism && prism !== undefined ? { server: 'Prism (--prism) mock openapi/meibel-api-v2.list-sessions.yaml (the spec\'s example answer, not this data)' } : {}),
        query: s.path ?? `${s.queries.length} distinct page queries in turn (${s.sent.size} sent), e.g. ${s.queries.slice(0, 3).join(' ')}`,
        expected_status: s.expect,
        ratio: ceiling.req_per_cpu_second > 0 ? round(emu.req_per_cpu_second / ceiling.req_per_cpu_second, 3) : null,
        emulator: emu,
        ceiling
      }
    }),
    memory: {
      emulator_at_start: memoryAtStart,
      emulator_at_end: memoryAtEnd,
      emulator_without_journal_at_end: noJournalMemory,
      prism_at_end: prismMemory,
      ceiling_at_end: bareMemory
    },
    cold_start: {
      what: `spawn of node to the first 200 of GET ${PROBE}`,
      emulator: coldEmulator,
      ceiling: coldBare
    }
  }
  writeFileSync(flags.out, `${JSON.stringify(results, null, 2)}\n`)

  const table = [
    ['scenario', 'emulator req/CPU-s', 'ceiling req/CPU-s', 'ratio', 'emulator req/s', 'p50 ms', 'p99 ms', 'ceiling p50/p99 ms'],
    ...results.scenarios.map((s) => [
      s.name,
      String(s.emulator.req_per_cpu_second),
      String(s.ceiling.req_per_cpu_second),
      s.ratio === null ? '-' : s.ratio.toFixed(2),
      String(s.emulator.req_per_second),
      String(s.emulator.latency_p50_ms),
      String(s.emulator.latency_p99_ms),
      `${s.ceiling.latency_p50_ms}/${s.ceiling.latency_p99_ms}`
    ])
  ]
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)))
  log('')
  log(`${results.machine.cpu_count} x ${results.machine.cpu_model}, node ${results.machine.node}, ${results.date}, load average ${loadAtStart[0]} at start`)
  log(`${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} round(s), medians${SCALE ? `, ${SCALE} sessions per agent (seeded in ${seed.seed_ms} ms)` : ', default dataset'}`)
  for (const [i, row] of table.entries()) {
    log(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '))
    if (i === 0) log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
  log('')
  log(`peak RSS: emulator ${memoryAtEnd.peak_rss_mib} MiB (${memoryAtStart.peak_rss_mib} MiB after start), ceiling ${bareMemory.peak_rss_mib} MiB`)
  log(`cold start (median of ${COLD_START_RUNS}): emulator ${coldEmulator.median_ms} ms, ceiling ${coldBare.median_ms} ms`)
  log(`written to ${flags.out}`)
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`bench: ${err.stack ?? err}\n`)
  Promise.all([...children.values()].map(stopChild)).finally(() => process.exit(1))
})
