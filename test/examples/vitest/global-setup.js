// One emulator for the whole run: started before any test file, closed after
// the last. Test files run in other workers, so they get its URL through
// provide/inject and talk to it with fetch and createAdminClient.
import { startMeibelMock } from 'meibel-mock'

export default async function setup ({ provide }) {
  const mock = await startMeibelMock({ apiKeys: ['test-key'] })
  provide('meibelMockUrl', mock.url)
  return async () => { await mock.close() }
}
