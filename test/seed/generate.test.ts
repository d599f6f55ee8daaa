import t from 'tap'
import { generateSessions, SEED_CLOCK_US } from '../../src/seed/generate.js'
import { SESSION_STATUSES } from '../../src/schemas/list-sessions.js'

const agents = [
  { agent_id: 'x', agent_name: 'X', agent_version: '1.0.0', generated_sessions: 300 },
  { agent_id: 'y', agent_name: null, agent_version: null, generated_sessions: 5 }
]

t.test('the same seed gives the same sessions; another seed others', async (t) => {
  const a = generateSessions(agents, 1)
  t.same(generateSessions(agents, 1), a)
  t.notSame(generateSessions(agents, 2), a)
  t.equal(a.length, 305)
  t.equal(generateSessions(agents, 1, 3).length, 6, 'a count overrides generated_sessions')
})

t.test('an agent draws from its own stream', async (t) => {
  const both = generateSessions(agents, 1).filter((s) => s.agent_id === 'y')
  const alone = generateSessions([agents[1]!], 1)
  t.same(alone, both)
})

t.test('generated sessions are realistic', async (t) => {
  const sessions = generateSessions(agents, 99)
  t.same(new Set(sessions.map((s) => s.status)), new Set(SESSION_STATUSES), 'all statuses occur')
  t.equal(new Set(sessions.map((s) => s.session_id)).size, sessions.length, 'ids are unique')
  let problems = 0
  for (const s of sessions) {
    if (s.start_us >= SEED_CLOCK_US) problems++
    if ((s.end_us === null) !== (s.status === 'RUNNING')) problems++
    if (s.end_us !== null && (s.end_us < s.start_us || s.end_us > SEED_CLOCK_US)) problems++
    const u = s.token_usage as { input_tokens: number, output_tokens: number, total_tokens: number } | null
    if (u !== null && u.input_tokens + u.output_tokens !== u.total_tokens) problems++
    if ((u === null) !== (s.messages_count === 0)) problems++
    if ((s.status === 'COMPLETED') !== (s.result.length > 0) && s.status !== 'FAILED') problems++
  }
  t.equal(problems, 0)
  t.ok(sessions.some((s) => s.start_us % 1_000_000 === 0), 'some whole-second start times')
  t.ok(sessions.some((s) => s.start_us % 1_000_000 !== 0), 'some with microseconds')
})

t.test('the faker instance is a fresh English one, not the shared global', async (t) => {
  const { Faker, en, base, faker: globalFaker } = await import('@faker-js/faker')
  const { newFaker } = await import('../../src/seed/generate.js')
  const ours = newFaker()
  const reference = new Faker({ locale: [en, base] })
  ours.seed(5)
  reference.seed(5)
  const draw = (f: typeof reference): string[] => [f.string.uuid(), f.lorem.sentences(2), f.system.commonFileName('pdf'), String(f.number.int(1000))]
  t.same(draw(ours), draw(reference))
  t.not(ours, newFaker())
  t.not(ours, globalFaker)
})
