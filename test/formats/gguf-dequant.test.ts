/**
 * Dequantization, three ways: (1) against ggml itself — ggml-quant-fixtures.gguf holds ggml's quantized
 * tensors and ggml's own dequantized values, which must match bit for bit; (2) hand-built blocks whose
 * values follow from the block layouts, exactly; (3) round trips through the test-side quantizer, within
 * error bounds, for every quantized type (including Q8_K, IQ4_NL and IQ4_XS, which the fixture lacks).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/engine/ir/dtype.js';
import { dequantize, DEQUANT_TYPES, IQ4NL_LEVELS, readGguf } from '../../src/formats/gguf/index.js';
import { mulberry32 } from './gguf-build.js';
import { QUANTIZERS, quantize } from './gguf-quantize.js';

const FIXTURE = new URL('../../../shared/models/llm/ggml-quant-fixtures.gguf', import.meta.url).pathname;

describe('dequantization matches ggml bit for bit (ggml-quant-fixtures.gguf)', () => {
  const f = readGguf(new Uint8Array(readFileSync(FIXTURE)));
  const types = f.tensors.filter((t) => t.name.startsWith('q.')).map((t) => t.name.slice(2));

  it('holds the 12 types the README lists', () => {
    expect(types).toEqual(['f16', 'bf16', 'q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q2_K', 'q3_K', 'q4_K', 'q5_K', 'q6_K']);
  });

  for (const T of types) {
    it(`${T}: every value equals ggml's to_float`, () => {
      const got = new Uint32Array(f.dequantizeSync(`q.${T}`).buffer);
      const want = new Uint32Array(f.dequantizeSync(`deq.${T}`).buffer);
      expect(got.length).toBe(1024);
      const diff = [...got.keys()].filter((i) => got[i] !== want[i]);
      expect(diff).toEqual([]);
    });
  }
});

/** f16 bit patterns used below. */
const H = { one: 0x3c00, half: 0x3800, two: 0x4000, quarter: 0x3400, minusOne: 0xbc00 };
const block = (n: number, fill: (b: Uint8Array, dv: DataView) => void) => {
  const b = new Uint8Array(n);
  fill(b, new DataView(b.buffer));
  return b;
};
const deq = (t: DType, b: Uint8Array, n: number) => [...dequantize(t, b, n)];
const range = (n: number) => [...Array(n).keys()];

