/**
 * A test-side quantizer for every GGUF type Kiln dequantizes: simple (not ggml's search for the best
 * scales), written from the block layouts, so `dequantize(quantize(x))` must come back close to x.
 * A layout mistake on either side (nibble order, bit positions, scale packing) shows up as a large error.
 */
import { numberToFloat16 } from '../../src/engine/ir/minifloat.js';
import type { DType } from '../../src/engine/ir/dtype.js';
import { f16Table, IQ4NL_LEVELS } from '../../src/formats/gguf/index.js';

const h16 = (x: number): number => numberToFloat16(x);
const f16 = (h: number): number => f16Table()[h]!;
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
const inv = (d: number) => (d ? 1 / d : 0);

function put16(b: Uint8Array, o: number, h: number) { b[o] = h & 0xff; b[o + 1] = h >> 8; }
/** Largest-magnitude value, with its sign. */
function signedMax(x: Float32Array, a: number, n: number): number {
  let m = 0;
  for (let i = a; i < a + n; i++) if (Math.abs(x[i]!) > Math.abs(m)) m = x[i]!;
  return m;
}
function range(x: Float32Array, a: number, n: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = a; i < a + n; i++) { lo = Math.min(lo, x[i]!); hi = Math.max(hi, x[i]!); }
  return [lo, hi];
}
/** Index of the IQ4_NL level nearest to v. */
function nearestLevel(v: number): number {
  let best = 0;
  for (let k = 1; k < 16; k++) if (Math.abs(IQ4NL_LEVELS[k]! - v) < Math.abs(IQ4NL_LEVELS[best]! - v)) best = k;
  return best;
}

type Q = (x: Float32Array, a: number, b: Uint8Array, o: number) => void;

const q4_0: Q = (x, a, b, o) => {
  const hd = h16(signedMax(x, a, 32) / -8), id = inv(f16(hd));
  put16(b, o, hd);
  for (let j = 0; j < 16; j++) b[o + 2 + j] = clamp(Math.round(x[a + j]! * id) + 8, 0, 15) | (clamp(Math.round(x[a + j + 16]! * id) + 8, 0, 15) << 4);
};
const q4_1: Q = (x, a, b, o) => {
  const [lo, hi] = range(x, a, 32);
  const hd = h16((hi - lo) / 15), hm = h16(lo), id = inv(f16(hd)), m = f16(hm);
  put16(b, o, hd); put16(b, o + 2, hm);
  for (let j = 0; j < 16; j++) b[o + 4 + j] = clamp(Math.round((x[a + j]! - m) * id), 0, 15) | (clamp(Math.round((x[a + j + 16]! - m) * id), 0, 15) << 4);
};
function q5(x: Float32Array, a: number, b: Uint8Array, o: number, levels: (v: number) => number) {
  let qh = 0;
  for (let j = 0; j < 16; j++) {
    const l0 = levels(x[a + j]!), l1 = levels(x[a + j + 16]!);
    b[o + j] = (l0 & 0xf) | ((l1 & 0xf) << 4);
    qh |= ((l0 >> 4) << j) | ((l1 >> 4) << (j + 16));
  }
  return qh >>> 0;
}
const putU32 = (b: Uint8Array, o: number, v: number) => { for (let k = 0; k < 4; k++) b[o + k] = (v >>> (8 * k)) & 0xff; };
const q5_0: Q = (x, a, b, o) => {
  const hd = h16(signedMax(x, a, 32) / -16), id = inv(f16(hd));
  put16(b, o, hd);
  putU32(b, o + 2, q5(x, a, b, o + 6, (v) => clamp(Math.round(v * id) + 16, 0, 31)));
};
const q5_1: Q = (x, a, b, o) => {
  const [lo, hi] = range(x, a, 32);
  const hd = h16((hi - lo) / 31), hm = h16(lo), id = inv(f16(hd)), m = f16(hm);
  put16(b, o, hd); put16(b, o + 2, hm);
  putU32(b, o + 4, q5(x, a, b, o + 8, (v) => clamp(Math.round((v - m) * id), 0, 31)));
};
const q8_0: Q = (x, a, b, o) => {
  const [lo, hi] = range(x, a, 32);
  const hd = h16(Math.max(-lo, hi) / 127), id = inv(f16(hd));
  put16(b, o, hd);
  for (let j = 0; j < 32; j++) b[o + 2 + j] = clamp(Math.round(x[a + j]! * id), -128, 127) & 0xff;
};
const iq4_nl: Q = (x, a, b, o) => {
  const hd = h16(signedMax(x, a, 32) / -127), id = inv(f16(hd));
  put16(b, o, hd);
  for (let j = 0; j < 16; j++) b[o + 2 + j] = nearestLevel(x[a + j]! * id) | (nearestLevel(x[a + j + 16]! * id) << 4);
};

