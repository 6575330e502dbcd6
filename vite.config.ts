/**
 * Browser builds of the package: an ES module (`import { InferenceSession } from './kiln.js'`) and a
 * script-tag build (`<script src="kiln.iife.js">` → `window.kiln`). Node builtins stay external: they are
 * only reached through dynamic imports guarded by a Node check (loading a model by path).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist/browser',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: 'src/index.ts',
      name: 'kiln',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'kiln.js' : 'kiln.iife.js'),
    },
    rolldownOptions: { external: [/^node:/] },
  },
});
