/**
 * Reference kernels: random generators. xoshiro128** seeded through splitmix32 from the `seed`
 * attribute (every run draws the same values) or from Math.random (fresh values each run). The streams
 * differ from numpy's, so tests that compare exact draws cannot match.
 */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { randomOps as ops, type RandomParams } from '../../engine/ops/misc/random.js';
import { sizeOf } from '../../engine/tensor.js';
import { asTensor } from '../sequence/tensors.js';

/** A uniform generator on [0, 1) with 53 random bits. */
export function makeRng(seed: number | undefined): () => number {
  let s: number;
  if (seed === undefined) s = (Math.random() * 2 ** 32) >>> 0;
  else {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, seed);
    s = (v.getUint32(0) ^ Math.imul(v.getUint32(4), 0x9e3779b9)) >>> 0;
  }
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const st = [splitmix(), splitmix(), splitmix(), splitmix()];
  const next32 = (): number => {
    const r = Math.imul(((Math.imul(st[1]!, 5) << 7) | (Math.imul(st[1]!, 5) >>> 25)), 9) >>> 0;
    const t = st[1]! << 9;
    st[2]! ^= st[0]!;
    st[3]! ^= st[1]!;
    st[1]! ^= st[2]!;
    st[0]! ^= st[3]!;
    st[2]! ^= t;
    st[3] = ((st[3]! << 11) | (st[3]! >>> 21)) >>> 0;
    return r;
  };
  return () => ((next32() >>> 5) * 2 ** 26 + (next32() >>> 6)) / 2 ** 53;
}

/** Standard normal draws (Box–Muller). */
function normals(rng: () => number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng(); // (0, 1]
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * rng();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

const normal = (p: RandomParams) => {
  const z = normals(makeRng(p.seed), sizeOf(p.dims));
  return [fromNumbers(p.dtype, z.map((v) => p.a + p.b * v), p.dims)];
};
const uniform = (p: RandomParams) => {
  const rng = makeRng(p.seed);
  const out = new Float64Array(sizeOf(p.dims));
  for (let i = 0; i < out.length; i++) out[i] = p.a + (p.b - p.a) * rng();
  return [fromNumbers(p.dtype, out, p.dims)];
};

export const randomKernels: KernelMap = {
  RandomNormal: kernel(ops.RandomNormal, (_i, p) => normal(p)),
  RandomNormalLike: kernel(ops.RandomNormalLike, (_i, p) => normal(p)),
  RandomUniform: kernel(ops.RandomUniform, (_i, p) => uniform(p)),
  RandomUniformLike: kernel(ops.RandomUniformLike, (_i, p) => uniform(p)),

  Bernoulli: kernel(ops.Bernoulli, (inputs, p) => {
    const x = asTensor(inputs[0], 'input');
    const prob = toNumbers(x);
    const rng = makeRng(p.seed);
    for (const q of prob) if (!(q >= 0 && q <= 1)) throw new KilnError('E_INPUT_INVALID', `Bernoulli probabilities must be in [0, 1], got ${q}`);
    return [fromNumbers(p.dtype, prob.map((q) => (rng() < q ? 1 : 0)), x.dims)];
  }),

  Multinomial: kernel(ops.Multinomial, (inputs, p) => {
    const logits = toNumbers(asTensor(inputs[0], 'input'));
    const rng = makeRng(p.seed);
    const out = new Float64Array(p.batch * p.samples);
    const cdf = new Float64Array(p.classes);
    for (let b = 0; b < p.batch; b++) {
      // Class probabilities are softmax(logits); draw by inverting the cumulative sum.
      const row = logits.subarray(b * p.classes, (b + 1) * p.classes);
      const max = Math.max(...row);
      let acc = 0;
      row.forEach((l, k) => { acc += Math.exp(l - max); cdf[k] = acc; });
      for (let s = 0; s < p.samples; s++) {
        const u = rng() * acc;
        let k = 0;
        while (k < p.classes - 1 && cdf[k]! <= u) k++;
        out[b * p.samples + s] = k;
      }
    }
    return [fromNumbers(p.dtype, out, [p.batch, p.samples])];
  }),
};
