/**
 * `kiln inspect model.gguf [--json]`: a GGUF file's metadata and tensor table, read from the header
 * only (tensor data is never loaded, so multi-GB files inspect instantly). Long arrays (token lists)
 * and long strings (chat templates) are abbreviated.
 */
import { open } from 'node:fs/promises';
import { KilnError } from '../engine/errors.js';
import { isGgufArray, looksLikeGguf, openGguf, type GgufFile, type GgufValue } from '../formats/gguf/index.js';

const ARRAY_HEAD = 8;
const JSON_ARRAY_MAX = 64;
const STRING_MAX = 80;

/** True when the file at `path` starts with the GGUF magic (for picking `inspect`'s branch). */
export async function isGgufPath(path: string): Promise<boolean> {
  if (/\.gguf$/i.test(path)) return true;
  let fh;
  try {
    fh = await open(path, 'r');
    const b = new Uint8Array(4);
    await fh.read(b, 0, 4, 0);
    return looksLikeGguf(b);
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

export interface GgufInspection {
  file: string;
  version: number;
  alignment: number;
  files: { name: string; bytes: number }[];
  metadata: Record<string, unknown>;
  tensors: { name: string; type: string; ggmlType: number; shape: number[]; elements: number; bytes: number; offset: number; file: number }[];
  tensorBytes: number;
  types: Record<string, number>;
}

const items = (v: GgufValue): ArrayLike<GgufValue> => (isGgufArray(v) ? (v.items as ArrayLike<GgufValue>) : []);

/** The shortest decimal that reads back as the same float32 (1e-5, not 0.000009999999747378752). */
function f32Number(v: number): number {
  for (let p = 1; p < 9; p++) {
    const x = Number(v.toPrecision(p));
    if (Math.fround(x) === v) return x;
  }
  return v;
}

function jsonScalar(v: GgufValue, type: string): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return type === 'float32' && typeof v === 'number' ? f32Number(v) : v;
}

function jsonValue(v: GgufValue, type: string): unknown {
  if (!isGgufArray(v)) return jsonScalar(v, type);
  const xs = items(v);
  const head = Array.from({ length: Math.min(xs.length, JSON_ARRAY_MAX) }, (_, i) => jsonValue(xs[i]!, v.itemType));
  return xs.length <= JSON_ARRAY_MAX ? head : { array: v.itemType, length: xs.length, first: head.slice(0, ARRAY_HEAD) };
}

function textValue(v: GgufValue, type: string): string {
  const str = (s: string) => {
    const j = JSON.stringify(s);
    return j.length > STRING_MAX ? `${j.slice(0, STRING_MAX - 1)}…" (${s.length} chars)` : j;
  };
  if (typeof v === 'string') return str(v);
  if (!isGgufArray(v)) return `${String(jsonScalar(v, type))}${type === 'bool' ? '' : ` (${type})`}`;
  const xs = items(v);
  const shown = Array.from({ length: Math.min(xs.length, ARRAY_HEAD) }, (_, i) => {
    const x = xs[i]!;
    return typeof x === 'string' ? str(x) : isGgufArray(x) ? `[${x.itemType} × ${items(x).length}]` : String(jsonScalar(x, v.itemType));
  });
  return `[${v.itemType} × ${xs.length}] ${shown.join(', ')}${xs.length > ARRAY_HEAD ? ', …' : ''}`;
}

export function describeGguf(f: GgufFile, file: string): GgufInspection {
  const types: Record<string, number> = {};
  let tensorBytes = 0;
  for (const t of f.tensors) {
    types[t.type] = (types[t.type] ?? 0) + 1;
    tensorBytes += t.byteLength;
  }
  return {
    file,
    version: f.version,
    alignment: f.alignment,
    files: f.shards.map((s) => ({ name: s.name, bytes: s.size })),
    metadata: Object.fromEntries(f.metadata.keys().map((k) => [k, jsonValue(f.metadata.get(k)!, f.metadata.typeOf(k)!)])),
    tensors: f.tensors.map((t) => ({ name: t.name, type: t.type, ggmlType: t.ggmlType, shape: [...t.shape], elements: t.elements, bytes: t.byteLength, offset: t.fileOffset, file: t.shard })),
    tensorBytes,
    types,
  };
}

export function formatGguf(f: GgufFile, file: string): string {
  const mib = (b: number) => `${(b / 1048576).toFixed(2)} MiB`;
  const total = f.shards.reduce((s, x) => s + x.size, 0);
  const info = describeGguf(f, file);
  const keys = f.metadata.keys();
  const width = Math.max(0, ...keys.map((k) => k.length));
  const lines = [
    `${file}: GGUF v${f.version}, ${f.tensors.length} tensors, ${keys.length} metadata keys, alignment ${f.alignment}, ${mib(total)}${f.shards.length > 1 ? ` in ${f.shards.length} files` : ''}`,
    'metadata:',
    ...keys.map((k) => `  ${k.padEnd(width)} = ${textValue(f.metadata.get(k)!, f.metadata.typeOf(k)!)}`),
  ];
  if (f.tensors.length) {
    const rows = f.tensors.map((t) => [t.name, t.type, `[${t.shape.join(', ')}]`, String(t.byteLength), String(t.fileOffset), ...(f.shards.length > 1 ? [String(t.shard + 1)] : [])]);
    const head = ['name', 'type', 'shape', 'bytes', 'offset', ...(f.shards.length > 1 ? ['file'] : [])];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => '  ' + r.map((c, i) => (i >= 3 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
    lines.push('tensors:', fmt(head), ...rows.map(fmt));
  }
  lines.push(`weights: ${f.tensors.length} tensors, ${mib(info.tensorBytes)} (${info.tensorBytes} bytes); ${Object.entries(info.types).map(([t, n]) => `${t} ×${n}`).join(', ') || 'none'}`);
  return lines.join('\n') + '\n';
}

/** The printable inspection of a GGUF file (text, or JSON with `json: true`). */
export async function inspectGguf(path: string, opts: { json?: boolean } = {}): Promise<string> {
  let f: GgufFile;
  try {
    f = await openGguf(path);
  } catch (e) {
    if (e instanceof KilnError) throw e;
    throw new KilnError('E_IO', `cannot read '${path}': ${(e as Error).message}`, {}, { cause: e });
  }
  try {
    return opts.json ? JSON.stringify(describeGguf(f, path), null, 1) + '\n' : formatGguf(f, path);
  } finally {
    await f.close();
  }
}
