// Which emulator and which upstream contract answer: --version, GET
// /__admin/version, the start-up banner and the emulated API's document.
import { readFileSync } from 'node:fs'

// The emulated contract's version: info.version of the vendored
// openapi/meibel-api-v2.list-sessions.yaml (test/version.test.ts reads the
// file and checks this against it; the YAML parser is a dev dependency only).
export const CONTRACT_VERSION = '0.6.4'

// package.json's version; ../package.json from src/ and from dist/ alike.
export const EMULATOR_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

// What --version prints.
export const VERSION_LINE = `meibel-mock ${EMULATOR_VERSION} (Meibel AI API contract ${CONTRACT_VERSION})`
