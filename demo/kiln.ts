/** The demo uses Kiln's public API only, and imports it from here. */
export * from '../src/index.js';

/** The worker, bundled by Vite from Kiln's worker entry (the recipe for apps built with a bundler). */
export const demoWorker = (): Worker => new Worker(new URL('../src/workers/worker.ts', import.meta.url), { type: 'module', name: 'kiln' });
