/** Reference kernels: ai.onnx.ml LabelEncoder, TreeEnsemble, ArrayFeatureExtractor, Binarizer. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { allocElements, elementsOf, fromNumbers, tensorFromElements, toBigInts, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { labelKeys, mlOps as ops, type TreeEnsembleParams, type TreeNode } from '../../engine/ops/misc/ml.js';
import { asTensor, copyElements } from '../sequence/tensors.js';

function goesTrue(nd: TreeNode, x: number): boolean {
  if (Number.isNaN(x) && nd.missingTrue) return true;
  switch (nd.mode) {
    case 0: return x <= nd.split;
    case 1: return x < nd.split;
    case 2: return x >= nd.split;
    case 3: return x > nd.split;
    case 4: return x === nd.split;
    case 5: return x !== nd.split;
    default: return nd.members!.has(x);
  }
}

/** The leaf a row reaches from a root (bounded walk: a malformed cyclic tree is an error, not a hang). */
function leafOf(p: TreeEnsembleParams, row: Float64Array, root: number): number {
  let id = root;
  for (let steps = 0; steps <= p.nodes.length; steps++) {
    const nd = p.nodes[id]!;
    const t = goesTrue(nd, row[nd.feature]!);
    if (t ? nd.trueLeaf : nd.falseLeaf) return t ? nd.trueId : nd.falseId;
    id = t ? nd.trueId : nd.falseId;
  }
  throw new KilnError('E_MODEL_INVALID', `tree from root ${root} has a cycle`);
}

/** Inverse of the standard normal CDF, √2·erfinv(2p − 1), with Giles' erfinv approximation (float32 accuracy). */
function probit(p: number): number {
  const x = 2 * p - 1;
  if (x <= -1) return -Infinity;
  if (x >= 1) return Infinity;
  let w = -Math.log((1 - x) * (1 + x));
  let r: number;
  if (w < 5) {
    w -= 2.5;
    r = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) r = r * w + c;
  } else {
    w = Math.sqrt(w) - 3;
    r = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) r = r * w + c;
  }
  return Math.SQRT2 * r * x;
}

function postTransform(kind: number, v: Float64Array): void {
  if (kind === 2) for (let i = 0; i < v.length; i++) v[i] = 1 / (1 + Math.exp(-v[i]!));
  else if (kind === 4) for (let i = 0; i < v.length; i++) v[i] = probit(v[i]!);
  else if (kind === 1 || kind === 3) {
    const use = (x: number) => kind === 1 || x !== 0;
    let max = -Infinity;
    for (const x of v) if (use(x)) max = Math.max(max, x);
    let sum = 0;
    for (let i = 0; i < v.length; i++) if (use(v[i]!)) sum += (v[i] = Math.exp(v[i]! - max));
    for (let i = 0; i < v.length; i++) if (use(v[i]!)) v[i] = v[i]! / sum;
  }
}

export const mlKernels: KernelMap = {
  'ai.onnx.ml.LabelEncoder': kernel(ops['ai.onnx.ml.LabelEncoder'], (inputs, p) => {
    const x = asTensor(inputs[0], 'X');
    const keys = labelKeys(p.keyKind, elementsOf(x));
    const out = allocElements(p.outType, keys.length) as unknown[] as (string | number | bigint)[];
    const vals = p.values as unknown[] as (string | number | bigint)[];
    const dflt = (p.fallback as unknown[] as (string | number | bigint)[])[0]!;
    keys.forEach((k, i) => {
      const idx = p.table.get(k);
      out[i] = idx === undefined ? dflt : vals[idx]!;
    });
    return [tensorFromElements(p.outType, out as never, x.dims)];
  }),

  'ai.onnx.ml.TreeEnsemble': kernel(ops['ai.onnx.ml.TreeEnsemble'], (inputs, p) => {
    const x = asTensor(inputs[0], 'X');
    const v = toNumbers(x);
    const out = new Float64Array(p.rows * p.nTargets);
    const row = new Float64Array(p.features);
    const acc = new Float64Array(p.nTargets);
    const seen = new Uint8Array(p.nTargets);
    for (let r = 0; r < p.rows; r++) {
      row.set(v.subarray(r * p.features, (r + 1) * p.features));
      acc.fill(0);
      seen.fill(0);
      for (const root of p.roots) {
        const leaf = leafOf(p, row, root);
        const t = p.leafTargets[leaf]!;
        const w = p.leafWeights[leaf]!;
        if (p.aggregate === 2) acc[t] = seen[t] ? Math.min(acc[t]!, w) : w;
        else if (p.aggregate === 3) acc[t] = seen[t] ? Math.max(acc[t]!, w) : w;
        else acc[t] = acc[t]! + w;
        seen[t] = 1;
      }
      if (p.aggregate === 0 && p.roots.length) for (let t = 0; t < p.nTargets; t++) acc[t] = acc[t]! / p.roots.length;
      postTransform(p.post, acc);
      out.set(acc, r * p.nTargets);
    }
    return [fromNumbers(x.type, out, [p.rows, p.nTargets])];
  }),

  'ai.onnx.ml.ArrayFeatureExtractor': kernel(ops['ai.onnx.ml.ArrayFeatureExtractor'], (inputs) => {
    const x = asTensor(inputs[0], 'X');
    const idx = toBigInts(asTensor(inputs[1], 'Y')).map(Number);
    const c = x.dims.length ? x.dims[x.dims.length - 1]! : 1;
    for (const i of idx) if (!(i >= 0 && i < c)) throw new KilnError('E_INPUT_INVALID', `index ${i} is out of range for ${c} features`);
    const rows = c === 0 ? 0 : x.size / c;
    const src = elementsOf(x);
    const out = allocElements(x.type, rows * idx.length);
    for (let r = 0; r < rows; r++) idx.forEach((i, k) => copyElements(out, r * idx.length + k, src, r * c + i, 1));
    const dims = x.dims.length <= 1 ? [1, idx.length] : [...x.dims.slice(0, -1), idx.length];
    return [tensorFromElements(x.type, out, dims)];
  }),

  'ai.onnx.ml.Binarizer': kernel(ops['ai.onnx.ml.Binarizer'], (inputs, p) => {
    const x = asTensor(inputs[0], 'X');
    return [fromNumbers(x.type, toNumbers(x).map((v) => (v > p.threshold ? 1 : 0)), x.dims)];
  }),
};
