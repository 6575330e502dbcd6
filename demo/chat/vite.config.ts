/**
 * Kiln Chat, the offline chat PWA (Vite). `npm run build:demo` builds it into demo/dist/chat/ after the
 * demo page; `npm run demo` serves it at /chat/ beside the demo page (no service worker on the dev
 * server). This config also serves it alone: `vite --config demo/chat/vite.config.ts`.
 *
 * COOP/COEP make the page cross-origin isolated: the stop button then reaches a busy worker through
 * shared memory (SharedArrayBuffer), and WASM threads can run.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, normalize, resolve } from 'node:path';
import { defineConfig } from 'vite';
import { chatPwa } from './pwa-plugin.js';

const CHAT = import.meta.dirname;
const ROOT = resolve(CHAT, '../..');
const SHARED = resolve(ROOT, '../shared');
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The dev server's /shared/ (the sample model lives there until the build copies it). */
function serveShared(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (!path.startsWith('/shared/')) return next();
  const file = normalize(join(SHARED, path.slice('/shared/'.length)));
  let size = -1;
  try {
    size = file.startsWith(SHARED) && statSync(file).isFile() ? statSync(file).size : -1;
  } catch {}
  if (size < 0) return next();
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size, 'Cross-Origin-Resource-Policy': 'same-origin', ...ISOLATION });
  createReadStream(file).pipe(res);
}

export default defineConfig({
  root: CHAT,
  base: './',
  publicDir: false,
  plugins: [chatPwa(), { name: 'kiln-chat-shared', configureServer: (server) => void server.middlewares.use(serveShared) }],
  server: { host: '127.0.0.1', port: 5174, headers: ISOLATION, fs: { allow: [ROOT] } },
  preview: { host: '127.0.0.1', port: 4174, headers: ISOLATION },
  worker: { format: 'es' },
  build: {
    outDir: resolve(CHAT, '../dist/chat'), emptyOutDir: true, target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2000,
    // Node builtins are only reached behind a Node check (loading a model by path).
    rolldownOptions: { external: [/^node:/] },
  },
});
