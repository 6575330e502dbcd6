/**
 * Malformed models, made by a seeded generator from the conformance models: truncated, length prefixes
 * set huge, counts (tensor dims) set huge, wrong wire types, and random byte flips. Every mutation of
 * the first four kinds must be rejected with a KilnError; a byte flip may happen to leave a valid model,
 * so it must give a KilnError or load cleanly. Nothing may throw anything else, hang, or hold on to much
 * more memory than the file's size.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { InferenceSession } from '../../src/index.js';
import { AllocationBudget, loadOnnx } from '../../src/formats/onnx/index.js';
import { CONFORMANCE_ROOT } from '../conformance/runner.js';
import { malformedSuite } from './malformed-harness.js';
import { mulberry32, walkProto, type FieldSpan } from './proto-walk.js';

type Kind = 'truncate' | 'huge-length' | 'huge-dim' | 'wrong-wire' | 'flip';
interface Case { name: string; kind: Kind; bytes: Uint8Array }

function sources(): { name: string; bytes: Uint8Array }[] {
  const pick = (folder: string, every: number) =>
    readdirSync(join(CONFORMANCE_ROOT, folder)).filter((d) => d.startsWith('test_')).sort()
      .filter((_, i) => i % every === 0)
      .map((d) => ({ name: `${folder}/${d}`, bytes: new Uint8Array(readFileSync(join(CONFORMANCE_ROOT, folder, d, 'model.onnx'))) }));
  const extra = ['node/test_if', 'node/test_loop11', 'node/test_scan9_sum', 'node/test_range_float_type_positive_delta_expanded']
    .map((d) => ({ name: d, bytes: new Uint8Array(readFileSync(join(CONFORMANCE_ROOT, d, 'model.onnx'))) }));
  const light = { name: 'light/light_squeezenet', bytes: new Uint8Array(readFileSync(join(CONFORMANCE_ROOT, 'light/light_squeezenet.onnx'))) };
  return [...pick('node', 90), ...pick('simple', 8), ...pick('pytorch-converted', 20), ...extra, light];
}

/** A varint of exactly `len` bytes holding the largest value that fits. */
const maxVarint = (len: number): number[] => Array.from({ length: len }, (_, i) => (i < len - 1 ? 0xff : 0x7f));
const varint = (v: number): number[] => {
  const out: number[] = [];
  while (v >= 0x80) { out.push((v % 128) | 0x80); v = Math.floor(v / 128); }
  out.push(v);
  return out;
};
const splice = (b: Uint8Array, at: number, remove: number, insert: number[]): Uint8Array => {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
};

function makeCases(): Case[] {
  const rnd = mulberry32(20261125);
  const pickOne = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(rnd() * xs.length)] : undefined);
  const cases: Case[] = [];
  for (const src of sources()) {
    const fields = walkProto(src.bytes, 'ModelProto');
    const graph = fields.find((f) => f.msg === 'ModelProto' && f.field === 7)!;
    const lenFields = fields.filter((f) => f.wire === 2);
    const dims = fields.filter((f) => f.msg === 'TensorProto' && f.field === 1 && f.wire === 0 && f.tensorCount! > 0);
    const typed = fields.filter((f): f is FieldSpan & { expectWire: number } => f.expectWire !== undefined && f.wire === f.expectWire);
    for (let k = 0; k < 2; k++) {
      // Cut strictly inside the graph message: its length prefix then runs past the end.
      const cut = graph.valueAt + 1 + Math.floor(rnd() * Math.max(1, graph.valueEnd - graph.valueAt - 2));
      cases.push({ name: `${src.name} truncated at ${cut}`, kind: 'truncate', bytes: src.bytes.slice(0, cut) });
    }
    for (let k = 0; k < 2; k++) {
      const f = pickOne(lenFields)!;
      cases.push({ name: `${src.name} ${f.msg}.${f.field} length → 2^31`, kind: 'huge-length', bytes: splice(src.bytes, f.lenAt, f.lenLen, varint(2 ** 31)) });
    }
    const d = pickOne(dims);
    if (d) {
      const b = src.bytes.slice();
      b.set(maxVarint(d.valueEnd - d.valueAt), d.valueAt);
      cases.push({ name: `${src.name} TensorProto.dims at ${d.valueAt} → huge`, kind: 'huge-dim', bytes: b });
    }
    for (let k = 0; k < 2; k++) {
      const f = pickOne(typed);
      if (!f) break;
      const b = src.bytes.slice();
      // Same field number, other wire type (only the low 3 bits of the key's first byte change).
      const wrong = f.expectWire === 2 ? 5 : 2;
      b[f.keyAt] = (b[f.keyAt]! & ~7) | wrong;
      cases.push({ name: `${src.name} ${f.msg}.${f.field} wire ${f.expectWire} → ${wrong}`, kind: 'wrong-wire', bytes: b });
    }
    for (let k = 0; k < 2; k++) {
      const b = src.bytes.slice();
      for (let j = 0; j < 3; j++) {
        const at = Math.floor(rnd() * b.length);
        b[at] = b[at]! ^ (1 << Math.floor(rnd() * 8));
      }
      cases.push({ name: `${src.name} 3 bits flipped (#${k})`, kind: 'flip', bytes: b });
    }
  }
  return cases;
}

/** Load, then plan: a model the reader accepts may still be one Kiln cannot plan (a flipped op type). */
async function attempt(bytes: Uint8Array): Promise<void> {
  const model = await loadOnnx(bytes, { budget: AllocationBudget.forFile(bytes.byteLength), externalData: () => new Uint8Array(0) });
  await InferenceSession.fromModel(model, { backends: ['reference'] });
}

describe('malformed ONNX models', () => {
  malformedSuite(makeCases(), attempt);
});
