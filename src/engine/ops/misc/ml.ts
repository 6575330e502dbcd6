/** ai.onnx.ml ops used by the node tests: LabelEncoder, TreeEnsemble, ArrayFeatureExtractor, Binarizer. */
import { elementsOf, fromBigInts, fromNumbers, toNumbers, type ElementArray } from '../../elements.js';
import { isFloat, type DType } from '../../ir/dtype.js';
import { tensorType, type Dim } from '../../ir/types.js';
import type { Tensor } from '../../tensor.js';
import { dimProduct } from '../shape-utils.js';
import { attr, defineOp, type AttrValues } from '../schema.js';

const ML = 'ai.onnx.ml';

// ---------------------------------------------------------------- LabelEncoder

/** A lookup key: strings as they are, integers as bigints, floats as numbers (NaN matches NaN). */
export type LabelKey = string | bigint | number;

export interface LabelEncoderParams {
  readonly table: ReadonlyMap<LabelKey, number>;
  readonly keyKind: 'string' | 'int' | 'float';
  readonly outType: DType;
  readonly values: ElementArray;
  readonly fallback: ElementArray;
}

const kindOf = (t: DType): 'string' | 'int' | 'float' => (t === 'string' ? 'string' : isFloat(t) ? 'float' : 'int');

export function labelKeys(kind: 'string' | 'int' | 'float', elems: ElementArray): LabelKey[] {
  if (kind === 'string') return Array.from(elems as string[]);
  if (kind === 'int') return Array.from(elems as ArrayLike<number | bigint>, (v) => BigInt(v));
  return Array.from(elems as ArrayLike<number>);
}

const labelAttrs = {
  classes_strings: attr.strings(), default_int64: attr.int(-1), default_string: attr.string('_Unused'), default_float: attr.float(-0),
  keys_floats: attr.floats(), keys_int64s: attr.ints(), keys_strings: attr.strings(), keys_tensor: attr.tensor(),
  values_floats: attr.floats(), values_int64s: attr.ints(), values_strings: attr.strings(), values_tensor: attr.tensor(),
  default_tensor: attr.tensor(),
};

const LabelEncoder = defineOp({
  domain: ML,
  attrs: labelAttrs,
  infer: (ctx) => {
    const x = ctx.tensor(0);
    return [tensorType(labelPlan(ctx.opset, ctx.attrs, x.dtype, ctx.fail).outType, x.shape)];
  },
  params: (ctx): LabelEncoderParams => labelPlan(ctx.opset, ctx.attrs, ctx.tensor(0).dtype, ctx.fail),
});

type LabelAttrs = AttrValues<typeof labelAttrs>;

function labelPlan(opset: number, a: LabelAttrs, inType: DType, fail: (m: string, c?: 'E_TYPE_UNSUPPORTED') => never): LabelEncoderParams {
  const inKind = kindOf(inType);
  if (opset < 2) {
    // Opset 1: strings ↔ their index in classes_strings.
    const classes = a.classes_strings ?? [];
    if (inKind === 'string') {
      return { table: new Map(classes.map((c, i) => [c, i])), keyKind: 'string', outType: 'int64',
        values: BigInt64Array.from(classes, (_, i) => BigInt(i)), fallback: BigInt64Array.of(BigInt(a.default_int64)) };
    }
    if (inType !== 'int64') fail(`input must be string or int64, got ${inType}`, 'E_TYPE_UNSUPPORTED');
    return { table: new Map(classes.map((_, i) => [BigInt(i), i])), keyKind: 'int', outType: 'string', values: [...classes], fallback: [a.default_string] };
  }
  let keys: { kind: 'string' | 'int' | 'float'; elems: ElementArray } | undefined;
  if (a.keys_tensor) keys = { kind: kindOf(a.keys_tensor.type), elems: elementsOf(a.keys_tensor) };
  else if (a.keys_strings) keys = { kind: 'string', elems: [...a.keys_strings] };
  else if (a.keys_int64s) keys = { kind: 'int', elems: BigInt64Array.from(a.keys_int64s, (v) => BigInt(v)) };
  else if (a.keys_floats) keys = { kind: 'float', elems: Float32Array.from(a.keys_floats) };
  let vals: { type: DType; elems: ElementArray } | undefined;
  if (a.values_tensor) vals = { type: a.values_tensor.type, elems: elementsOf(a.values_tensor) };
  else if (a.values_strings) vals = { type: 'string', elems: [...a.values_strings] };
  else if (a.values_int64s) vals = { type: 'int64', elems: BigInt64Array.from(a.values_int64s, (v) => BigInt(v)) };
  else if (a.values_floats) vals = { type: 'float32', elems: Float32Array.from(a.values_floats) };
  if (!keys || !vals) return fail(`needs one keys_* and one values_* attribute`);
  if (keys.elems.length !== vals.elems.length) fail(`${keys.elems.length} keys but ${vals.elems.length} values`);
  if (keys.kind !== inKind) fail(`the keys do not match the ${inType} input`, 'E_TYPE_UNSUPPORTED');
  const table = new Map<LabelKey, number>();
  labelKeys(keys.kind, keys.elems).forEach((k, i) => { if (!table.has(k)) table.set(k, i); });
  let fallback: ElementArray;
  const d: Tensor | undefined = a.default_tensor;
  if (d) {
    if (d.type !== vals.type) fail(`default_tensor is ${d.type}, the values are ${vals.type}`, 'E_TYPE_UNSUPPORTED');
    if (d.size !== 1) fail(`default_tensor must hold one value, got ${d.size}`);
    fallback = elementsOf(d);
  } else if (vals.type === 'string') fallback = [a.default_string];
  else if (isFloat(vals.type)) fallback = elementsOf(fromNumbers(vals.type, [a.default_float], [1]));
  else fallback = elementsOf(fromBigInts(vals.type, [BigInt(a.default_int64)], [1]));
  return { table, keyKind: keys.kind, outType: vals.type, values: vals.elems, fallback };
}

