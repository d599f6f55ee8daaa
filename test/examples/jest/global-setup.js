// Runs once, in Jest's own process, before the workers start: they inherit
// process.env, so the URL reaches every test file. globalThis is shared with
// global-teardown.js only.
import { startMeibelMock } from 'meibel-mock'

export default async function globalSetup () {
  globalThis.meibelMock = await startMeibelMock({ apiKeys: ['test-key'] })
  process.env.MEIBEL_MOCK_URL = globalThis.meibelMock.url
}
