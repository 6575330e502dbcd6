/** TFLite kernel details: fixed-point arithmetic against BigInt references, and custom ops on handcrafted models. */
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { quantizeMultiplier } from '../../src/engine/ops/tflite/common.js';
import { mbqm64, rdbp, srdhm } from '../../src/reference/tflite/fixedpoint.js';
import { loadTflite } from '../../src/formats/tflite/index.js';
import { buildTflite, f32Bytes } from '../formats/tflite-build.js';

const B = BigInt;
const srdhmRef = (a: number, b: number): number => {
  if (a === -(2 ** 31) && b === -(2 ** 31)) return 2 ** 31 - 1;
  const ab = B(a) * B(b);
  return Number((ab + (ab >= 0n ? 1n << 30n : 1n - (1n << 30n))) / (1n << 31n));
};
const rdbpRef = (x: number, e: number): number => {
  const mask = (1n << B(e)) - 1n;
  const rem = B(x) & mask;
  return Number((B(x) >> B(e)) + (rem > (mask >> 1n) + (x < 0 ? 1n : 0n) ? 1n : 0n));
};
const mbqm64Ref = (x: number, m: number, shift: number): number => {
  const reduced = m < 0x7fff0000 ? (m + 32768) >> 16 : 0x7fff;
  const s = B(15 - shift);
  return Number(BigInt.asIntN(32, (B(x) * B(reduced) + (1n << (s - 1n))) >> s));
};

describe('TFLite fixed-point arithmetic', () => {
  it('matches BigInt references on 60k random cases', () => {
    let seed = 7;
    const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
    const i32 = () => Math.floor(rnd() * 2 ** 32) - 2 ** 31;
    const bad: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const a = i % 97 === 0 ? -(2 ** 31) : i32(), b = i % 89 === 0 ? -(2 ** 31) : i32() >> (i % 31);
      if (srdhm(a, b) !== srdhmRef(a, b)) bad.push(`srdhm(${a}, ${b})`);
      if (rdbp(a, i % 32) !== rdbpRef(a, i % 32)) bad.push(`rdbp(${a}, ${i % 32})`);
      const x = Math.floor((rnd() - 0.5) * 2 ** (16 + (i % 32)));
      const m = Math.floor(rnd() * 2 ** 31), sh = -31 + (i % 38);
      if (mbqm64(x, m, sh) !== mbqm64Ref(x, m, sh)) bad.push(`mbqm64(${x}, ${m}, ${sh})`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('QuantizeMultiplier splits a real multiplier into a Q0.31 significand and a shift', () => {
    expect(quantizeMultiplier(0.5)).toEqual([2 ** 30, 0]);
    expect(quantizeMultiplier(1)).toEqual([2 ** 30, 1]);
    expect(quantizeMultiplier(0.75)).toEqual([1610612736, 0]);
    expect(quantizeMultiplier(1e-10)).toEqual([0, 0]);
    // A significand that rounds up to 2^31 moves to the next power of two.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual([2 ** 30, 1]);
  });
});

/** A FlexBuffer map of int32/float32 scalars (all values 4 bytes wide), keys sorted as FlexBuffers requires. */
function flexMap(entries: Record<string, number | { f: number }>): number[] {
  const out: number[] = [];
  const u32 = (v: number, at = out.length) => { const b = new Uint8Array(Int32Array.of(v).buffer); out.splice(at, 4, ...b); };
  const keys = Object.keys(entries).sort();
  const keyAt = keys.map((k) => { const at = out.length; out.push(...new TextEncoder().encode(k), 0); return at; });
  while (out.length % 4) out.push(0);
  u32(keys.length);
  const keysVec = out.length;
  keys.forEach((_, i) => u32(keysVec + 4 * i - keyAt[i]!));
  const keysField = out.length;
  u32(0); u32(4); u32(keys.length);
  const values = out.length;
  u32(values - 12 - keysVec, keysField);
  keys.forEach((k) => {
    const v = entries[k]!;
    if (typeof v === 'number') u32(v);
    else out.push(...new Uint8Array(Float32Array.of(v.f).buffer));
  });
  keys.forEach((k) => out.push(typeof entries[k] === 'number' ? (1 << 2) | 2 : (3 << 2) | 2));
  const root = out.length;
  u32(root - values);
  out.push((9 << 2) | 2, 4);
  return out;
}

describe('TFLite custom ops', () => {
  it('TFLite_Detection_PostProcess decodes boxes against anchors and suppresses overlaps', async () => {
    // Three anchors; boxes 0 and 1 overlap almost fully; class 1 wins on boxes 0 and 2.
    const anchors = [0.5, 0.5, 1, 1, 0.5, 0.52, 1, 1, 0.2, 0.2, 0.2, 0.2];
    const scores = [0, 0.9, 0.1, 0, 0.8, 0.3, 0, 0.2, 0.7];
    const bytes = buildTflite({
      codes: [{ builtin: 32, custom: 'TFLite_Detection_PostProcess' }],
      buffers: [f32Bytes(anchors)],
      subgraphs: [{
        tensors: [
          { name: 'enc', shape: [1, 3, 4] }, { name: 'scores', shape: [1, 3, 3] }, { name: 'anchors', shape: [3, 4], buffer: 1 },
          { name: 'boxes', shape: [1, 3, 4] }, { name: 'classes', shape: [1, 3] }, { name: 'probs', shape: [1, 3] }, { name: 'count', shape: [1] },
        ],
        inputs: [0, 1], outputs: [3, 4, 5, 6],
        ops: [{
          code: 0, inputs: [0, 1, 2], outputs: [3, 4, 5, 6],
          custom: flexMap({ max_detections: 3, max_classes_per_detection: 1, num_classes: 2, nms_score_threshold: { f: 0.05 }, nms_iou_threshold: { f: 0.5 }, y_scale: { f: 10 }, x_scale: { f: 10 }, h_scale: { f: 5 }, w_scale: { f: 5 } }),
        }],
      }],
    });
    const s = await InferenceSession.fromModel(await loadTflite(bytes), { backends: ['reference'] });
    const out = await s.run({ enc: new Tensor('float32', new Float32Array(12), [1, 3, 4]), scores: new Tensor('float32', scores, [1, 3, 3]) });
    expect(Array.from(out.count!.data as Float32Array)).toEqual([2]);
    expect(Array.from(out.classes!.data as Float32Array).slice(0, 2)).toEqual([0, 1]);
    expect(Array.from(out.probs!.data as Float32Array).slice(0, 2).map((v) => Math.round(v * 100))).toEqual([90, 70]);
    expect(Array.from(out.boxes!.data as Float32Array).slice(0, 4)).toEqual([0, 0, 1, 1]);
  });
});
