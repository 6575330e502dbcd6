/** MaxPool (without Indices), AveragePool, GlobalAveragePool, GlobalMaxPool: float32, 1-D and 2-D. */
import type { GlobalPoolParams, PoolParams } from '../../engine/ops/conv.js';
import { geo2d, writeGeo } from './structs.js';
import { isTensorOf, type WasmOp } from './types.js';

const POOL_MAX = 0, POOL_AVG = 1, POOL_AVG_PAD = 2;

const poolOp = (mode: 'max' | 'avg'): WasmOp<PoolParams> => ({
  accepts: (inputs, p) => {
    const g = geo2d(p.batch, p.channels, p.channels, 1, p.geo);
    return isTensorOf(inputs[0], 'float32') && !p.withIndices && g !== undefined && (g.kH - 1) * g.dH + 1 <= 64;
  },
  run: (ctx, p) => {
    const g = geo2d(p.batch, p.channels, p.channels, 1, p.geo)!;
    const y = ctx.out(0, 'float32', [p.batch, p.channels, ...p.geo.outDims]);
    const n = p.batch * p.channels * g.outH * g.outW;
    if (n === 0) return;
    const x = ctx.in(0).ptr;
    const m = mode === 'max' ? POOL_MAX : p.countIncludePad ? POOL_AVG_PAD : POOL_AVG;
    const geo = writeGeo(ctx.rt, g);
    const scratch = ctx.scratch(ctx.rt.slices * ctx.rt.call('pool2d_scratch', geo) * 4);
    ctx.rt.par('pool2d', [geo, x, y, m, g.pB, g.pR, scratch], n * g.kH * g.kW);
  },
});

const globalOp = (mode: 'max' | 'avg'): WasmOp<GlobalPoolParams> => ({
  accepts: (inputs) => isTensorOf(inputs[0], 'float32'),
  run: (ctx, p) => {
    const x = ctx.in(0);
    const y = ctx.out(0, 'float32', [x.dims[0]!, x.dims[1]!, ...x.dims.slice(2).map(() => 1)]);
    if (p.outer === 0) return;
    ctx.rt.par('global_pool', [x.ptr, y, p.outer, p.inner, mode === 'max' ? POOL_MAX : POOL_AVG], p.outer * p.inner);
  },
});

export const poolWasmOps = {
  MaxPool: poolOp('max'),
  AveragePool: poolOp('avg'),
  GlobalAveragePool: globalOp('avg'),
  GlobalMaxPool: globalOp('max'),
};
