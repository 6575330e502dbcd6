/**
 * Malformed GGUF files from a seeded generator. Starting from real files (the stories260K models, the
 * dequantization fixture, two tokenizer vocabularies) and handcrafted v1/v2/v3 files, it aims mutations at
 * the fields a walker finds: truncation, huge counts and lengths, unknown value and tensor types, too
 * many dims, misaligned and overlapping tensor data, bad alignment. Every one of those must be refused
 * with a KilnError; random bit flips may leave a valid file, so they must give a KilnError or load
 * cleanly (and then dequantize cleanly). Nothing may throw anything else, hang, or grow memory far
 * past the file's size.
 */
import { readFileSync } from 'node:fs';
import { describe } from 'vitest';
import { canDequantize, readGguf } from '../../src/formats/gguf/index.js';
import { malformedSuite } from './malformed-harness.js';
import { buildGguf, mulberry32, V, walkGguf, type Span, type SpanKind } from './gguf-build.js';

const LLM = new URL('../../../shared/models/llm/', import.meta.url).pathname;
const VOCAB = new URL('../../../shared/conformance/gguf-vocab/', import.meta.url).pathname;

type Kind = 'truncate' | 'huge' | 'value-type' | 'tensor-type' | 'n-dims' | 'misalign' | 'overlap' | 'alignment' | 'flip';
interface Case { name: string; kind: Kind; bytes: Uint8Array }

function handcrafted(version: 1 | 2 | 3, alignment: number): Uint8Array {
  const t = (name: string, ne: number[], ggmlType: number, bytes: number) => ({ name, ne, ggmlType, data: new Uint8Array(bytes).map((_, i) => i * 7) });
  return buildGguf({
    version,
    alignment,
    kv: [
      ['general.alignment', V.u32(alignment)], ['general.name', V.str('fuzz')], ['n', V.i64(-5n)], ['f', V.f64(0.5)],
      ['tokens', V.strs(['<s>', 'a', 'bc', 'déf'])], ['nested', V.arr('array', [V.f32s([1, 2]), V.i32s([3])])], ['b', V.bool(true)],
    ],
    tensors: [t('w.f32', [8, 2], 0, 64), t('w.q8', [32, 2], 8, 68), t('w.q4k', [256], 12, 144), t('w.f16', [3], 1, 6)],
  });
}

function sources(): { name: string; bytes: Uint8Array }[] {
  const file = (dir: string, f: string) => ({ name: f, bytes: new Uint8Array(readFileSync(dir + f)) });
  return [
    file(LLM, 'ggml-quant-fixtures.gguf'), file(LLM, 'stories260K-mixq.gguf'), file(LLM, 'stories260K-tied.gguf'),
    file(VOCAB, 'ggml-vocab-llama-spm.gguf'), file(VOCAB, 'ggml-vocab-bert-bge.gguf'),
    { name: 'handcrafted-v1', bytes: handcrafted(1, 32) }, { name: 'handcrafted-v2', bytes: handcrafted(2, 64) }, { name: 'handcrafted-v3', bytes: handcrafted(3, 16) },
  ];
}

const HUGE_KINDS: SpanKind[] = ['tensorCount', 'kvCount', 'keyLen', 'strLen', 'nameLen', 'arrayLen', 'dim'];
const KNOWN_GGML = new Set([0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 34, 35, 39]);

function setUint(b: Uint8Array, at: number, width: 4 | 8, v: bigint): void {
  const d = new DataView(b.buffer, b.byteOffset);
  if (width === 4) d.setUint32(at, Number(v & 0xffffffffn), true);
  else d.setBigUint64(at, v, true);
}

