/** Bundles a test/browser/pages/webgpu*.ts entry into dist/webgpu-test/ for the pages (esbuild, ~1 s). */
import type { Browser, Page } from '@playwright/test';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function bundleWebGpuPage(entry: string): Promise<void> {
  await build({
    entryPoints: [`${ROOT}/test/browser/pages/${entry}.ts`],
    outfile: `${ROOT}/dist/webgpu-test/${entry}.js`,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    external: ['node:*'],
    logLevel: 'error',
  });
}

/** Bundles `entry`, opens the page at `path` that loads it (page errors logged) and waits for its `ready` flag. */
export async function openWebGpuPage(browser: Browser, entry: string, path: string): Promise<Page> {
  await bundleWebGpuPage(entry);
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
  await page.goto(path);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return page;
}
