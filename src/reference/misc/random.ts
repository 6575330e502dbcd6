/**
 * Reference kernels: random generators, drawing from the engine's seeded generator (src/engine/random.ts):
 * with a `seed` attribute every run draws the same values, without one each run draws fresh ones. The
 * streams differ from numpy's, so tests that compare exact draws cannot match.
 */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { Rng } from '../../engine/random.js';
import { randomOps as ops, type RandomParams } from '../../engine/ops/misc/random.js';
import { sizeOf } from '../../engine/tensor.js';
import { asTensor } from '../sequence/tensors.js';

/** A uniform generator on [0, 1) with 53 random bits, seeded from the op's `seed` attribute. */
export function makeRng(seed: number | undefined): () => number {
  const rng = Rng.forAttribute(seed);
  return () => rng.next53();
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