function makeCases(): Case[] {
  const rnd = mulberry32(20261125);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[int(xs.length)] : undefined);
  const cases: Case[] = [];
  for (const src of sources()) {
    const w = walkGguf(src.bytes);
    const spans = (k: SpanKind | SpanKind[]) => w.spans.filter((s) => (Array.isArray(k) ? k.includes(s.kind) : s.kind === k));
    const withData = w.tensors.filter((t) => t.bytes > 0);
    const mustFailEnd = Math.max(w.headerEnd, ...w.tensors.map((t) => w.dataOffset + t.offset + t.bytes));
    const mutators: [Kind, () => [string, Uint8Array] | undefined][] = [
      ['truncate', () => { const cut = 8 + int(mustFailEnd - 8); return [`cut at ${cut}`, src.bytes.slice(0, cut)]; }],
      ['huge', () => {
        const s = pick(spans(HUGE_KINDS))!;
        const v = s.width === 4 ? 0xffffffffn : pick([2n ** 40n, 2n ** 62n, 2n ** 64n - 1n])!;
        const b = src.bytes.slice();
        setUint(b, s.at, s.width, v);
        return [`${s.kind} of ${s.what} at ${s.at} → ${v}`, b];
      }],
      ['value-type', () => {
        const s = pick(spans(['valueType', 'arrayItemType']))!;
        const b = src.bytes.slice();
        const code = pick([13, 14, 255, 0x10000, 0xffffffff])!;
        setUint(b, s.at, 4, BigInt(code));
        return [`${s.kind} of ${s.what} → ${code}`, b];
      }],
      ['tensor-type', () => {
        const s = pick(spans('tensorType'));
        if (!s) return undefined;
        let code = 40 + int(2000);
        while (KNOWN_GGML.has(code)) code++;
        const b = src.bytes.slice();
        setUint(b, s.at, 4, BigInt(code));
        return [`type of ${s.what} → ${code}`, b];
      }],
      ['n-dims', () => {
        const s = pick(spans('nDims'));
        if (!s) return undefined;
        const b = src.bytes.slice();
        const n = 5 + int(1000);
        setUint(b, s.at, 4, BigInt(n));
        return [`n_dims of ${s.what} → ${n}`, b];
      }],
      ['misalign', () => {
        const t = pick(w.tensors);
        if (!t) return undefined;
        const b = src.bytes.slice();
        const off = t.offset + 1 + int(w.alignment - 1);
        setUint(b, t.offsetAt, 8, BigInt(off));
        return [`offset of ${t.name} → ${off}`, b];
      }],
      ['overlap', () => {
        if (withData.length < 2) return undefined;
        const i = int(withData.length);
        const j = (i + 1 + int(withData.length - 1)) % withData.length;
        const b = src.bytes.slice();
        setUint(b, withData[j]!.offsetAt, 8, BigInt(withData[i]!.offset));
        return [`offset of ${withData[j]!.name} → offset of ${withData[i]!.name}`, b];
      }],
      ['alignment', () => {
        const s: Span | undefined = pick(spans('alignmentValue'));
        if (!s) return undefined;
        const b = src.bytes.slice();
        const a = pick([0, 3, 24, 100, 0xffffffff])!;
        setUint(b, s.at, 4, BigInt(a));
        return [`general.alignment → ${a}`, b];
      }],
    ];
    let made = 0;
    while (made < 30) {
      const [kind, mutate] = pick(mutators)!;
      const r = mutate();
      if (!r) continue;
      cases.push({ name: `${src.name}: ${r[0]}`, kind, bytes: r[1] });
      made++;
    }
    for (let k = 0; k < 4; k++) {
      const b = src.bytes.slice();
      for (let j = 0; j < 3; j++) { const at = int(w.headerEnd); b[at] = b[at]! ^ (1 << int(8)); }
      cases.push({ name: `${src.name}: 3 header bits flipped (#${k})`, kind: 'flip', bytes: b });
    }
  }
  return cases;
}

function attempt(bytes: Uint8Array): void {
  const f = readGguf(bytes, 'fuzz.gguf');
  for (const t of f.tensors) if (canDequantize(t.type)) f.dequantizeSync(t.name);
}

describe('malformed GGUF files (seeded generator)', () => {
  malformedSuite(makeCases(), attempt);
});
