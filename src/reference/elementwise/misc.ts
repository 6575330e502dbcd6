/** Reference kernels: Clip, Where, PRelu, SwiGLU, Identity, Dropout. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { allocElements, elementsOf, fromBigInts, fromNumbers, tensorFromElements, toBigInts, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { isWideInt } from '../../engine/ir/dtype.js';
import { elementwiseOps as ops } from '../../engine/ops/elementwise.js';
import { Tensor } from '../../engine/tensor.js';
import { indexMaps, mapBinary, optionalTensorAt, tensorAt } from './core.js';
import { Rng } from '../../engine/random.js';
import { sigmoid } from './math.js';

/** The single element of a Clip bound. */
function bound(t: Tensor | undefined, name: string): Tensor | undefined {
  if (t && t.size !== 1) throw new KilnError('E_SHAPE_MISMATCH', `Clip's ${name} must hold one element, got ${t.size}`);
  return t;
}

export const miscKernels: KernelMap = {
  Clip: kernel(ops.Clip, (inputs, p) => {
    const x = tensorAt(inputs, 0);
    const lo = bound(optionalTensorAt(inputs, 1), 'min');
    const hi = bound(optionalTensorAt(inputs, 2), 'max');
    // x < lo → lo, then x > hi → hi: when min > max every element becomes max, as the spec says.
    if (isWideInt(x.type)) {
      const l = lo ? toBigInts(lo)[0]! : undefined;
      const h = hi ? toBigInts(hi)[0]! : undefined;
      const v = toBigInts(x).map((e) => {
        let r = e;
        if (l !== undefined && r < l) r = l;
        if (h !== undefined && r > h) r = h;
        return r;
      });
      return [fromBigInts(x.type, v, x.dims)];
    }
    const l = lo ? toNumbers(lo)[0]! : p.min ?? -Infinity;
    const h = hi ? toNumbers(hi)[0]! : p.max ?? Infinity;
    const v = toNumbers(x).map((e) => (e < l ? (l > h ? h : l) : e > h ? h : e));
    return [fromNumbers(x.type, v, x.dims)];
  }),

  Where: kernel(ops.Where, (inputs, p) => {
    const [ic, ix, iy] = indexMaps(p);
    const c = elementsOf(tensorAt(inputs, 0));
    const xt = tensorAt(inputs, 1);
    const x = elementsOf(xt);
    const y = elementsOf(tensorAt(inputs, 2));
    const out = allocElements(xt.type, ic!.length);
    const o = out as unknown[];
    const xs = x as ArrayLike<unknown>;
    const ys = y as ArrayLike<unknown>;
    for (let j = 0; j < ic!.length; j++) o[j] = (c as Uint8Array)[ic![j]!] ? xs[ix![j]!] : ys[iy![j]!];
    return [tensorFromElements(xt.type, out, p.outDims)];
  }),

  PRelu: kernel(ops.PRelu, (inputs, p) => [
    mapBinary(tensorAt(inputs, 0), tensorAt(inputs, 1), p, {
      float: (x, s) => (x < 0 ? s * x : x),
      big: (x, s) => (x < 0n ? s * x : x),
    }),
  ]),

  SwiGLU: kernel(ops.SwiGLU, (inputs, p) => [
    mapBinary(tensorAt(inputs, 0), tensorAt(inputs, 1), p, { float: (a, b) => a * sigmoid(p.alpha * a) * b }),
  ]),

  Identity: kernel(ops.Identity, (inputs) => [inputs[0]!]),

  Dropout: kernel(ops.Dropout, (inputs, p) => {
    const x = tensorAt(inputs, 0);
    if (!p.training) {
      const outs = [x];
      if (p.withMask) outs.push(fromNumbers(p.maskType, new Float64Array(x.size).fill(1), x.dims));
      return outs;
    }
    const rng = Rng.forAttribute(p.seed);
    const rand = () => rng.next53();
    const scale = 1 / (1 - p.ratio);
    const v = toNumbers(x);
    const keep = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      keep[i] = rand() >= p.ratio ? 1 : 0;
      v[i] = keep[i] ? v[i]! * scale : 0;
    }
    const outs = [fromNumbers(x.type, v, x.dims)];
    if (p.withMask) outs.push(fromNumbers(p.maskType, keep, x.dims));
    return outs;
  }),
};
