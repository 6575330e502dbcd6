/** Reference kernels: TFLite resampling, block rearrangement and batched matmul. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { allocElements, elementsOf, fromNumbers, tensorFromElements, toNumbers } from '../../engine/elements.js';
import { stridesOf } from '../../engine/ops/shape-utils.js';
import { tfliteImageOps as ops, type BlockParams, type MatMulParams, type ResizeParams, type SpaceBatchParams } from '../../engine/ops/tflite/image.js';
import type { Tensor } from '../../engine/tensor.js';
import { broadcast2 } from './binary.js';
import { clamp, mbqm, mbqm64 } from './fixedpoint.js';
import { roundHalfAway } from './util.js';

type Slots = unknown[];
const f = Math.fround;

/** TFLite ComputeInterpolationValues (float32). */
function interp(v: number, scale: number, half: boolean, size: number): [number, number, number] {
  const s = half ? f(f(f(v + 0.5) * scale) - 0.5) : f(v * scale);
  return [s, Math.max(Math.floor(s), 0), Math.min(Math.ceil(s), size - 1)];
}

/** TFLite ComputeInterpolationValuesInteger (10 fractional bits). */
function interpInt(v: number, scale10: number, half: boolean, size: number): [number, number, number] {
  const s = half ? v * scale10 + Math.trunc(scale10 / 2) - 512 : v * scale10;
  return [s, Math.max(Math.trunc(s / 1024), 0), Math.min(Math.trunc((s + 1023) / 1024), size - 1)];
}

function bilinear(x: Tensor, p: ResizeParams): Tensor {
  const v = toNumbers(x);
  const { n, ih, iw, c, oh, ow } = p;
  const out = new Float64Array(n * oh * ow * c);
  const at = (b: number, y: number, xx: number, ch: number) => v[((b * ih + y) * iw + xx) * c + ch]!;
  let o = 0;
  if (p.integer) {
    const sc = (i: number, o2: number) => (p.alignCorners && o2 > 1 ? Math.trunc((1024 * (i - 1) + Math.trunc((o2 - 1) / 2)) / (o2 - 1)) : Math.trunc((1024 * i + Math.trunc(o2 / 2)) / o2));
    const hs = sc(ih, oh), ws = sc(iw, ow);
    for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) {
      const [iy, y0, y1] = interpInt(y, hs, p.halfPixel, ih);
      for (let xx = 0; xx < ow; xx++) {
        const [ix, x0, x1] = interpInt(xx, ws, p.halfPixel, iw);
        const dy = iy - 1024 * y0, dx = ix - 1024 * x0;
        for (let ch = 0; ch < c; ch++) {
          const s = at(b, y0, x0, ch) * (1024 - dy) * (1024 - dx) + at(b, y1, x0, ch) * dy * (1024 - dx)
            + at(b, y0, x1, ch) * (1024 - dy) * dx + at(b, y1, x1, ch) * dy * dx;
          out[o++] = Math.trunc((s + (s > 0 ? 524288 : -524288)) / 1048576);
        }
      }
    }
    return fromNumbers(x.type, out, [n, oh, ow, c]);
  }
  const sc = (i: number, o2: number) => (p.alignCorners && o2 > 1 ? f((i - 1) / (o2 - 1)) : f(i / o2));
  const hs = sc(ih, oh), ws = sc(iw, ow);
  for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) {
    const [iy, y0, y1] = interp(y, hs, p.halfPixel, ih);
    for (let xx = 0; xx < ow; xx++) {
      const [ix, x0, x1] = interp(xx, ws, p.halfPixel, iw);
      const dy = f(iy - y0), dx = f(ix - x0);
      for (let ch = 0; ch < c; ch++) {
        out[o++] = at(b, y0, x0, ch) * (1 - dy) * (1 - dx) + at(b, y1, x0, ch) * dy * (1 - dx) + at(b, y0, x1, ch) * (1 - dy) * dx + at(b, y1, x1, ch) * dy * dx;
      }
    }
  }
  return fromNumbers(x.type, out, [n, oh, ow, c]);
}

/** TFLite GetNearestNeighbor (float32). */
function nearestIndex(v: number, inSize: number, outSize: number, align: boolean, half: boolean): number {
  const scale = align && outSize > 1 ? f((inSize - 1) / (outSize - 1)) : f(inSize / outSize);
  const off = half ? 0.5 : 0;
  let r = Math.min(align ? roundHalfAway(f(f(v + off) * scale)) : Math.floor(f(f(v + off) * scale)), inSize - 1);
  if (half) r = Math.max(0, r);
  return r;
}

function nearest(x: Tensor, p: ResizeParams): Tensor {
  const src = elementsOf(x) as unknown as Slots;
  const { n, ih, iw, c, oh, ow } = p;
  const out = allocElements(x.type, n * oh * ow * c);
  const o = out as unknown as Slots;
  let k = 0;
  for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) {
    const iy = nearestIndex(y, ih, oh, p.alignCorners, p.halfPixel);
    for (let xx = 0; xx < ow; xx++) {
      const ix = nearestIndex(xx, iw, ow, p.alignCorners, p.halfPixel);
      for (let ch = 0; ch < c; ch++) o[k++] = src[((b * ih + iy) * iw + ix) * c + ch];
    }
  }
  return tensorFromElements(x.type, out, [n, oh, ow, c]);
}

