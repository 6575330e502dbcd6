/**
 * Sliding-window geometry shared by Conv, ConvTranspose, the pools and Col2Im: attribute checks,
 * auto_pad resolution and output sizes, over symbolic dims where the input size is not known.
 */
import { freshDim, type Dim } from '../../ir/types.js';
import { ShapeUnknown } from '../context.js';
import type { OpContext } from '../schema.js';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/** Attributes every windowed op shares (kernel_shape is required for pools, optional for Conv). */
export interface WindowAttrs {
  readonly auto_pad: string;
  readonly kernel_shape: readonly number[] | undefined;
  readonly strides: readonly number[] | undefined;
  readonly dilations?: readonly number[] | undefined;
  readonly pads: readonly number[] | undefined;
}

/** The resolved window of one node, per spatial axis. */
export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Explicit pads, [x1_begin, x2_begin, …, x1_end, x2_end, …]; all zero under auto_pad. */
  readonly pads: readonly number[];
  readonly autoPad: AutoPad;
}

/** Spatial geometry of one run: output sizes and the pads actually applied (auto_pad resolved). */
export interface Geometry {
  readonly inDims: readonly number[];
  readonly outDims: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly padsEnd: readonly number[];
}

export function autoPadOf(ctx: Pick<OpContext<unknown>, 'fail'>, s: string): AutoPad {
  if (s === 'NOTSET' || s === 'SAME_UPPER' || s === 'SAME_LOWER' || s === 'VALID') return s;
  if (s === '') return 'NOTSET';
  return ctx.fail(`auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '${s}'`);
}

/** Checks the window attributes against the number of spatial axes and fills defaults. */
export function resolveWindow(ctx: Pick<OpContext<unknown>, 'fail'>, a: WindowAttrs, n: number, kernel?: readonly Dim[]): Window {
  const k = a.kernel_shape ?? kernel;
  if (!k) return ctx.fail('kernel_shape is required');
  if (k.length !== n) ctx.fail(`kernel_shape has ${k.length} values, the input has ${n} spatial axes`, 'E_SHAPE_MISMATCH');
  const ks = k.map((d) => {
    if (typeof d !== 'number') throw new ShapeUnknown('the kernel size is not known yet');
    if (!(Number.isInteger(d) && d >= 1)) ctx.fail(`kernel sizes must be positive, got [${k.join(',')}]`);
    return d;
  });
  const list = (name: string, v: readonly number[] | undefined, len: number, def: number, min: number): number[] => {
    if (v === undefined || v.length === 0) return new Array<number>(len).fill(def);
    if (v.length !== len) ctx.fail(`${name} has ${v.length} values, expected ${len}`, 'E_SHAPE_MISMATCH');
    for (const x of v) if (!(Number.isInteger(x) && x >= min)) ctx.fail(`${name} must be integers >= ${min}, got [${v.join(',')}]`);
    return [...v];
  };
  const autoPad = autoPadOf(ctx, a.auto_pad);
  const pads = list('pads', a.pads, 2 * n, 0, 0);
  return {
    kernel: ks,
    strides: list('strides', a.strides, n, 1, 1),
    dilations: list('dilations', a.dilations, n, 1, 1),
    pads: autoPad === 'NOTSET' ? pads : new Array<number>(2 * n).fill(0),
    autoPad,
  };
}

/** Output size of one axis (ceil_mode as the pools define it), or undefined when the input size is symbolic. */
function axisOut(ctx: Pick<OpContext<unknown>, 'fail'>, inSize: number, w: Window, i: number, n: number, ceil: boolean): { out: number; pb: number; pe: number } {
  const s = w.strides[i]!;
  const ek = (w.kernel[i]! - 1) * w.dilations[i]! + 1;
  let out: number;
  let pb = w.pads[i]!;
  let pe = w.pads[i + n]!;
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') {
    out = Math.ceil(inSize / s);
    const total = Math.max(0, (out - 1) * s + ek - inSize);
    const small = Math.floor(total / 2);
    pb = w.autoPad === 'SAME_UPPER' ? small : total - small;
    pe = total - pb;
  } else if (w.autoPad === 'VALID') {
    out = Math.floor((inSize - ek) / s) + 1;
  } else if (ceil) {
    out = Math.ceil((inSize + pb + pe - ek) / s) + 1;
    // The last window must start inside the input or its begin padding.
    if ((out - 1) * s >= inSize + pb) out--;
  } else {
    out = Math.floor((inSize + pb + pe - ek) / s) + 1;
  }
  if (out < 0 || (out === 0 && inSize > 0)) {
    ctx.fail(`the window (kernel ${w.kernel[i]}, dilation ${w.dilations[i]}) does not fit spatial axis ${i} of size ${inSize} with pads ${pb}+${pe}`, 'E_SHAPE_MISMATCH');
  }
  return { out: Math.max(out, 0), pb, pe };
}

/** Output spatial dims over possibly symbolic input dims. */
export function windowOutDims(ctx: Pick<OpContext<unknown>, 'fail'>, inDims: readonly Dim[], w: Window, ceil = false): Dim[] {
  const n = inDims.length;
  return inDims.map((d, i) => (typeof d === 'number' ? axisOut(ctx, d, w, i, n, ceil).out : freshDim()));
}

/** Full geometry for concrete input dims (run time). */
export function windowGeometry(ctx: Pick<OpContext<unknown>, 'fail'>, inDims: readonly number[], w: Window, ceil = false): Geometry {
  const n = inDims.length;
  const outDims: number[] = [];
  const padsBegin: number[] = [];
  const padsEnd: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = axisOut(ctx, inDims[i]!, w, i, n, ceil);
    outDims.push(r.out);
    padsBegin.push(r.pb);
    padsEnd.push(r.pe);
  }
  return { inDims, outDims, kernel: w.kernel, strides: w.strides, dilations: w.dilations, padsBegin, padsEnd };
}

/** Element types of the float ops in this family. */
export const FLOAT_TYPES = new Set(['float32', 'float64', 'float16', 'bfloat16']);