describe('dequantization of hand-built blocks (exact values from the layouts)', () => {
  it('F32, F16 (incl. subnormal, ±0, ±Inf) and BF16', () => {
    expect(deq('float32', new Uint8Array(Float32Array.of(1.25, -3e-39).buffer), 2)).toEqual([1.25, Math.fround(-3e-39)]);
    const h = new Uint8Array(Uint16Array.of(0x3c00, 0x0001, 0x8000, 0x7c00, 0xfc00, 0x7bff, 0xc500).buffer);
    expect(deq('float16', h, 7)).toEqual([1, 2 ** -24, -0, Infinity, -Infinity, 65504, -5]);
    const bf = new Uint8Array(Uint16Array.of(0x3f80, 0xc040, 0x0001).buffer);
    expect(deq('bfloat16', bf, 3)).toEqual([1, -3, Math.fround(2 ** -133)]);
    expect(Number.isNaN(deq('float16', new Uint8Array([0x01, 0x7c]), 1)[0])).toBe(true);
  });

  it('Q4_0 and Q4_1: low nibbles are values 0–15, high nibbles 16–31', () => {
    const qs = (b: Uint8Array, o: number) => { for (let j = 0; j < 16; j++) b[o + j] = j | ((15 - j) << 4); };
    const b0 = block(18, (b, v) => { v.setUint16(0, H.half, true); qs(b, 2); });
    expect(deq('q4_0', b0, 32)).toEqual(range(32).map((y) => ((y < 16 ? y : 31 - y) - 8) * 0.5));
    const b1 = block(20, (b, v) => { v.setUint16(0, H.half, true); v.setUint16(2, H.minusOne, true); qs(b, 4); });
    expect(deq('q4_1', b1, 32)).toEqual(range(32).map((y) => (y < 16 ? y : 31 - y) * 0.5 - 1));
  });

  it('Q5_0 and Q5_1: bit j of qh is the fifth bit of value j', () => {
    const fill = (b: Uint8Array, v: DataView, o: number) => { v.setUint32(o, (1 << 0) | (1 << 20) | (1 << 31), true); b[o + 4] = 0x21; b[o + 4 + 15] = 0xf0; };
    const b0 = block(22, (b, v) => { v.setUint16(0, H.one, true); fill(b, v, 2); });
    const q = (y: number) => (y === 0 ? 17 : y === 16 ? 2 : y === 20 ? 16 : y === 31 ? 31 : 0);
    expect(deq('q5_0', b0, 32)).toEqual(range(32).map((y) => q(y) - 16));
    const b1 = block(24, (b, v) => { v.setUint16(0, H.two, true); v.setUint16(2, H.half, true); fill(b, v, 4); });
    expect(deq('q5_1', b1, 32)).toEqual(range(32).map((y) => q(y) * 2 + 0.5));
  });

  it('Q8_0 and Q8_K: signed bytes times the scale', () => {
    const b = block(34, (b, v) => { v.setUint16(0, H.quarter, true); for (let j = 0; j < 32; j++) b[2 + j] = (j * 8 - 128) & 0xff; });
    expect(deq('q8_0', b, 32)).toEqual(range(32).map((j) => (j * 8 - 128) * 0.25));
    const k = block(292, (b, v) => { v.setFloat32(0, 0.375, true); for (let j = 0; j < 256; j++) b[4 + j] = (j * 5) & 0xff; v.setInt16(260, 999, true); });
    expect(deq('q8_k', k, 256)).toEqual(range(256).map((j) => ((((j * 5) & 0xff) << 24) >> 24) * 0.375));
  });

  it('Q2_K: 2-bit values, 4-bit scale and min per 16 values', () => {
    const sc = range(16).map((k) => ((k % 4) + 1) | ((k % 3) << 4));
    const b = block(84, (b, v) => { sc.forEach((s, k) => (b[k] = s)); b.fill(0xe4, 16, 80); v.setUint16(80, H.one, true); v.setUint16(82, H.half, true); });
    // byte 0xE4 holds 0,1,2,3 at shifts 0,2,4,6: value y takes the 2 bits of group ⌊(y mod 128)/32⌋
    expect(deq('q2_k', b, 256)).toEqual(range(256).map((y) => {
      const s = sc[y >> 4]!;
      return (s & 0xf) * ((y & 127) >> 5) - 0.5 * (s >> 4);
    }));
  });

  it('Q3_K: 6-bit scales split into low nibbles and high bit pairs; hmask bit set means no -4', () => {
    const s = range(16).map((j) => 4 * j + 1);
    const b = block(110, (b, v) => {
      for (let i = 0; i < 32; i++) b[i] = i % 3 === 0 ? 0xff : 0x0f;
      b.fill(0xe4, 32, 96);
      s.forEach((x, j) => {
        if (j < 8) b[96 + j] = b[96 + j]! | (x & 0xf); else b[96 + j - 8] = b[96 + j - 8]! | ((x & 0xf) << 4);
        b[104 + (j % 4)] = b[104 + (j % 4)]! | ((x >> 4) << (2 * Math.floor(j / 4)));
      });
      v.setUint16(108, H.half, true);
    });
    expect(deq('q3_k', b, 256)).toEqual(range(256).map((y) => {
      const bit = 4 * (y >> 7) + ((y & 127) >> 5);
      const high = bit < 4 || (y % 32) % 3 === 0;
      return 0.5 * (s[y >> 4]! - 32) * (((y & 127) >> 5) - (high ? 0 : 4));
    }));
  });

  const packScaleMin = (b: Uint8Array, o: number, ls: number[], lm: number[]) => ls.forEach((s, j) => {
    if (j < 4) { b[o + j] = s; b[o + j + 4] = lm[j]!; return; }
    b[o + j + 4] = (s & 0xf) | ((lm[j]! & 0xf) << 4);
    b[o + j - 4] = b[o + j - 4]! | ((s >> 4) << 6);
    b[o + j] = b[o + j]! | ((lm[j]! >> 4) << 6);
  });
  const ls = range(8).map((j) => 10 + 7 * j);
  const lm = range(8).map((j) => 63 - 5 * j);

  it('Q4_K: 6-bit scale and min per 32 values, packed into 12 bytes', () => {
    const b = block(144, (b, v) => { v.setUint16(0, H.one, true); v.setUint16(2, H.half, true); packScaleMin(b, 4, ls, lm); for (let i = 0; i < 128; i++) b[16 + i] = (i * 7) & 0xff; });
    expect(deq('q4_k', b, 256)).toEqual(range(256).map((y) => {
      const byte = ((y >> 6) * 32 + (y & 31)) * 7 & 0xff;
      const q = (y >> 5) & 1 ? byte >> 4 : byte & 0xf;
      return ls[y >> 5]! * q - 0.5 * lm[y >> 5]!;
    }));
  });

  it('Q5_K: as Q4_K plus a fifth bit, bit ⌊y/32⌋ of qh[y mod 32]', () => {
    const b = block(176, (b, v) => {
      v.setUint16(0, H.one, true); v.setUint16(2, H.half, true); packScaleMin(b, 4, ls, lm);
      for (let l = 0; l < 32; l++) b[16 + l] = (l * 37) & 0xff;
      for (let i = 0; i < 128; i++) b[48 + i] = (i * 7) & 0xff;
    });
    expect(deq('q5_k', b, 256)).toEqual(range(256).map((y) => {
      const byte = ((y >> 6) * 32 + (y & 31)) * 7 & 0xff;
      const lo = (y >> 5) & 1 ? byte >> 4 : byte & 0xf;
      const hi = (((y & 31) * 37) & 0xff) >> (y >> 5) & 1;
      return ls[y >> 5]! * (lo + 16 * hi) - 0.5 * lm[y >> 5]!;
    }));
  });

  it('Q6_K: 4 low bits in ql, 2 high bits in qh, int8 scale per 16 values', () => {
    const sc = range(16).map((j) => j * 9 - 70);
    const b = block(210, (b, v) => {
      for (let i = 0; i < 128; i++) b[i] = (i * 13 + 5) & 0xff;
      for (let i = 0; i < 64; i++) b[128 + i] = (i * 29 + 3) & 0xff;
      sc.forEach((s, j) => (b[192 + j] = s & 0xff));
      v.setUint16(208, H.quarter, true);
    });
    expect(deq('q6_k', b, 256)).toEqual(range(256).map((y) => {
      const h = y >> 7, k = (y & 127) >> 5, l = y & 31;
      const qlByte = (64 * h + l + 32 * (k & 1)) * 13 + 5 & 0xff;
      const low = k >> 1 ? qlByte >> 4 : qlByte & 0xf;
      const high = (((32 * h + l) * 29 + 3) & 0xff) >> (2 * k) & 3;
      return 0.25 * sc[y >> 4]! * ((low | (high << 4)) - 32);
    }));
  });

  it('IQ4_NL and IQ4_XS: 4-bit indices into the non-linear level table', () => {
    const nl = block(18, (b, v) => { v.setUint16(0, H.half, true); for (let j = 0; j < 16; j++) b[2 + j] = j | ((15 - j) << 4); });
    expect(deq('iq4_nl', nl, 32)).toEqual(range(32).map((y) => 0.5 * IQ4NL_LEVELS[y < 16 ? y : 31 - y]!));
    const lsx = range(8).map((ib) => 5 + 8 * ib);
    const xs = block(136, (b, v) => {
      v.setUint16(0, H.quarter, true);
      v.setUint16(2, lsx.reduce((acc, l, ib) => acc | ((l >> 4) << (2 * ib)), 0), true);
      lsx.forEach((l, ib) => (b[4 + (ib >> 1)] = b[4 + (ib >> 1)]! | ((l & 0xf) << (4 * (ib & 1)))));
      for (let i = 0; i < 128; i++) b[8 + i] = (i * 11) & 0xff;
    });
    expect(deq('iq4_xs', xs, 256)).toEqual(range(256).map((y) => {
      const byte = (16 * (y >> 5) + (y & 15)) * 11 & 0xff;
      const idx = y & 16 ? byte >> 4 : byte & 0xf;
      return 0.25 * (lsx[y >> 5]! - 32) * IQ4NL_LEVELS[idx]!;
    }));
  });
});

