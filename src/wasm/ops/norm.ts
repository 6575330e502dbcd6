/** Softmax, LogSoftmax, LayerNormalization (and kiln.LayerNorm), RMSNormalization: float32. */
import type { LayerNormParams } from '../../engine/ops/norm/normalize.js';
import type { SoftmaxParams } from '../../engine/ops/norm/softmax.js';
import type { Tensor } from '../../engine/tensor.js';
import { isTensorOf, type WasmOp } from './types.js';

const softmaxOp = (log: boolean): WasmOp<SoftmaxParams> => ({
  accepts: (inputs) => isTensorOf(inputs[0], 'float32'),
  run: (ctx, p) => {
    const x = ctx.inputs[0] as Tensor;
    const y = ctx.out(0, 'float32', x.dims);
    if (x.size === 0) return;
    ctx.rt.par('softmax_f32', [ctx.in(0).ptr, y, p.outer, p.n, p.inner, log ? 1 : 0], x.size * 4);
  },
});

/** Scale and bias must hold one value per normalised element (the usual [C] of the last axes). */
const rowNormOp = (rms: boolean): WasmOp<LayerNormParams> => ({
  accepts: (inputs, p) => isTensorOf(inputs[0], 'float32') && isTensorOf(inputs[1], 'float32') && inputs[1].size === p.inner
    && (inputs[2] === undefined || (isTensorOf(inputs[2], 'float32') && inputs[2].size === p.inner)) && p.statsType === 'float32',
  run: (ctx, p) => {
    const rt = ctx.rt;
    const nOut = ctx.numOutputs;
    const y = ctx.out(0, 'float32', p.xDims);
    const mean = nOut > 1 ? ctx.out(1, 'float32', p.statsDims) : 0;
    const rstd = nOut > 2 ? ctx.out(2, 'float32', p.statsDims) : 0;
    if (p.outer * p.inner === 0) return;
    const x = ctx.in(0).ptr;
    const scale = ctx.in(1).ptr;
    const bias = ctx.inputs[2] !== undefined ? ctx.in(2).ptr : 0;
    rt.par('layernorm_f32', [x, scale, bias, y, p.outer, p.inner, p.epsilon, rms ? 1 : 0, mean, rstd], p.outer * p.inner * 4);
  },
});

export const normWasmOps = {
  Softmax: softmaxOp(false),
  LogSoftmax: softmaxOp(true),
  LayerNormalization: rowNormOp(false),
  'kiln.LayerNorm': rowNormOp(false),
  RMSNormalization: rowNormOp(true),
};
