/** Sampling schemas: GridSample, AffineGrid. */
import { toIntList } from '../../elements.js';
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { attr, defineOp } from '../schema.js';
import { concrete } from '../shape-utils.js';
import { FLOAT_TYPES } from './geometry.js';

export interface GridSampleParams {
  readonly batch: number;
  readonly channels: number;
  /** Spatial dims of X. */
  readonly inDims: readonly number[];
  /** Spatial dims of the output (grid dims 1…r). */
  readonly outDims: readonly number[];
  readonly mode: 'linear' | 'nearest' | 'cubic';
  readonly padding: 'zeros' | 'border' | 'reflection';
  readonly alignCorners: boolean;
}

const MODES: Record<string, GridSampleParams['mode']> = { linear: 'linear', bilinear: 'linear', nearest: 'nearest', cubic: 'cubic', bicubic: 'cubic' };

const GridSample = defineOp({
  since: 16,
  attrs: {
    align_corners: attr.int(0),
    mode: attr.string((opset) => (opset < 20 ? 'bilinear' : 'linear')),
    padding_mode: attr.string('zeros'),
  },
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!FLOAT_TYPES.has(x.dtype)) ctx.fail(`does not take ${x.dtype} input`, 'E_TYPE_UNSUPPORTED');
    if (!FLOAT_TYPES.has(ctx.tensor(1).dtype)) ctx.fail(`grid must be float, got ${ctx.tensor(1).dtype}`, 'E_TYPE_UNSUPPORTED');
    const xs = ctx.shape(0);
    const gs = ctx.shape(1);
    const r = xs.length - 2;
    if (r < 1) ctx.fail(`X must have rank >= 3, got ${xs.length}`, 'E_SHAPE_MISMATCH');
    if (ctx.opset < 20 && r !== 2) ctx.fail(`opset ${ctx.opset} GridSample takes 4-D input only`, 'E_SHAPE_MISMATCH');
    if (gs.length !== xs.length || (typeof gs[r + 1] === 'number' && gs[r + 1] !== r)) {
      ctx.fail(`grid must be [N, ${'D, '.repeat(r)}${r}] for ${r} spatial axes, got [${gs.join(',')}]`, 'E_SHAPE_MISMATCH');
    }
    if (typeof gs[0] === 'number' && typeof xs[0] === 'number' && gs[0] !== xs[0]) ctx.fail(`grid batch ${gs[0]} differs from X batch ${xs[0]}`, 'E_SHAPE_MISMATCH');
    const mode = ctx.attrs.mode;
    // Opset 16 says bilinear/bicubic, opset 20 linear/cubic; both spellings are accepted everywhere.
    if (MODES[mode] === undefined) ctx.fail(`mode must be linear (bilinear), nearest or cubic (bicubic), got '${mode}'`);
    if (!['zeros', 'border', 'reflection'].includes(ctx.attrs.padding_mode)) ctx.fail(`padding_mode must be zeros, border or reflection, got '${ctx.attrs.padding_mode}'`);
    return [tensorType(x.dtype, [xs[0]!, xs[1]!, ...gs.slice(1, r + 1)])];
  },
  params: (ctx): GridSampleParams => {
    const xs = concrete(ctx.shape(0));
    const gs = concrete(ctx.shape(1));
    return {
      batch: xs[0]!, channels: xs[1]!, inDims: xs.slice(2), outDims: gs.slice(1, -1),
      mode: MODES[ctx.attrs.mode]!, padding: ctx.attrs.padding_mode as GridSampleParams['padding'], alignCorners: ctx.attrs.align_corners !== 0,
    };
  },
});

export interface AffineGridParams {
  readonly batch: number;
  /** Spatial sizes (H, W) or (D, H, W). */
  readonly dims: readonly number[];
  readonly alignCorners: boolean;
}

const AffineGrid = defineOp({
  since: 20,
  attrs: { align_corners: attr.int(0) },
  inputs: [2, 2],
  infer: (ctx) => {
    const t = ctx.tensor(0);
    if (!FLOAT_TYPES.has(t.dtype)) ctx.fail(`theta must be float, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.tensor(1).dtype !== 'int64') ctx.fail('size must be int64', 'E_TYPE_UNSUPPORTED');
    const ts = ctx.shape(0);
    if (ts.length !== 3) ctx.fail(`theta must be [N, 2, 3] or [N, 3, 4], got [${ts.join(',')}]`, 'E_SHAPE_MISMATCH');
    const v = ctx.value(1);
    if (!v) {
      const n = ctx.shape(1)[0];
      if (typeof n !== 'number') return [tensorType(t.dtype)];
      const r = n - 2;
      return [tensorType(t.dtype, [ts[0]!, ...Array.from({ length: r }, () => freshDim()), r])];
    }
    const size = toIntList(v);
    const r = size.length - 2;
    if (r !== 2 && r !== 3) ctx.fail(`size must have 4 or 5 values, got ${size.length}`, 'E_SHAPE_MISMATCH');
    const want: Dim[] = [size[0]!, r, r + 1];
    if (!ts.every((d, i) => typeof d !== 'number' || d === want[i])) ctx.fail(`theta must be [${want.join(',')}] for size [${size.join(',')}], got [${ts.join(',')}]`, 'E_SHAPE_MISMATCH');
    for (const d of size) if (!(Number.isInteger(d) && d >= 0)) ctx.fail(`size must be non-negative, got [${size.join(',')}]`, 'E_INPUT_INVALID');
    return [tensorType(t.dtype, [size[0]!, ...size.slice(2), r])];
  },
  params: (ctx): AffineGridParams => {
    const size = toIntList(ctx.value(1)!);
    return { batch: size[0]!, dims: size.slice(2), alignCorners: ctx.attrs.align_corners !== 0 };
  },
});

export const sampleSchemas = { GridSample, AffineGrid };