describe('dequantize(quantize(x)) round trips within error bounds', () => {
  /** Worst error allowed, as a fraction of the largest |x| in the tensor. */
  const BOUND: Record<string, number> = {
    q8_0: 0.005, q8_k: 0.005, q6_k: 0.025, q5_0: 0.04, q5_1: 0.03, q5_k: 0.03, q4_0: 0.08, q4_1: 0.06, q4_k: 0.06,
    iq4_nl: 0.07, iq4_xs: 0.07, q3_k: 0.15, q2_k: 0.25,
  };
  const rnd = mulberry32(6);
  const x = Float32Array.from({ length: 2048 }, (_, i) => (rnd() - 0.5) * 4 * (1 + (i % 256 === 3 ? 5 : 0)));
  const amax = Math.max(...x.map(Math.abs));

  it('covers every quantized type Kiln dequantizes', () => {
    const quantized = DEQUANT_TYPES.filter((t) => !['float32', 'float16', 'bfloat16'].includes(t));
    expect(Object.keys(QUANTIZERS).sort()).toEqual([...quantized].sort());
  });

  for (const t of Object.keys(QUANTIZERS) as DType[]) {
    it(`${t}: max error ≤ ${BOUND[t]} × max|x|`, () => {
      const y = dequantize(t, quantize(t, x), x.length);
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
      expect(worst / amax).toBeLessThanOrEqual(BOUND[t]!);
      expect(worst).toBeGreaterThan(0);
    });
  }
});

describe('dequantize refuses what it cannot do', () => {
  it('names a type without a dequantizer', () => {
    for (const t of ['q8_1', 'iq2_xxs', 'iq3_s', 'iq1_m', 'tq1_0', 'mxfp4', 'int8', 'float64'] as DType[]) {
      expect(() => dequantize(t, new Uint8Array(1024), 256, undefined, 'blk.0.w')).toThrow(new RegExp(`cannot dequantize blk.0.w: type '${t}' has no dequantizer`));
    }
  });

  it('checks block counts and byte lengths', () => {
    expect(() => dequantize('q4_0', new Uint8Array(18), 31)).toThrow(/not a whole number of q4_0 blocks/);
    expect(() => dequantize('q4_k', new Uint8Array(100), 256)).toThrow(/need 144 bytes, got 100/);
  });
});