// ---------------------------------------------------------------- TreeEnsemble

export interface TreeNode {
  readonly feature: number;
  readonly mode: number;
  readonly split: number;
  readonly members?: ReadonlySet<number>;
  readonly missingTrue: boolean;
  readonly trueId: number;
  readonly trueLeaf: boolean;
  readonly falseId: number;
  readonly falseLeaf: boolean;
}

export interface TreeEnsembleParams {
  readonly nodes: readonly TreeNode[];
  readonly roots: readonly number[];
  readonly leafTargets: readonly number[];
  readonly leafWeights: Float64Array;
  readonly nTargets: number;
  readonly aggregate: number;
  readonly post: number;
  readonly rows: number;
  readonly features: number;
}

const TreeEnsemble = defineOp({
  domain: ML,
  since: 5,
  attrs: {
    aggregate_function: attr.int(1), leaf_targetids: attr.required.ints(), leaf_weights: attr.required.tensor(),
    membership_values: attr.tensor(), n_targets: attr.int(), nodes_falseleafs: attr.required.ints(),
    nodes_falsenodeids: attr.required.ints(), nodes_featureids: attr.required.ints(), nodes_hitrates: attr.tensor(),
    nodes_missing_value_tracks_true: attr.ints(), nodes_modes: attr.required.tensor(), nodes_splits: attr.required.tensor(),
    nodes_trueleafs: attr.required.ints(), nodes_truenodeids: attr.required.ints(), post_transform: attr.int(0),
    tree_roots: attr.required.ints(),
  },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!isFloat(x.dtype)) ctx.fail(`X must be a float tensor, got ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (x.shape && x.shape.length !== 2) ctx.fail(`X must be [N, F], got rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
    return [tensorType(x.dtype, x.shape ? [x.shape[0]!, nTargetsOf(ctx.attrs)] : undefined)];
  },
  params: (ctx): TreeEnsembleParams => {
    const a = ctx.attrs;
    const n = a.nodes_featureids.length;
    const lists: [string, readonly unknown[] | Tensor][] = [
      ['nodes_falseleafs', a.nodes_falseleafs], ['nodes_falsenodeids', a.nodes_falsenodeids], ['nodes_modes', a.nodes_modes],
      ['nodes_splits', a.nodes_splits], ['nodes_trueleafs', a.nodes_trueleafs], ['nodes_truenodeids', a.nodes_truenodeids],
    ];
    for (const [name, l] of lists) if ((Array.isArray(l) ? l.length : (l as Tensor).size) !== n) ctx.fail(`${name} must have ${n} entries`);
    if (a.leaf_targetids.length !== a.leaf_weights.size) ctx.fail(`leaf_targetids and leaf_weights differ in length`);
    const modes = toNumbers(a.nodes_modes);
    const splits = toNumbers(a.nodes_splits);
    const members = a.membership_values ? toNumbers(a.membership_values) : new Float64Array(0);
    let m = 0;
    const nodes: TreeNode[] = [];
    const nTargets = nTargetsOf(a);
    for (let i = 0; i < n; i++) {
      const mode = modes[i]!;
      if (!(mode >= 0 && mode <= 6)) ctx.fail(`nodes_modes[${i}] = ${mode} is not a known comparison`);
      let set: Set<number> | undefined;
      if (mode === 6) {
        // One set per membership node, in node order, each ended by a NaN.
        set = new Set();
        if (m >= members.length) ctx.fail(`membership_values has no set for node ${i}`);
        while (m < members.length && !Number.isNaN(members[m]!)) set.add(members[m++]!);
        m++;
      }
      const check = (id: number, leaf: boolean, what: string) => {
        if (!(id >= 0 && id < (leaf ? a.leaf_targetids.length : n))) ctx.fail(`node ${i}: ${what} id ${id} is out of range`);
      };
      const trueLeaf = a.nodes_trueleafs[i] !== 0;
      const falseLeaf = a.nodes_falseleafs[i] !== 0;
      check(a.nodes_truenodeids[i]!, trueLeaf, 'true');
      check(a.nodes_falsenodeids[i]!, falseLeaf, 'false');
      nodes.push({
        feature: a.nodes_featureids[i]!, mode, split: splits[i]!, members: set,
        missingTrue: (a.nodes_missing_value_tracks_true?.[i] ?? 0) !== 0,
        trueId: a.nodes_truenodeids[i]!, trueLeaf, falseId: a.nodes_falsenodeids[i]!, falseLeaf,
      });
    }
    for (const t of a.leaf_targetids) if (!(t >= 0 && t < nTargets)) ctx.fail(`leaf target ${t} is out of range for ${nTargets} targets`);
    for (const r of a.tree_roots) if (!(r >= 0 && r < n)) ctx.fail(`tree root ${r} is out of range`);
    if (!(a.aggregate_function >= 0 && a.aggregate_function <= 3)) ctx.fail(`aggregate_function ${a.aggregate_function} is not known`);
    if (!(a.post_transform >= 0 && a.post_transform <= 4)) ctx.fail(`post_transform ${a.post_transform} is not known`);
    const [rows, features] = ctx.shape(0) as number[];
    for (const nd of nodes) if (nd.feature < 0 || nd.feature >= features!) ctx.fail(`feature id ${nd.feature} is out of range for ${features} features`, 'E_INPUT_INVALID');
    return {
      nodes, roots: a.tree_roots, leafTargets: a.leaf_targetids, leafWeights: toNumbers(a.leaf_weights), nTargets,
      aggregate: a.aggregate_function, post: a.post_transform, rows: rows!, features: features!,
    };
  },
});

