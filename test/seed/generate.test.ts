import t from 'tap'
import { generateSessions, makeSessionGenerator, SEED_CLOCK_US } from '../../src/seed/generate.js'
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

t.test('control API inserts: record i of an agent is drawn from (seed, agent, i) alone', async (t) => {
  const generate = makeSessionGenerator()
  const agent = { agent_id: 'x', agent_name: 'X', agent_version: '1.0.0' }
  const first = generate(7, agent, 0, {})
  t.same(makeSessionGenerator()(7, agent, 0, {}), first, 'the same seed, agent and index give the same session')
  t.same(generate(7, agent, 0, {}), first, 'reseeded for every record')
  t.notSame(generate(7, agent, 1, {}), first)
  t.notSame(generate(8, agent, 0, {}), first)
  t.notSame(generate(7, { ...agent, agent_id: 'y' }, 0, {}).session_id, first.session_id)
  t.equal(first.agent_name, 'X', "the agent's name and version by default")
  t.equal(first.agent_version, '1.0.0')
})

t.test('control API inserts: given fields are kept, the drawn ones follow them', async (t) => {
  const generate = makeSessionGenerator()
  const agent = { agent_id: 'x', agent_name: 'X', agent_version: null }
  // Every field given: nothing is drawn into the record.
  const given = {
    session_id: 's',
    status: 'FAILED',
    start_us: 5,
    end_us: 9,
    agent_name: null,
    agent_version: 'v',
    messages_count: 3,
    token_usage: { n: 1 },
    result: [{ a: 1 }]
  }
  t.same(generate(1, agent, 0, given), { agent_id: 'x', ...given })

  const statuses = new Set<string>()
  for (let i = 0; i < 40; i++) {
    const s = generate(1, agent, i, { status: 'RUNNING' })
    statuses.add(s.status)
    t.equal(s.end_us, null, 'a running session has not ended')
    t.ok(s.start_us > SEED_CLOCK_US - 7_201 * 1_000_000, 'and started in the last two hours')
  }
  t.same([...statuses], ['RUNNING'])

  const running = generate(1, agent, 3, { status: 'RUNNING' })
  const unchanged = generate(1, agent, 3, { status: 'RUNNING', agent_name: 'other' })
  t.same({ ...unchanged, agent_name: running.agent_name }, running, 'a given field does not shift the other draws')

  const late = SEED_CLOCK_US + 3_600_000_000
  const afterClock = generate(1, agent, 0, { status: 'COMPLETED', start_us: late })
  t.equal(afterClock.start_us, late)
  t.ok(afterClock.end_us! > late, 'starting after the pinned clock, it runs its drawn duration')
  const beforeClock = generate(1, agent, 0, { status: 'COMPLETED', start_us: SEED_CLOCK_US - 1_000_000 })
  t.ok(beforeClock.end_us! >= beforeClock.start_us && beforeClock.end_us! <= SEED_CLOCK_US, 'before it, it ends by the clock')

  const endOnly = generate(1, agent, 0, { status: 'COMPLETED', end_us: 1_000_000_000_000 })
  t.equal(endOnly.end_us, 1_000_000_000_000)
  t.ok(endOnly.start_us < endOnly.end_us!, 'a given end alone: the start is the drawn duration before it')
  t.equal(generate(1, agent, 0, { status: 'COMPLETED', end_us: null }).end_us, null, 'a given null end is kept')

  const counted = generate(1, agent, 0, { messages_count: 0 })
  t.equal(counted.token_usage, null, 'no messages, no token usage')
  const usage = generate(1, agent, 0, { messages_count: 10 }).token_usage as { input_tokens: number, total_tokens: number }
  t.ok(usage.input_tokens >= 1500, 'token usage follows a given message count')
})
