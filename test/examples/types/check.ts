// The package's declarations as a TypeScript project sees them: every line
// type-checks, and every @ts-expect-error line must be an error.
import {
  AdminClientError, ListenError, StartupError, createAdminClient, startMeibelMock,
  type AdminClient, type FaultRule, type JournalList, type MeibelMock, type SessionSummary
} from 'meibel-mock'
import { createAdminClient as createOnly } from 'meibel-mock/admin-client'

export const check = async (): Promise<void> => {
  const mock: MeibelMock = await startMeibelMock({ seed: 7, fixturesDir: './fixtures', apiKeys: ['k'], strict: true, logLevel: 'warn' })
  const url: string = mock.baseUrl
  const port: number = mock.port
  const admin: AdminClient = mock.admin

  const one: SessionSummary = await admin.sessions.insert('a', { session_id: 's', status: 'RUNNING' })
  const many: SessionSummary[] = await admin.sessions.insert('a', [{ session_id: 't' }])
  const status: string = one.status
  const rule: FaultRule = await admin.faults.add({ match: { agent_id: 'a' }, status: 503, delay_ms: [10, 20], times: 1 })
  const journal: JournalList = await admin.requests({ agent_id: 'a', status: '5xx', since: new Date(), limit: 5 })
  const deleted: number = (await admin.sessions.delete('a', 's')).deleted
  const total: number = (await createOnly('http://localhost:8000', { token: 't' }).agents()).total
  await createAdminClient(new URL('http://localhost:8000')).seed({ seed: 1, sessions_per_agent: 3 })
  void [url, port, many, status, rule, journal, deleted, total]

  try {
    await admin.faults.remove('f1')
  } catch (err) {
    if (err instanceof AdminClientError) { const s: number = err.status; const d: string = err.detail; void [s, d] }
    if (err instanceof ListenError) { const isStartup: StartupError = err; void isStartup }
  }
  await mock.close()

  // @ts-expect-error: the option is fixturesDir (the CLI's --fixtures)
  await startMeibelMock({ fixtures: './fixtures' })
  // @ts-expect-error: logLevel is one of the pino levels
  await startMeibelMock({ logLevel: 'loud' })
  // @ts-expect-error: a port is a number
  await startMeibelMock({ port: '8000' })
  // @ts-expect-error: status is one of the five statuses
  await admin.sessions.insert('a', { status: 'DONE' })
  // @ts-expect-error: an unknown field of a session
  await admin.sessions.insert('a', { sessionId: 's' })
  // @ts-expect-error: a fault rule needs match
  await admin.faults.add({ status: 503 })
  // @ts-expect-error: seed takes { seed }
  await admin.seed(7)
}
