// --api-keys-file: a JSON object mapping each accepted API key to the agents
// it owns, e.g. {"key-a": ["agent-1", "agent-2"], "key-admin": "*"}.
// A file that does not fit stops startup with one line naming the file, the
// key and what is wrong. It throws FixtureError because that is what the CLI
// already turns into one line on stderr and exit code 2: the keys file is
// startup data, like the fixtures.
import { readFileSync } from 'node:fs'
import type { ApiKeyScopes } from '../fastapi/api-key.js'
import { FixtureError } from '../seed/fixtures.js'

export const ALL_AGENTS = '*'

// h11 strips spaces and tabs around header values (§3.1), so a key with them
// could never be presented.
const PRESENTABLE_KEY = /^[^ \t].*[^ \t]$|^[^ \t]$/su

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`

export const parseApiKeysFile = (text: string, label: string): ApiKeyScopes => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new FixtureError(`${label}: not valid JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FixtureError(`${label}: expected a JSON object mapping each API key to a list of agent ids or "${ALL_AGENTS}", got ${describe(parsed)}`)
  }
  const entries = Object.entries(parsed as Record<string, unknown>)
  if (entries.length === 0) throw new FixtureError(`${label}: no keys (every request would get a 401)`)
  const scopes = new Map<string, ReadonlySet<string> | null>()
  for (const [key, agents] of entries) {
    const where = `${label}: key ${JSON.stringify(key)}`
    if (!PRESENTABLE_KEY.test(key)) throw new FixtureError(`${where}: a key must be non-empty, without spaces or tabs around it`)
    if (agents === ALL_AGENTS) {
      scopes.set(key, null)
      continue
    }
    if (!Array.isArray(agents)) throw new FixtureError(`${where}: expected a list of agent ids or "${ALL_AGENTS}", got ${describe(agents)}`)
    agents.forEach((agent: unknown, i) => {
      if (typeof agent !== 'string') throw new FixtureError(`${where}: agent ${i}: expected an agent id (a string), got ${describe(agent)}`)
      if (agent === '') throw new FixtureError(`${where}: agent ${i}: an empty agent id`)
      // ["*"] would read as "all agents" but name an agent called "*".
      if (agent === ALL_AGENTS) throw new FixtureError(`${where}: agent ${i}: write "${ALL_AGENTS}" instead of ["${ALL_AGENTS}"] for all agents`)
    })
    scopes.set(key, new Set(agents as string[]))
  }
  return scopes
}

export const loadApiKeysFile = (file: string): ApiKeyScopes => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new FixtureError(`${file}: cannot read: ${(err as Error).message}`)
  }
  return parseApiKeysFile(text, file)
}
