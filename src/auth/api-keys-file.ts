// --api-keys-file: a JSON object mapping each accepted API key to the agents
// it owns, e.g. {"key-a": ["agent-1", "agent-2"], "key-admin": "*"}.
// A file that does not fit stops startup with one line naming the file, the
// key and what is wrong (a StartupError: the CLI prints it as one line and
// exits 2).
import { readFileSync } from 'node:fs'
import type { ApiKeyScopes } from '../fastapi/api-key.js'
import { StartupError } from '../errors.js'

const ALL_AGENTS = '*'

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
    throw new StartupError(`${label}: not valid JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StartupError(`${label}: expected a JSON object mapping each API key to a list of agent ids or "${ALL_AGENTS}", got ${describe(parsed)}`)
  }
  const entries = Object.entries(parsed as Record<string, unknown>)
  if (entries.length === 0) throw new StartupError(`${label}: no keys (every request would get a 401)`)
  const scopes = new Map<string, ReadonlySet<string> | null>()
  for (const [key, agents] of entries) {
    const where = `${label}: key ${JSON.stringify(key)}`
    if (!PRESENTABLE_KEY.test(key)) throw new StartupError(`${where}: a key must be non-empty, without spaces or tabs around it`)
    if (agents === ALL_AGENTS) {
      scopes.set(key, null)
      continue
    }
    if (!Array.isArray(agents)) throw new StartupError(`${where}: expected a list of agent ids or "${ALL_AGENTS}", got ${describe(agents)}`)
    agents.forEach((agent: unknown, i) => {
      if (typeof agent !== 'string') throw new StartupError(`${where}: agent ${i}: expected an agent id (a string), got ${describe(agent)}`)
      if (agent === '') throw new StartupError(`${where}: agent ${i}: an empty agent id`)
      // ["*"] would read as "all agents" but name an agent called "*".
      if (agent === ALL_AGENTS) throw new StartupError(`${where}: agent ${i}: write "${ALL_AGENTS}" instead of ["${ALL_AGENTS}"] for all agents`)
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
    throw new StartupError(`${file}: cannot read: ${(err as Error).message}`)
  }
  return parseApiKeysFile(text, file)
}
