// meibel-mock is an ES module: Jest loads the test files as ES modules too
// (no transform; `node --experimental-vm-modules`, see package.json).
export default {
  transform: {},
  testEnvironment: 'node',
  // One emulator for the whole run (test/global.test.js uses it).
  globalSetup: './global-setup.js',
  globalTeardown: './global-teardown.js'
}
