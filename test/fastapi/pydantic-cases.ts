// The golden data of the src/fastapi query tests: pydantic-cases.json, written
// by gen-pydantic-cases.py from CPython, pydantic and a real FastAPI app
// driven over ASGI.
import { readFileSync } from 'node:fs'

type IntVerdict = { value: string } | { ok: true } | { error: string; ctx?: Record<string, unknown> }
interface IntCase { input: string; int: { value: string } | { error: string }; offset: IntVerdict; limit: IntVerdict }
interface QslCase { raw: string; pairs: Array<[string, string]>; dict: Array<[string, string]> }
export interface PipelineCase { raw: string; status: 200 | 422; body: string }
export interface Golden {
  versions: Record<string, string>
  intCases: IntCase[]
  codePoints: { prefixAccepted: Array<[number, string]>; suffixAccepted: Array<[number, string]> }
  qsl: QslCase[]
  unquoteSingleBytes: Array<[string, string]>
  unquoteRandom: Array<[string, string]>
  queries: PipelineCase[]
  strictLiterals: Record<string, string[]>
  strictQueries: PipelineCase[]
}

export const golden = JSON.parse(readFileSync(new URL('./pydantic-cases.json', import.meta.url), 'utf8')) as Golden

// A test name for an input that may be thousands of characters long.
export const show = (s: string): string => s.length > 60 ? `${JSON.stringify(s.slice(0, 30))}…(${s.length} chars)` : JSON.stringify(s)
