/**
 * The demo page (Vite). `npm run demo` serves it with the COOP/COEP headers that SharedArrayBuffer and
 * WASM threads need; `npm run build:demo` writes a static site to demo/dist/.
 *
 * - /shared/ serves ../shared (the benchmark models) on the dev server only; a static build offers the
 *   bundled sample, URLs and files.
 * - ./ort/ serves onnxruntime-web's dist files for the Bench tab (copied into the build; about 41 MB,
 *   mostly its two .wasm binaries).
 */
import { createReadStream, copyFileSync, mkdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const DEMO = import.meta.dirname;
const ROOT = resolve(DEMO, '..');
const SHARED = resolve(ROOT, '../shared');
const ORT = resolve(ROOT, 'node_modules/onnxruntime-web/dist');
const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm',
  'ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.txt': 'text/plain', '.json': 'application/json' };

/** Serves files under `dir` at `prefix` (GET and HEAD), nothing outside it. */
function serveDir(prefix: string, dir: string) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(prefix)) return next();
    const file = normalize(join(dir, path.slice(prefix.length)));
    let size = -1;
    try {
      size = file.startsWith(dir) && statSync(file).isFile() ? statSync(file).size : -1;
    } catch {}
    if (size < 0) return next();
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': size, 'Cross-Origin-Resource-Policy': 'same-origin', ...ISOLATION });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}

function assets(): Plugin {
  return {
    name: 'kiln-demo-assets',
    configureServer(server) {
      server.middlewares.use(serveDir('/shared/', SHARED));
      server.middlewares.use(serveDir('/ort/', ORT));
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveDir('/ort/', ORT));
    },
    writeBundle(opts) {
      const out = join(opts.dir!, 'ort');
      mkdirSync(out, { recursive: true });
      for (const f of ORT_FILES) copyFileSync(join(ORT, f), join(out, f));
    },
  };
}

export default defineConfig({
  root: DEMO,
  base: './',
  plugins: [assets()],
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION, fs: { allow: [ROOT] } },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION },
  worker: { format: 'es' },
  build: {
    outDir: resolve(DEMO, 'dist'), emptyOutDir: true, target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2000,
    // Node builtins are only reached behind a Node check (loading a model by path).
    rolldownOptions: { external: [/^node:/] },
  },
});
