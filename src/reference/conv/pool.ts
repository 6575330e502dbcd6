/** Reference kernels: MaxPool, AveragePool, LpPool, GlobalAveragePool/MaxPool/LpPool, MaxUnpool. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, int64Tensor, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { isFloat } from '../../engine/ir/dtype.js';
import { convOps as ops, type Geometry, type GlobalPoolParams, type PoolParams } from '../../engine/ops/conv.js';
import type { Tensor } from '../../engine/tensor.js';
import { prod } from '../matmul/util.js';

type Reduce = 'max' | 'avg' | 'lp';

/** Geometry padded to 3 spatial axes (leading axes of size 1), so one triple loop serves 1-D to 3-D. */
function as3d(geo: Geometry): { inD: number[]; outD: number[]; k: number[]; s: number[]; d: number[]; pb: number[]; pe: number[] } {
  const n = geo.kernel.length;
  if (n > 3) throw new KilnError('E_TYPE_UNSUPPORTED', `pooling over ${n} spatial axes is not supported (at most 3)`);
  const pad = <T>(v: readonly T[], fill: T): T[] => [...new Array<T>(3 - n).fill(fill), ...v];
  return {
    inD: pad(geo.inDims, 1), outD: pad(geo.outDims, 1), k: pad(geo.kernel, 1), s: pad(geo.strides, 1),
    d: pad(geo.dilations, 1), pb: pad(geo.padsBegin, 0), pe: pad(geo.padsEnd, 0),
  };
}

