/** Bundles a test/browser/pages/webgpu*.ts entry into dist/webgpu-test/ for the pages (esbuild, ~1 s). */
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