function nTargetsOf(a: { n_targets: number | undefined; leaf_targetids: readonly number[] }): number {
  return a.n_targets ?? (a.leaf_targetids.length ? Math.max(...a.leaf_targetids) + 1 : 0);
}

// ---------------------------------------------------------------- ArrayFeatureExtractor, Binarizer

const ArrayFeatureExtractor = defineOp({
  domain: ML,
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const y = ctx.tensor(1);
    if (y.dtype !== 'int64') ctx.fail(`Y must be int64, got ${y.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (!x.shape || !y.shape) return [tensorType(x.dtype)];
    const k: Dim = dimProduct(y.shape);
    return [tensorType(x.dtype, x.shape.length <= 1 ? [1, k] : [...x.shape.slice(0, -1), k])];
  },
});

export interface BinarizerParams { readonly threshold: number }

const Binarizer = defineOp({
  domain: ML,
  attrs: { threshold: attr.float(0) },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (x.dtype === 'string' || x.dtype === 'bool') ctx.fail(`X must be numeric, got ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    return [x];
  },
  params: (ctx): BinarizerParams => ({ threshold: ctx.attrs.threshold }),
});

export const mlOps = {
  'ai.onnx.ml.LabelEncoder': LabelEncoder,
  'ai.onnx.ml.TreeEnsemble': TreeEnsemble,
  'ai.onnx.ml.ArrayFeatureExtractor': ArrayFeatureExtractor,
  'ai.onnx.ml.Binarizer': Binarizer,
};