/** Taps [lo, hi) of one axis whose input position o*s - pb + k*d lies in [0, size). */
function tapRange(o: number, s: number, d: number, pb: number, K: number, size: number): [number, number] {
  const start = o * s - pb;
  const lo = start >= 0 ? 0 : Math.ceil(-start / d);
  const hi = Math.min(K, Math.floor((size - 1 - start) / d) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Taps of one axis inside the padded extent [-pb, size + pe) (AveragePool count_include_pad). */
function paddedTaps(o: number, s: number, d: number, pb: number, pe: number, K: number, size: number): number {
  const start = o * s - pb;
  let n = 0;
  for (let k = 0; k < K; k++) {
    const i = start + k * d;
    if (i >= -pb && i < size + pe) n++;
  }
  return n;
}

function pool(x: Tensor, p: PoolParams, mode: Reduce, withIndices: boolean): { y: Float64Array; idx?: Float64Array } {
  const v = toNumbers(x);
  const g = as3d(p.geo);
  const [D, H, W] = g.inD as [number, number, number];
  const [OD, OH, OW] = g.outD as [number, number, number];
  const inSize = D * H * W;
  const outSize = OD * OH * OW;
  const planes = p.batch * p.channels;
  const y = new Float64Array(planes * outSize);
  const idx = withIndices ? new Float64Array(planes * outSize) : undefined;
  // Column-major spatial strides for storage_order = 1 (only the real spatial axes count).
  const nd = p.geo.kernel.length;
  const real = p.geo.inDims;
  const colStride = [1, 1, 1];
  for (let a = 0, acc = 1; a < nd; a++) {
    colStride[3 - nd + a] = acc;
    acc *= real[a]!;
  }
  const empty = isFloat(x.type) ? -Infinity : 0;
  const lp = p.p;
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * inSize;
    let o = pl * outSize;
    for (let od = 0; od < OD; od++) {
      const [dlo, dhi] = tapRange(od, g.s[0]!, g.d[0]!, g.pb[0]!, g.k[0]!, D);
      const d0 = od * g.s[0]! - g.pb[0]!;
      for (let oh = 0; oh < OH; oh++) {
        const [hlo, hhi] = tapRange(oh, g.s[1]!, g.d[1]!, g.pb[1]!, g.k[1]!, H);
        const h0 = oh * g.s[1]! - g.pb[1]!;
        for (let ow = 0; ow < OW; ow++, o++) {
          const [wlo, whi] = tapRange(ow, g.s[2]!, g.d[2]!, g.pb[2]!, g.k[2]!, W);
          const w0 = ow * g.s[2]! - g.pb[2]!;
          let acc = mode === 'max' ? -Infinity : 0;
          let arg = -1;
          let count = 0;
          for (let kd = dlo; kd < dhi; kd++) {
            const id = d0 + kd * g.d[0]!;
            for (let kh = hlo; kh < hhi; kh++) {
              const ih = h0 + kh * g.d[1]!;
              const row = base + (id * H + ih) * W;
              for (let kw = wlo; kw < whi; kw++) {
                const iw = w0 + kw * g.d[2]!;
                const val = v[row + iw]!;
                count++;
                if (mode === 'max') {
                  // NaN propagates; the first maximum wins.
                  if (val > acc || (val !== val && acc === acc)) {
                    acc = val;
                    arg = withIndices ? (storageIndex(id, ih, iw, H, W, colStride, p.storageOrder)) : 0;
                  } else if (arg < 0) {
                    arg = withIndices ? storageIndex(id, ih, iw, H, W, colStride, p.storageOrder) : 0;
                  }
                } else if (mode === 'avg') {
                  acc += val;
                } else {
                  acc += Math.abs(val) ** lp;
                }
              }
            }
          }
          if (mode === 'max') {
            y[o] = count ? acc : empty;
            if (idx) idx[o] = count ? pl * inSize + arg : -1;
          } else if (mode === 'avg') {
            const div = p.countIncludePad
              ? paddedTaps(od, g.s[0]!, g.d[0]!, g.pb[0]!, g.pe[0]!, g.k[0]!, D) * paddedTaps(oh, g.s[1]!, g.d[1]!, g.pb[1]!, g.pe[1]!, g.k[1]!, H) * paddedTaps(ow, g.s[2]!, g.d[2]!, g.pb[2]!, g.pe[2]!, g.k[2]!, W)
              : count;
            y[o] = div ? acc / div : NaN;
          } else {
            y[o] = acc ** (1 / lp);
          }
        }
      }
    }
  }
  return { y, idx };
}

function storageIndex(d: number, h: number, w: number, H: number, W: number, col: readonly number[], order: number): number {
  return order === 1 ? d * col[0]! + h * col[1]! + w * col[2]! : (d * H + h) * W + w;
}

const pooled = (p: PoolParams): number[] => [p.batch, p.channels, ...p.geo.outDims];

function globalPool(x: Tensor, p: GlobalPoolParams, mode: Reduce): Tensor {
  const v = toNumbers(x);
  const y = new Float64Array(p.outer);
  for (let i = 0; i < p.outer; i++) {
    let acc = mode === 'max' ? -Infinity : 0;
    for (let j = i * p.inner, e = j + p.inner; j < e; j++) {
      const val = v[j]!;
      if (mode === 'max') acc = val > acc || val !== val ? val : acc;
      else if (mode === 'avg') acc += val;
      else acc += Math.abs(val) ** p.p;
      if (acc !== acc && mode === 'max') break;
    }
    y[i] = mode === 'avg' ? acc / p.inner : mode === 'lp' ? acc ** (1 / p.p) : acc;
  }
  return fromNumbers(x.type, y, [...x.dims.slice(0, 2), ...x.dims.slice(2).map(() => 1)]);
}

export const poolKernels: KernelMap = {
  MaxPool: kernel(ops.MaxPool, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const r = pool(x, p, 'max', p.withIndices);
    const dims = pooled(p);
    const y = fromNumbers(x.type, r.y, dims);
    return r.idx ? [y, int64Tensor(Array.from(r.idx), dims)] : [y];
  }),
  AveragePool: kernel(ops.AveragePool, (inputs, p) => {
    const x = inputs[0] as Tensor;
    return [fromNumbers(x.type, pool(x, p, 'avg', false).y, pooled(p))];
  }),
  LpPool: kernel(ops.LpPool, (inputs, p) => {
    const x = inputs[0] as Tensor;
    return [fromNumbers(x.type, pool(x, p, 'lp', false).y, pooled(p))];
  }),
  GlobalAveragePool: kernel(ops.GlobalAveragePool, (inputs, p) => [globalPool(inputs[0] as Tensor, p, 'avg')]),
  GlobalMaxPool: kernel(ops.GlobalMaxPool, (inputs, p) => [globalPool(inputs[0] as Tensor, p, 'max')]),
  GlobalLpPool: kernel(ops.GlobalLpPool, (inputs, p) => [globalPool(inputs[0] as Tensor, p, 'lp')]),

  MaxUnpool: kernel(ops.MaxUnpool, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const xv = toNumbers(x);
    const iv = toNumbers(inputs[1] as Tensor);
    // Indices address the unpooled tensor [N, C, innerDims] (what MaxPool saw); it lands in the
    // leading corner of output_shape when that is larger.
    const inner = [p.batch, p.channels, ...p.innerDims];
    const total = prod(inner);
    const y = new Float64Array(prod(p.outDims));
    const rank = inner.length;
    const outStrides = new Array<number>(rank);
    for (let a = rank - 1, acc = 1; a >= 0; a--) {
      outStrides[a] = acc;
      acc *= p.outDims[a]!;
    }
    for (let i = 0; i < xv.length; i++) {
      const f = iv[i]!;
      if (!(Number.isInteger(f) && f >= 0 && f < total)) throw new KilnError('E_INPUT_INVALID', `MaxUnpool index ${f} is out of range [0, ${total})`);
      let r = f;
      let off = 0;
      for (let a = rank - 1; a >= 0; a--) {
        off += (r % inner[a]!) * outStrides[a]!;
        r = Math.floor(r / inner[a]!);
      }
      y[off] = xv[i]!;
    }
    return [fromNumbers(x.type, y, p.outDims)];
  }),
};

