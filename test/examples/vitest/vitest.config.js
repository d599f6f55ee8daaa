import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Starts one emulator for the whole run (test/global.test.js uses it).
    globalSetup: ['./global-setup.js']
  }
})
