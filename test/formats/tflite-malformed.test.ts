/**
 * Malformed .tflite files, made by a seeded generator from real models: truncated inside the data the
 * reader must read, offsets sent past the end, vector/string lengths set huge, vtable offsets and
 * vtable slots broken, a constant's dimension set huge, the file identifier changed, and random bit
 * flips. Every mutation but the bit flips must be rejected with a KilnError; a bit flip may leave a
 * valid model, so it must give a KilnError or load cleanly. Nothing may throw anything else, hang, or
 * hold on to much more memory than the file's size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { InferenceSession } from '../../src/index.js';
import { AllocationBudget, loadTflite, readModel } from '../../src/formats/tflite/index.js';
import type { ReadKind } from '../../src/formats/tflite/flatbuffer.js';
import { modelToIR } from '../../src/formats/tflite/to-ir.js';
import { malformedSuite } from './malformed-harness.js';
import { mulberry32 } from './proto-walk.js';
import { SEANET_DIR, TFLITE_ROOT } from '../tflite/seanet.js';

type Kind = 'truncate' | 'huge-offset' | 'huge-length' | 'bad-vtable' | 'bad-slot' | 'huge-dim' | 'identifier' | 'flip';
interface Case { name: string; kind: Kind; bytes: Uint8Array }

function sources(): { name: string; bytes: Uint8Array }[] {
  const seanet = ['conv', 'transpose_conv', 'strided_slice', 'add', 'pad', 'leaky_relu', 'quantize', 'sub']
    .flatMap((op) => readdirSync(join(SEANET_DIR, op)).filter((f) => f.endsWith('.tflite')).sort().slice(0, 3).map((f) => `tflite-micro/integration_tests/seanet/${op}/${f}`));
  const litert = ['tflite_testdata/multi_add.bin', 'tflite_testdata/multi_signatures.bin', 'tflite_testdata/sparse_tensor.bin',
    'tflite_testdata/nested_while.bin', 'tflite_testdata/string_input_model_with_signature.bin', 'js/delegate_compatibility_test.tflite',
    'litert_test_testdata/torchaudio_conformer.tflite', 'quantization_testdata/single_conv_weights_min_0_max_plus_10.bin',
    'python_testdata/pc_conv.bin', 'litert_test_testdata/l2_norm_composite.tflite'].map((f) => `litert/${f}`);
  const micro = ['examples/hello_world/models/hello_world_int8.tflite', 'examples/hello_world/models/hello_world_float.tflite'].map((f) => `tflite-micro/${f}`);
  return [...seanet, ...litert, ...micro].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(TFLITE_ROOT, name))) }));
}

/** Every structural read the reader and the lowering make on a model, and the furthest byte they touch. */
function trace(bytes: Uint8Array): { reads: { kind: ReadKind; at: number }[]; constShapes: number[] } {
  const reads: { kind: ReadKind; at: number }[] = [];
  const budget = new AllocationBudget(64 * bytes.byteLength + (1 << 20));
  const raw = readModel(bytes, budget, (kind, at) => reads.push({ kind, at }));
  modelToIR(raw, budget);
  // Positions of the first shape entry of every constant tensor (Tensor field 0, a vector of int32).
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const constShapes: number[] = [];
  for (const sg of raw.subgraphs) {
    for (const t of sg.tensors) {
      if (!(raw.buffers[t.buffer]?.byteLength && t.shape.length && !t.sparsity && t.type !== 5)) continue;
      const vt = t.offset - dv.getInt32(t.offset, true);
      const fieldAt = t.offset + dv.getUint16(vt + 4, true);
      constShapes.push(fieldAt + dv.getUint32(fieldAt, true) + 4);
    }
  }
  return { reads, constShapes };
}

function makeCases(): Case[] {
  const rnd = mulberry32(20261207);
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(rnd() * xs.length)] : undefined);
  const put32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
  const cases: Case[] = [];
  for (const src of sources()) {
    const { reads, constShapes } = trace(src.bytes);
    const end = reads.reduce((m, r) => Math.max(m, r.at + (r.kind === 'slot' ? 2 : 4)), 0);
    for (let k = 0; k < 2; k++) {
      const cut = 8 + Math.floor(rnd() * (end - 9));
      cases.push({ name: `${src.name} truncated at ${cut}`, kind: 'truncate', bytes: src.bytes.slice(0, cut) });
    }
    const mutate = (kind: Kind, of: ReadKind, value: (at: number) => number, width = 4) => {
      const r = pick(reads.filter((x) => x.kind === of));
      if (!r) return;
      const b = src.bytes.slice();
      if (width === 2) new DataView(b.buffer).setUint16(r.at, value(r.at), true);
      else put32(b, r.at, value(r.at));
      cases.push({ name: `${src.name} ${of} at ${r.at} broken`, kind, bytes: b });
    };
    for (let k = 0; k < 2; k++) mutate('huge-offset', 'offset', () => 0x7ffffff0);
    for (let k = 0; k < 2; k++) mutate('huge-length', 'length', () => 0x7fffffff);
    mutate('bad-vtable', 'soffset', (at) => at + 0x40000000);
    mutate('bad-slot', 'slot', () => 0xfffc, 2);
    const shapeAt = pick(constShapes);
    if (shapeAt !== undefined) {
      const b = src.bytes.slice();
      put32(b, shapeAt, 0x7fffffff);
      cases.push({ name: `${src.name} constant dim at ${shapeAt} → 2^31-1`, kind: 'huge-dim', bytes: b });
    }
    const id = src.bytes.slice();
    const at = 4 + Math.floor(rnd() * 4);
    id[at] = id[at]! ^ 0x20;
    cases.push({ name: `${src.name} identifier changed`, kind: 'identifier', bytes: id });
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

async function attempt(bytes: Uint8Array): Promise<void> {
  const model = await loadTflite(bytes, { budget: AllocationBudget.forFile(bytes.byteLength) });
  await InferenceSession.fromModel(model, { backends: ['reference'] });
}

describe('malformed TFLite models', () => {
  malformedSuite(makeCases(), attempt);
});
