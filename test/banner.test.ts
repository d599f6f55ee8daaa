// The start-up banner's text, from an instance's URL and start-up summary.
import t from 'tap'
import { bannerBlock, bannerLine, makeBanner } from '../src/banner.js'
import { CONTRACT_VERSION, EMULATOR_VERSION } from '../src/version.js'

const summary = {
  db: ':memory:',
  seeding: { seed: 20261120, sessionsPerAgent: null },
  agents: 3,
  sessions: 122,
  paths: { api: '/v2', docs: '/docs', control: '/__admin' }
}

t.test('the fields: URLs under the instance, the data source, the seeding and the counts', async (t) => {
  t.same(makeBanner('http://127.0.0.1:8000', summary), {
    api: 'http://127.0.0.1:8000/v2',
    docs: 'http://127.0.0.1:8000/docs',
    control: 'http://127.0.0.1:8000/__admin',
    data: 'memory',
    seed: 20261120,
    sessionsPerAgent: null,
    agents: 3,
    sessions: 122
  })
  const file = makeBanner('http://[::1]:9000', { ...summary, db: '/data/s.db', seeding: { seed: 1, sessionsPerAgent: 50 }, paths: { ...summary.paths, control: null } })
  t.match(file, { control: 'off', data: '/data/s.db', seed: 1, sessionsPerAgent: 50, api: 'http://[::1]:9000/v2' })
})

t.test('the log line says it all in its message', async (t) => {
  t.equal(bannerLine(makeBanner('http://127.0.0.1:8000', summary)),
    'ready: API http://127.0.0.1:8000/v2, docs http://127.0.0.1:8000/docs, control API http://127.0.0.1:8000/__admin, data memory (seed 20261120: 3 agents, 122 sessions)')
  t.equal(bannerLine(makeBanner('http://h:1', { ...summary, db: 'x.db', agents: 1, sessions: 1, paths: { ...summary.paths, control: null } })),
    'ready: API http://h:1/v2, docs http://h:1/docs, control API off, data x.db (seed 20261120: 1 agent, 1 session)')
})

t.test('the block for a terminal', async (t) => {
  t.equal(bannerBlock(makeBanner('http://127.0.0.1:8000', summary)), [
    '',
    `  meibel-mock ${EMULATOR_VERSION}, emulating Meibel AI API ${CONTRACT_VERSION}`,
    '',
    '  API          http://127.0.0.1:8000/v2',
    '  Docs         http://127.0.0.1:8000/docs',
    '  Control API  http://127.0.0.1:8000/__admin',
    '  Data         in memory, seed 20261120: 3 agents, 122 sessions',
    '',
    ''
  ].join('\n'))
  t.match(bannerBlock(makeBanner('http://h:1', { ...summary, db: 'x.db', paths: { ...summary.paths, control: null } })),
    /Control API {2}off\n {2}Data {9}x\.db, seed 20261120/)
})
