/** Reduce{Sum,Mean,Max,Min,Prod,SumSquare,L1,L2} over contiguous axes, float32. */
import type { ReduceKind, ReduceParams } from '../../engine/ops/reduce.js';
import { isTensorOf, type WasmOp } from './types.js';

const KINDS: Partial<Record<ReduceKind, number>> = { Sum: 0, Mean: 1, Max: 2, Min: 3, Prod: 4, SumSquare: 5, L1: 6, L2: 7 };

/** [outer, r, inner] when the axes are one contiguous run. */
function split(p: ReduceParams): [number, number, number] | undefined {
  const ax = p.axes;
  if (ax.length === 0) return undefined;
  for (let i = 1; i < ax.length; i++) if (ax[i] !== ax[i - 1]! + 1) return undefined;
  const prod = (a: number, b: number) => p.inDims.slice(a, b).reduce((x, y) => x * y, 1);
  return [prod(0, ax[0]!), prod(ax[0]!, ax[ax.length - 1]! + 1), prod(ax[ax.length - 1]! + 1, p.inDims.length)];
}

const reduceOp: WasmOp<ReduceParams> = {
  accepts: (inputs, p) => {
    const s = split(p);
    return isTensorOf(inputs[0], 'float32') && !p.noop && KINDS[p.kind] !== undefined && s !== undefined && s[0] * s[1] * s[2] > 0;
  },
  run: (ctx, p) => {
    const [outer, r, inner] = split(p)!;
    const y = ctx.out(0, 'float32', p.outDims);
    ctx.rt.par('reduce_f32', [ctx.in(0).ptr, y, outer, r, inner, KINDS[p.kind]!], outer * r * inner);
  },
};

export const reduceWasmOps = {
  ReduceSum: reduceOp,
  ReduceMean: reduceOp,
  ReduceMax: reduceOp,
  ReduceMin: reduceOp,
  ReduceProd: reduceOp,
  ReduceSumSquare: reduceOp,
  ReduceL1: reduceOp,
  ReduceL2: reduceOp,
};