function blocks(x: Tensor, p: BlockParams, toDepth: boolean): Tensor {
  const src = elementsOf(x) as unknown as Slots;
  const out = allocElements(x.type, x.size);
  const o = out as unknown as Slots;
  const { n, h, w, c, bs } = p;
  // Walk the space-side layout [n, H, W, C'] (H, W, C' the larger spatial / smaller depth shape).
  const [H, W, C] = toDepth ? [h, w, c] : [h * bs, w * bs, c / (bs * bs)];
  const D = C * bs * bs;
  for (let b = 0; b < n; b++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) for (let ch = 0; ch < C; ch++) {
    const space = ((b * H + y) * W + xx) * C + ch;
    const depth = ((b * (H / bs) + Math.floor(y / bs)) * (W / bs) + Math.floor(xx / bs)) * D + ((y % bs) * bs + (xx % bs)) * C + ch;
    if (toDepth) o[depth] = src[space];
    else o[space] = src[depth];
  }
  return tensorFromElements(x.type, out, p.outDims);
}

/** SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND: out batch = block offset × input batch, spatial strided by block. */
function spaceBatch(x: Tensor, p: SpaceBatchParams, toBatch: boolean): Tensor {
  const src = elementsOf(x) as unknown as Slots;
  const total = p.outDims.reduce((a, b) => a * b, 1);
  const out = allocElements(x.type, total);
  const o = out as unknown as Slots;
  const fill = (elementsOf(fromNumbers(x.type, [p.padValue], [1])) as unknown as Slots)[0];
  const M = p.block.length;
  const [space, batch] = toBatch ? [p.inDims, p.outDims] : [p.outDims, p.inDims];
  const spaceStrides = stridesOf(space);
  const batchStrides = stridesOf(batch);
  const idx = new Array<number>(batch.length).fill(0);
  for (let k = 0; k < batch.reduce((a, b) => a * b, 1); k++) {
    const bOut = idx[0]! % space[0]!;
    let off = Math.floor(idx[0]! / space[0]!);
    let sp = bOut * spaceStrides[0]!;
    let inside = true;
    for (let d = M - 1; d >= 0; d--) {
      const bo = off % p.block[d]!;
      off = Math.floor(off / p.block[d]!);
      const pos = idx[d + 1]! * p.block[d]! + bo - p.pads[2 * d]!;
      if (pos < 0 || pos >= space[d + 1]!) inside = false;
      sp += pos * spaceStrides[d + 1]!;
    }
    for (let d = M + 1; d < batch.length; d++) sp += idx[d]! * spaceStrides[d]!;
    const bi = idx.reduce((a, v, d) => a + v * batchStrides[d]!, 0);
    if (toBatch) o[bi] = inside ? src[sp] : fill;
    else if (inside) o[sp] = src[bi];
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d]! < batch[d]!) break;
      idx[d] = 0;
    }
  }
  return tensorFromElements(x.type, out, p.outDims);
}

function matmul(a: Tensor, b: Tensor, p: MatMulParams): Tensor {
  const av = toNumbers(a);
  let bv = toNumbers(b);
  if (p.mode === 'hybrid') bv = bv.map((q) => p.rhsScale * (q - p.rhsZp));
  const { m, k, n } = p;
  const batches = p.batchDims.reduce((x, y) => x * y, 1);
  const out = new Float64Array(batches * m * n);
  const pairs: [number, number][] = [];
  broadcast2(p.batchDims, p.aBatch, p.bBatch, (_o, ia, ib) => pairs.push([ia, ib]));
  if (pairs.length === 0) pairs.push([0, 0]);
  pairs.forEach(([ia, ib], bi) => {
    const ao = ia * m * k, bo = ib * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let t = 0; t < k; t++) {
        const x = av[ao + (p.adjX ? t * m + i : i * k + t)]!;
        const y = bv[bo + (p.adjY ? j * k + t : t * n + j)]!;
        acc += (x + p.off1) * (y + p.off2);
      }
      if (p.mode === 'int') {
        const s = p.wide ? mbqm64(acc, p.mult, p.shift) : mbqm(acc | 0, p.mult, p.shift);
        acc = clamp(s + p.outOff, p.qmin, p.qmax);
      }
      out[bi * m * n + i * n + j] = acc;
    }
  });
  return fromNumbers(a.type, out, p.outDims);
}

export const tfliteImageKernels: KernelMap = {
  'tflite.RESIZE_BILINEAR': kernel(ops['tflite.RESIZE_BILINEAR'], (inputs, p) => [bilinear(inputs[0] as Tensor, p)]),
  'tflite.RESIZE_NEAREST_NEIGHBOR': kernel(ops['tflite.RESIZE_NEAREST_NEIGHBOR'], (inputs, p) => [nearest(inputs[0] as Tensor, p)]),
  'tflite.SPACE_TO_DEPTH': kernel(ops['tflite.SPACE_TO_DEPTH'], (inputs, p) => [blocks(inputs[0] as Tensor, p, true)]),
  'tflite.DEPTH_TO_SPACE': kernel(ops['tflite.DEPTH_TO_SPACE'], (inputs, p) => [blocks(inputs[0] as Tensor, p, false)]),
  'tflite.SPACE_TO_BATCH_ND': kernel(ops['tflite.SPACE_TO_BATCH_ND'], (inputs, p) => [spaceBatch(inputs[0] as Tensor, p, true)]),
  'tflite.BATCH_TO_SPACE_ND': kernel(ops['tflite.BATCH_TO_SPACE_ND'], (inputs, p) => [spaceBatch(inputs[0] as Tensor, p, false)]),
  'tflite.BATCH_MATMUL': kernel(ops['tflite.BATCH_MATMUL'], (inputs, p) => [matmul(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
};
