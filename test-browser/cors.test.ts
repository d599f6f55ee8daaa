// --cors in a real browser: headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no browser is downloaded) opens a page served
// from one loopback origin, and the page calls List Sessions on the emulator
// (the real CLI, dist/cli.js) at another, with the Meibel-API-Key header, so
// the browser sends a preflight first. With --cors the page reads the JSON;
// without it, or from an origin not listed, the browser refuses it.
//
// Not part of `npm test` (Chromium may be missing): `npm run test:browser`.
// Every process started here is stopped here, by its PID: the emulators
// (SIGTERM, then SIGKILL at teardown if still running) and Chromium.
import t, { type Test } from 'tap'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type BrowserServer } from 'playwright-core'
import { ensureBuilt, startCli, type RunningCli } from '../test/cli/cli-process.js'
import { GOLDEN_FIXTURES, S2 } from '../test/helper.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync']

// The front end: on load, List Sessions at the emulator named by ?api=, the
// outcome written into #out as JSON.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>meibel-mock front end</title>
<pre id="out">loading</pre>
<script type="module">
  const api = new URLSearchParams(location.search).get('api')
  const out = document.getElementById('out')
  try {
    const res = await fetch(api + '/v2/agents/a1/sessions?status=RUNNING', { headers: { 'Meibel-API-Key': 'k' } })
    out.textContent = JSON.stringify({ status: res.status, body: await res.json() })
  } catch (err) {
    out.textContent = JSON.stringify({ error: String(err) })
  }
  document.body.dataset.done = 'true'
</script>
`

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`)
await ensureBuilt()

// The page's origin: http://127.0.0.1:<port>.
const pageServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE)
})
await new Promise<void>((resolve) => { pageServer.listen(0, '127.0.0.1', resolve) })
const ORIGIN = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`
t.teardown(async () => { await new Promise((resolve) => { pageServer.close(resolve) }) })

const started = performance.now()
const browserServer: BrowserServer = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
const chromiumPid = browserServer.process().pid!
const browser: Browser = await chromium.connect(browserServer.wsEndpoint())
t.comment(`Chromium ${browser.version()} (pid ${chromiumPid}) up in ${Math.round(performance.now() - started)} ms`)
t.teardown(async () => {
  await browser.close()
  await browserServer.close()
  if (isAlive(chromiumPid)) process.kill(chromiumPid, 'SIGKILL')
})

// An emulator over the golden fixtures (the CLI, killed at teardown if a
// failing test left it running).
const emulator = async (t: Test, args: string[], env: Record<string, string> = {}): Promise<RunningCli> =>
  await startCli(t, ['--fixtures', GOLDEN_FIXTURES, ...args], env)

// Each test ends by stopping its emulator as `docker stop` would.
const stop = async (t: Test, cli: RunningCli): Promise<void> => {
  process.kill(cli.child.pid!, 'SIGTERM')
  t.equal((await cli.exited).code, 0, 'the emulator stopped cleanly on SIGTERM')
}

// What the page shows after its call.
const frontEnd = async (t: Test, port: number): Promise<{ status?: number, body?: unknown, error?: string }> => {
  const page = await browser.newPage()
  t.teardown(async () => { await page.close() })
  await page.goto(`${ORIGIN}/?api=${encodeURIComponent(`http://127.0.0.1:${port}`)}`)
  await page.waitForSelector('body[data-done]', { timeout: 15_000 })
  return JSON.parse((await page.textContent('#out'))!) as { status?: number, body?: unknown, error?: string }
}

// The emulator's journal for agent a1, as [method, status], plus the preflight's headers.
const journal = async (cli: RunningCli, token?: string): Promise<Array<{ method: string, status: number, headers: Record<string, string> }>> => {
  const res = await fetch(`http://127.0.0.1:${cli.port}/__admin/requests?agent_id=a1`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })
  return ((await res.json()) as { data: Array<{ method: string, status: number, headers: Record<string, string> }> }).data
}

t.test('with --cors ORIGIN: the page gets the sessions, after a preflight', async (t) => {
  const cli = await emulator(t, ['--cors', ORIGIN])
  t.same(await frontEnd(t, cli.port), { status: 200, body: JSON.parse(`{"data":[${S2}],"total":1}`) }, 'the page read the JSON')
  const entries = await journal(cli)
  t.same(entries.map((e) => [e.method, e.status]), [['OPTIONS', 204], ['GET', 200]], 'the browser sent a preflight, then the GET')
  t.equal(entries[0]!.headers.origin, ORIGIN)
  t.equal(entries[0]!.headers['access-control-request-method'], 'GET')
  t.equal(entries[0]!.headers['access-control-request-headers'], 'meibel-api-key')
  t.equal(entries[1]!.headers['meibel-api-key'], '***', 'the key came with the GET (masked in the journal)')
  await stop(t, cli)
})

t.test('with MEIBEL_MOCK_CORS=*: the page also drives the control API with the admin token', async (t) => {
  const cli = await emulator(t, [], { MEIBEL_MOCK_CORS: '*', MEIBEL_MOCK_ADMIN_TOKEN: 's3cret' })
  const page = await browser.newPage()
  t.teardown(async () => { await page.close() })
  await page.goto(`${ORIGIN}/?api=${encodeURIComponent(`http://127.0.0.1:${cli.port}`)}`)
  await page.waitForSelector('body[data-done]')
  // From the page, as its own code would: a JSON POST with a bearer token, then List Sessions.
  const result = await page.evaluate(async (api) => {
    const posted = await fetch(`${api}/__admin/agents/a1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer s3cret' },
      body: JSON.stringify({ session_id: 'from-browser', status: 'RUNNING', start_time: '2026-02-01T00:00:00Z' })
    })
    const listed = await fetch(`${api}/v2/agents/a1/sessions?status=RUNNING&limit=1`, { headers: { 'Meibel-API-Key': 'k' } })
    const body = await listed.json() as { data: Array<{ session_id: string }>, total: number }
    return { posted: posted.status, listed: listed.status, ids: body.data.map((s) => s.session_id), total: body.total }
  }, `http://127.0.0.1:${cli.port}`)
  t.same(result, { posted: 201, listed: 200, ids: ['from-browser'], total: 2 })
  await stop(t, cli)
})

t.test('without --cors the browser refuses the answer: the preflight gets FastAPI\'s 405', async (t) => {
  const cli = await emulator(t, [])
  const shown = await frontEnd(t, cli.port)
  t.match(shown, { error: /^TypeError: Failed to fetch/ }, 'fetch failed in the page')
  t.notOk('body' in shown, 'no data reached the page')
  t.same((await journal(cli)).map((e) => [e.method, e.status]), [['OPTIONS', 405]], 'the GET was never sent')
  await stop(t, cli)
})

t.test('with --cors for another origin the browser refuses it too', async (t) => {
  const cli = await emulator(t, ['--cors', 'http://localhost:3000'])
  t.match(await frontEnd(t, cli.port), { error: /^TypeError: Failed to fetch/ })
  t.same((await journal(cli)).map((e) => [e.method, e.status]), [['OPTIONS', 204]], 'answered, without this origin, so the GET was never sent')
  await stop(t, cli)
})
