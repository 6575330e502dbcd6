// Static server for browser tests: serves the repository at / and ../shared at /shared/, on 127.0.0.1
// (a secure context), with the COOP/COEP headers that SharedArrayBuffer and WASM threads need.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const SHARED = resolve(ROOT, '../shared');
const PORT = Number(process.env.PORT ?? 8765);
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.txt': 'text/plain',
};

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = rel.startsWith('/shared/') ? join(SHARED, rel.slice('/shared/'.length)) : join(ROOT, rel);
  if (!file.startsWith(ROOT) && !file.startsWith(SHARED)) { res.writeHead(403).end(); return; }
  let size;
  try { size = statSync(file).isFile() ? statSync(file).size : -1; } catch { size = -1; }
  if (size < 0) { res.writeHead(404).end('not found'); return; }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  createReadStream(file).pipe(res);
}).listen(PORT, '127.0.0.1', () => console.log(`serving ${ROOT} on http://127.0.0.1:${PORT}`));
