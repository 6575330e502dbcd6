/**
 * Browser builds (`npm run build`, from the repository root). One `vite build` writes the browser builds into dist/browser/, so each finds the others next to itself:
 *   kiln.js         ES module         import { InferenceSession } from './kiln.js'
 *   kiln.min.js     IIFE, minified    <script src="kiln.min.js"> → window.kiln
 *   kiln.worker.js  the worker        a classic script, so it also starts from a CDN (through importScripts)
 * Lib mode builds one IIFE entry per build, so the worker is a second build started when the first ends.
 * Node builtins stay external: they are only reached behind a Node check (loading a model by path).
 */
import { resolve } from 'node:path';
import { build, defineConfig, type InlineConfig, type Plugin } from 'vite';

const ROOT = process.cwd();
const OUT = resolve(ROOT, 'dist/browser');
/** The public entry. */
const ENTRY = resolve(ROOT, 'src/index.ts');

const shared: InlineConfig['build'] = {
  outDir: OUT,
  sourcemap: true,
  minify: true,
  // import.meta is {} in IIFE builds: src/workers/assets.ts reads document.currentScript there instead.
  rolldownOptions: { external: [/^node:/], checks: { emptyImportMeta: false } },
};

function workerBuild(): Plugin {
  return {
    name: 'kiln-worker-build',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        root: ROOT,
        logLevel: 'warn',
        build: { ...shared, emptyOutDir: false, lib: { entry: resolve(ROOT, 'src/workers/worker.ts'), name: 'kilnWorker', formats: ['iife'], fileName: () => 'kiln.worker.js' } },
      });
    },
  };
}

export default defineConfig({
  root: ROOT,
  plugins: [workerBuild()],
  build: {
    ...shared,
    emptyOutDir: true,
    lib: { entry: ENTRY, name: 'kiln', formats: ['es', 'iife'], fileName: (format) => (format === 'es' ? 'kiln.js' : 'kiln.min.js') },
  },
});
