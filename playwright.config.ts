/**
 * Browser tests: Debian's Chromium through Playwright (no browser download), pages served from
 * 127.0.0.1 with COOP/COEP by test/browser/server.mjs. Flags from ../shared/ENV.md.
 */
import { defineConfig } from '@playwright/test';

const PORT = 8765;

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'],
    },
  },
  webServer: {
    command: `node test/browser/server.mjs`,
    url: `http://127.0.0.1:${PORT}/package.json`,
    env: { PORT: String(PORT) },
    reuseExistingServer: !process.env.CI,
  },
});
