// The versions the emulator reports come from one place each: package.json
// for the emulator, the vendored contract's info.version for the upstream API.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { CONTRACT_VERSION, EMULATOR_VERSION, VERSION_LINE } from '../src/version.js'
import { build } from './helper.js'

const contract = parse(readFileSync(new URL('../openapi/meibel-api-v2.list-sessions.yaml', import.meta.url), 'utf8')) as { info: { version: unknown } }
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

t.test('CONTRACT_VERSION is the vendored contract\'s info.version', async (t) => {
  t.equal(CONTRACT_VERSION, String(contract.info.version))
  t.equal(CONTRACT_VERSION, '0.6.4', 'the contract this emulator was written against')
})

t.test('EMULATOR_VERSION is package.json\'s', async (t) => {
  t.equal(EMULATOR_VERSION, pkg.version)
  t.match(EMULATOR_VERSION, /^\d+\.\d+\.\d+/)
})

t.test('the line --version prints names both', async (t) => {
  t.equal(VERSION_LINE, `meibel-mock ${pkg.version} (Meibel AI API contract ${String(contract.info.version)})`)
})

t.test('the emulated API\'s document carries the contract version', async (t) => {
  const app = await build(t)
  const doc = JSON.parse((await app.inject({ url: '/openapi.json' })).body) as { info: { version: string } }
  t.equal(doc.info.version, String(contract.info.version))
})
