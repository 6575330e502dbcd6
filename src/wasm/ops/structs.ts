/**
 * The small structs C kernels read (layouts mirror src/wasm/kernels/*.h): window geometry, the GEMM
 * epilogue, broadcast strides and N-d copies. Each is written into the kernel's scratch memory.
 */
import { KilnError } from '../../engine/errors.js';
import type { Geometry } from '../../engine/ops/conv.js';
import type { Runtime } from '../runtime.js';
import type { Activation } from './activation.js';
import { ACT_CODES } from './activation.js';

/** ConvGeo: 16 int32 (conv.h). */
export interface Geo2d {
  batch: number; inC: number; inH: number; inW: number;
  outC: number; outH: number; outW: number; group: number;
  kH: number; kW: number; sH: number; sW: number;
  dH: number; dW: number; pT: number; pL: number;
  /** Pads at the end (not in the struct; pool kernels take them as arguments). */
  pB: number; pR: number;
}

/** 1-D and 2-D window geometry as 2-D (1-D: H = 1); undefined for 3-D and beyond. */
export function geo2d(batch: number, inC: number, outC: number, group: number, g: Geometry): Geo2d | undefined {
  const n = g.kernel.length;
  if (n < 1 || n > 2) return undefined;
  const two = <T>(v: readonly T[], one: T): [T, T] => (n === 2 ? [v[0]!, v[1]!] : [one, v[0]!]);
  const [inH, inW] = two(g.inDims, 1);
  const [outH, outW] = two(g.outDims, 1);
  const [kH, kW] = two(g.kernel, 1);
  const [sH, sW] = two(g.strides, 1);
  const [dH, dW] = two(g.dilations, 1);
  const [pT, pL] = two(g.padsBegin, 0);
  const [pB, pR] = two(g.padsEnd, 0);
  return { batch, inC, inH, inW, outC, outH, outW, group, kH, kW, sH, sW, dH, dW, pT, pL, pB, pR };
}

export function writeGeo(rt: Runtime, g: Geo2d): number {
  const p = rt.scratch(64);
  rt.i32.set([g.batch, g.inC, g.inH, g.inW, g.outC, g.outH, g.outW, g.group, g.kH, g.kW, g.sH, g.sW, g.dH, g.dW, g.pT, g.pL], p / 4);
  return p;
}

export const BIAS_NONE = 0;
export const BIAS_ROW = 1;
export const BIAS_COL = 2;

/** Epi: bias, bias_mode, z, ldz, act, alpha, beta, scale (gemm.h). */
export function writeEpi(rt: Runtime, bias: number, biasMode: number, z: number, ldz: number, act: Activation | undefined, scale = 1): number {
  const p = rt.scratch(32);
  const i32 = rt.i32;
  const f32 = rt.f32;
  const w = p / 4;
  i32[w] = bias; i32[w + 1] = bias ? biasMode : BIAS_NONE; i32[w + 2] = z; i32[w + 3] = ldz;
  i32[w + 4] = act ? ACT_CODES[act.kind] : 0;
  f32[w + 5] = act?.alpha ?? 0; f32[w + 6] = act?.beta ?? 0; f32[w + 7] = scale;
  return p;
}

/**
 * Collapses a broadcast of inputs to `out` into at most `rank` dims (outermost first): adjacent dims merge
 * when every input is contiguous (or broadcast) across both. Returns dims and per-input element strides.
 */
export function collapseBroadcast(out: readonly number[], ins: readonly (readonly number[])[], rank: number): { dims: number[]; strides: number[][] } | undefined {
  const r = out.length;
  const padded = ins.map((d) => [...new Array<number>(r - d.length).fill(1), ...d]);
  const dims: number[] = [];
  const strides: number[][] = ins.map(() => []);
  const own = padded.map((d) => {
    const s = new Array<number>(r).fill(0);
    let acc = 1;
    for (let i = r - 1; i >= 0; i--) { s[i] = d[i] === 1 && out[i] !== 1 ? 0 : acc; acc *= d[i]!; }
    return s;
  });
  for (let i = 0; i < r; i++) {
    if (out[i] === 1) continue;
    const last = dims.length - 1;
    // Merge with the previous dim when every input's stride there equals its stride here times this size.
    if (last >= 0 && own.every((s, k) => strides[k]![last] === s[i]! * out[i]!)) {
      dims[last] = dims[last]! * out[i]!;
      own.forEach((s, k) => { strides[k]![last] = s[i]!; });
    } else {
      dims.push(out[i]!);
      own.forEach((s, k) => strides[k]!.push(s[i]!));
    }
  }
  if (dims.length === 0) { dims.push(1); strides.forEach((s) => s.push(1)); }
  if (dims.length > rank) return undefined;
  while (dims.length < rank) { dims.unshift(1); strides.forEach((s) => s.unshift(0)); }
  return { dims, strides };
}

/** CopyNd (copy.c): ndim, elem, dims[6], src strides[6], dst strides[6]. */
export function writeCopy(rt: Runtime, elem: number, dims: readonly number[], ss: readonly number[], ds: readonly number[]): number {
  if (dims.length > 6) throw new KilnError('E_INTERNAL', 'copy_nd takes at most 6 dims');
  const p = rt.scratch(80);
  const i32 = rt.i32;
  const w = p / 4;
  i32.fill(0, w, w + 20);
  i32[w] = dims.length; i32[w + 1] = elem;
  dims.forEach((d, i) => { i32[w + 2 + i] = d; i32[w + 8 + i] = ss[i]!; i32[w + 14 + i] = ds[i]!; });
  return p;
}