/** Sub-block scale (and min) pairs for the "affine" K-quants: scale = (max - min)/nmax, min ≤ 0. */
function affineSubs(x: Float32Array, a: number, sub: number, nsub: number, nmax: number) {
  const sc: number[] = [], mn: number[] = [];
  for (let s = 0; s < nsub; s++) {
    const [lo, hi] = range(x, a + s * sub, sub);
    const m = Math.min(0, lo);
    sc.push((hi - m) / nmax);
    mn.push(-m);
  }
  return { sc, mn };
}

const q2_k: Q = (x, a, b, o) => {
  const { sc, mn } = affineSubs(x, a, 16, 16, 3);
  const hd = h16(Math.max(...sc) / 15), hm = h16(Math.max(...mn) / 15), d = f16(hd), dmin = f16(hm);
  put16(b, o + 80, hd); put16(b, o + 82, hm);
  for (let s = 0; s < 16; s++) {
    const ls = clamp(Math.ceil(sc[s]! * inv(d)), 0, 15), lm = clamp(Math.ceil(mn[s]! * inv(dmin)), 0, 15);
    b[o + s] = ls | (lm << 4);
    for (let l = 0; l < 16; l++) {
      const y = s * 16 + l;
      const q = clamp(Math.round((x[a + y]! + dmin * lm) * inv(d * ls)), 0, 3);
      const byte = o + 16 + (y >> 7) * 32 + (y & 31);
      b[byte] = b[byte]! | (q << (2 * ((y & 127) >> 5)));
    }
  }
};
const q3_k: Q = (x, a, b, o) => {
  const s: number[] = [];
  for (let j = 0; j < 16; j++) s.push(signedMax(x, a + 16 * j, 16) / -4);
  let big = 0;
  for (const v of s) if (Math.abs(v) > Math.abs(big)) big = v;
  const hd = h16(big / -32), d = f16(hd);
  put16(b, o + 108, hd);
  for (let j = 0; j < 16; j++) {
    const ls = clamp(Math.round(s[j]! * inv(d)), -32, 31) + 32;
    if (j < 8) b[o + 96 + j] = b[o + 96 + j]! | (ls & 0xf); else b[o + 96 + j - 8] = b[o + 96 + j - 8]! | ((ls & 0xf) << 4);
    b[o + 104 + (j & 3)] = b[o + 104 + (j & 3)]! | ((ls >> 4) << (2 * (j >> 2)));
    for (let l = 0; l < 16; l++) {
      const y = 16 * j + l;
      const q = clamp(Math.round(x[a + y]! * inv(d * (ls - 32))), -4, 3) + 4;
      const byte = o + 32 + (y >> 7) * 32 + (y & 31);
      b[byte] = b[byte]! | ((q & 3) << (2 * ((y & 127) >> 5)));
      if (q > 3) b[o + (y & 31)] = b[o + (y & 31)]! | (1 << (4 * (y >> 7) + ((y & 127) >> 5)));
    }
  }
};
function packScaleMin(b: Uint8Array, o: number, j: number, ls: number, lm: number) {
  if (j < 4) { b[o + j] = ls; b[o + j + 4] = lm; return; }
  b[o + j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
  b[o + j - 4] = b[o + j - 4]! | ((ls >> 4) << 6);
  b[o + j] = b[o + j]! | ((lm >> 4) << 6);
}
function qk45(x: Float32Array, a: number, b: Uint8Array, o: number, nmax: number, put: (y: number, q: number) => void) {
  const { sc, mn } = affineSubs(x, a, 32, 8, nmax);
  const hd = h16(Math.max(...sc) / 63), hm = h16(Math.max(...mn) / 63), d = f16(hd), dmin = f16(hm);
  put16(b, o, hd); put16(b, o + 2, hm);
  for (let j = 0; j < 8; j++) {
    const ls = clamp(Math.ceil(sc[j]! * inv(d)), 0, 63), lm = clamp(Math.ceil(mn[j]! * inv(dmin)), 0, 63);
    packScaleMin(b, o + 4, j, ls, lm);
    for (let l = 0; l < 32; l++) put(32 * j + l, clamp(Math.round((x[a + 32 * j + l]! + dmin * lm) * inv(d * ls)), 0, nmax));
  }
}
const q4_k: Q = (x, a, b, o) => qk45(x, a, b, o, 15, (y, q) => {
  const byte = o + 16 + (y >> 6) * 32 + (y & 31);
  b[byte] = b[byte]! | (q << (4 * ((y >> 5) & 1)));
});
const q5_k: Q = (x, a, b, o) => qk45(x, a, b, o, 31, (y, q) => {
  const byte = o + 48 + (y >> 6) * 32 + (y & 31);
  b[byte] = b[byte]! | ((q & 0xf) << (4 * ((y >> 5) & 1)));
  if (q > 15) b[o + 16 + (y & 31)] = b[o + 16 + (y & 31)]! | (1 << (y >> 5));
});
const q6_k: Q = (x, a, b, o) => {
  const s: number[] = [];
  for (let j = 0; j < 16; j++) s.push(signedMax(x, a + 16 * j, 16) / -32);
  let big = 0;
  for (const v of s) if (Math.abs(v) > Math.abs(big)) big = v;
  const hd = h16(big / -128), d = f16(hd);
  put16(b, o + 208, hd);
  for (let j = 0; j < 16; j++) {
    const sc = clamp(Math.round(s[j]! * inv(d)), -128, 127);
    b[o + 192 + j] = sc & 0xff;
    for (let l = 0; l < 16; l++) {
      const y = 16 * j + l;
      const q = clamp(Math.round(x[a + y]! * inv(d * sc)), -32, 31) + 32;
      const h = y >> 7, k = (y & 127) >> 5, ll = y & 31;
      const qlByte = o + 64 * h + ll + (k & 1) * 32;
      b[qlByte] = b[qlByte]! | ((q & 0xf) << (k >> 1 ? 4 : 0));
      b[o + 128 + 32 * h + ll] = b[o + 128 + 32 * h + ll]! | ((q >> 4) << (2 * k));
    }
  }
};
const q8_k: Q = (x, a, b, o) => {
  const [lo, hi] = range(x, a, 256);
  const d = Math.fround(Math.max(-lo, hi) / 127);
  new DataView(b.buffer, b.byteOffset).setFloat32(o, d, true);
  for (let j = 0; j < 256; j++) b[o + 4 + j] = clamp(Math.round(x[a + j]! * inv(d)), -128, 127) & 0xff;
};
const iq4_xs: Q = (x, a, b, o) => {
  const s: number[] = [];
  for (let ib = 0; ib < 8; ib++) s.push(signedMax(x, a + 32 * ib, 32) / -127);
  let big = 0;
  for (const v of s) if (Math.abs(v) > Math.abs(big)) big = v;
  const hd = h16(big / -32), d = f16(hd);
  put16(b, o, hd);
  let scalesH = 0;
  for (let ib = 0; ib < 8; ib++) {
    const ls = clamp(Math.round(s[ib]! * inv(d)), -32, 31) + 32;
    b[o + 4 + (ib >> 1)] = b[o + 4 + (ib >> 1)]! | ((ls & 0xf) << (4 * (ib & 1)));
    scalesH |= (ls >> 4) << (2 * ib);
    const id = inv(d * (ls - 32));
    for (let j = 0; j < 16; j++) b[o + 8 + 16 * ib + j] = nearestLevel(x[a + 32 * ib + j]! * id) | (nearestLevel(x[a + 32 * ib + j + 16]! * id) << 4);
  }
  put16(b, o + 2, scalesH);
};

export const QUANTIZERS: Partial<Record<DType, { block: number; bytes: number; fn: Q }>> = {
  q4_0: { block: 32, bytes: 18, fn: q4_0 }, q4_1: { block: 32, bytes: 20, fn: q4_1 }, q5_0: { block: 32, bytes: 22, fn: q5_0 },
  q5_1: { block: 32, bytes: 24, fn: q5_1 }, q8_0: { block: 32, bytes: 34, fn: q8_0 }, iq4_nl: { block: 32, bytes: 18, fn: iq4_nl },
  q2_k: { block: 256, bytes: 84, fn: q2_k }, q3_k: { block: 256, bytes: 110, fn: q3_k }, q4_k: { block: 256, bytes: 144, fn: q4_k },
  q5_k: { block: 256, bytes: 176, fn: q5_k }, q6_k: { block: 256, bytes: 210, fn: q6_k }, q8_k: { block: 256, bytes: 292, fn: q8_k },
  iq4_xs: { block: 256, bytes: 136, fn: iq4_xs },
};

export function quantize(type: DType, x: Float32Array): Uint8Array {
  const q = QUANTIZERS[type]!;
  const nb = x.length / q.block;
  const out = new Uint8Array(nb * q.bytes);
  for (let i = 0; i < nb; i++) q.fn(x, i * q.block, out, i * q.bytes);
  return out;
}
