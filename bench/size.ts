/**
 * `npm run size`: gzip bytes (level 9) of each browser build and of each .wasm file Kiln ships, as the
 * README's size table shows them. Run after `npm run build`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const BUILDS = ['dist/browser/kiln.js', 'dist/browser/kiln.min.js', 'dist/browser/kiln.worker.js'];

function wasmFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? wasmFiles(p) : f.endsWith('.wasm') ? [p] : [];
  });
}

const missing = BUILDS.filter((f) => !existsSync(join(ROOT, f)));
if (missing.length) {
  console.error(`missing ${missing.join(', ')}: run \`npm run build\` first`);
  process.exit(1);
}
const files = [...BUILDS.map((f) => join(ROOT, f)), ...new Set([...wasmFiles(join(ROOT, 'dist/browser')), ...wasmFiles(join(ROOT, 'src'))])];
const rows = files.map((f) => {
  const bytes = readFileSync(f);
  return { file: relative(ROOT, f), raw: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
});
const w = Math.max(...rows.map((r) => r.file.length));
console.log(`${'file'.padEnd(w)}  ${'bytes'.padStart(10)}  ${'gzip'.padStart(10)}`);
for (const r of rows) console.log(`${r.file.padEnd(w)}  ${r.raw.toLocaleString('en-US').padStart(10)}  ${r.gzip.toLocaleString('en-US').padStart(10)}`);
if (!rows.some((r) => r.file.endsWith('.wasm'))) console.log('(no .wasm files yet: the wasm backend adds them)');
