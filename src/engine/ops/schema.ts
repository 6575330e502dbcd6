/**
 * An op schema does the thinking once: attribute defaults (per opset), input/output counts, shape and
 * type inference, and the plain params object kernels receive. Kernels never read a graph Node.
 *
 * The same `infer` runs twice: statically over symbolic shapes (the shape-inference pass), and at run time
 * over concrete shapes and values (the executor), where its output shapes are checked against what the
 * kernel produced.
 */
import { KilnError } from '../errors.js';
import type { Attribute, AttributeType, Graph, Node } from '../ir/graph.js';
import type { Dim, TensorType, ValueType } from '../ir/types.js';
import type { Tensor } from '../tensor.js';

// ---------------------------------------------------------------- attributes

type AttrJsType = {
  float: number; int: number; string: string; tensor: Tensor; graph: Graph; type: ValueType;
  floats: readonly number[]; ints: readonly number[]; strings: readonly string[];
  tensors: readonly Tensor[]; graphs: readonly Graph[]; types: readonly ValueType[];
};

export interface AttrSpec<T> {
  readonly type: AttributeType;
  /** A value, or a function of the opset version for defaults that changed between opsets. */
  readonly default?: T | ((opset: number) => T);
  readonly required?: boolean;
  /** Phantom field carrying T for inference. */
  readonly __t?: T;
}

function spec<K extends AttributeType>(type: K) {
  function make(): AttrSpec<AttrJsType[K] | undefined>;
  function make(def: AttrJsType[K] | ((opset: number) => AttrJsType[K])): AttrSpec<AttrJsType[K]>;
  function make(def?: unknown): AttrSpec<unknown> {
    return def === undefined ? { type } : { type, default: def };
  }
  return make;
}

function required<K extends AttributeType>(type: K) {
  return (): AttrSpec<AttrJsType[K]> => ({ type, required: true });
}

/** Attribute spec builders: `attr.int(-1)`, `attr.ints()` (optional, no default), `attr.required.graph()`. */
export const attr = {
  float: spec('float'), int: spec('int'), string: spec('string'), tensor: spec('tensor'), graph: spec('graph'),
  type: spec('type'), floats: spec('floats'), ints: spec('ints'), strings: spec('strings'),
  tensors: spec('tensors'), graphs: spec('graphs'),
  required: {
    float: required('float'), int: required('int'), string: required('string'), tensor: required('tensor'),
    graph: required('graph'), floats: required('floats'), ints: required('ints'), strings: required('strings'),
  },
};

export type AttrSpecs = Record<string, AttrSpec<unknown>>;
export type AttrValues<S extends AttrSpecs> = { readonly [K in keyof S]: S[K] extends AttrSpec<infer T> ? T : never };

// ---------------------------------------------------------------- contexts

/** What `infer` and `params` see. Everything is about this node only. */
export interface OpContext<A> {
  /** "name (OpType)", for messages. */
  readonly label: string;
  /** The opset version of the node's domain imported by the model. */
  readonly opset: number;
  readonly attrs: A;
  /** Input types; undefined for an omitted optional input (or an unknown type). */
  readonly inputs: readonly (ValueType | undefined)[];
  readonly numOutputs: number;
  /** True when the input exists (not omitted). */
  has(i: number): boolean;
  /** The input's tensor type; throws a KilnError when it is missing or not a tensor. */
  tensor(i: number): TensorType;
  /** The input's shape; throws when missing or of unknown rank. */
  shape(i: number): readonly Dim[];
  /** The input's value when known: at run time always, statically only for constants. */
  value(i: number): Tensor | undefined;
  /** Static inference: the shape of a subgraph's outputs given its input types (If/Loop/Scan). */
  inferSubgraph(g: Graph, inputTypes: readonly (ValueType | undefined)[]): (ValueType | undefined)[];
  /** Throws E_MODEL_INVALID (or `code`) naming this node. */
  fail(message: string, code?: 'E_MODEL_INVALID' | 'E_SHAPE_MISMATCH' | 'E_TYPE_UNSUPPORTED' | 'E_OPSET_UNSUPPORTED' | 'E_INPUT_INVALID'): never;
}

export interface ParamsContext<A> extends OpContext<A> {
  /** Output types from `infer`, concrete where inference could make them so. */
  readonly outputs: readonly (ValueType | undefined)[];
}

// ---------------------------------------------------------------- schema

export interface OpSchema<A = unknown, P = A> {
  readonly domain: string;
  readonly attrs: AttrSpecs;
  /** Inputs accepted: [min, max]; max Infinity for variadic. */
  readonly inputs: readonly [number, number];
  readonly outputs: readonly [number, number];
  /** The first opset version that has this op, and the last one that still has it (when removed). */
  readonly since: number;
  readonly until?: number;
  /** Ops whose result differs between runs (random generators): never constant-folded. */
  readonly nondeterministic?: boolean;
  infer(ctx: OpContext<A>): (ValueType | undefined)[];
  params(ctx: ParamsContext<A>): P;
}

export interface OpDefinition<S extends AttrSpecs, P> {
  domain?: string;
  attrs?: S;
  inputs?: readonly [number, number];
  outputs?: readonly [number, number];
  since?: number;
  until?: number;
  nondeterministic?: boolean;
  infer(ctx: OpContext<AttrValues<S>>): (ValueType | undefined)[];
  params?(ctx: ParamsContext<AttrValues<S>>): P;
}

/** Declares an op. Without `params`, kernels receive the resolved attributes. */
export function defineOp<S extends AttrSpecs = Record<never, never>, P = AttrValues<S>>(def: OpDefinition<S, P>): OpSchema<AttrValues<S>, P> {
  return {
    domain: def.domain ?? '',
    attrs: def.attrs ?? {},
    inputs: def.inputs ?? [1, 1],
    outputs: def.outputs ?? [1, 1],
    since: def.since ?? 1,
    until: def.until,
    nondeterministic: def.nondeterministic,
    infer: def.infer,
    params: def.params ?? ((ctx) => ctx.attrs as unknown as P),
  };
}

/** Fills defaults and checks attribute kinds. Unknown attributes are ignored (ONNX allows extras in practice). */
export function resolveAttrs(schema: OpSchema<unknown, unknown>, node: Node, opset: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(schema.attrs)) {
    const a: Attribute | undefined = node.attrs.get(name);
    if (a) {
      out[name] = coerceAttr(a, s.type, node, name);
    } else if (s.required) {
      throw new KilnError('E_MODEL_INVALID', `node ${node.label}: required attribute '${name}' is missing`, { node: node.name });
    } else if (s.default !== undefined) {
      out[name] = typeof s.default === 'function' ? (s.default as (o: number) => unknown)(opset) : s.default;
    } else {
      out[name] = undefined;
    }
  }
  return out;
}

function coerceAttr(a: Attribute, want: AttributeType, node: Node, name: string): unknown {
  if (a.type === want) return a.value;
  // Producers sometimes write an int where a float is declared and a single value for a list.
  if (want === 'float' && a.type === 'int') return a.value;
  if (want === 'floats' && a.type === 'ints') return a.value;
  if (want === 'ints' && a.type === 'int') return [a.value];
  if (want === 'floats' && (a.type === 'float' || a.type === 'int')) return [a.value];
  if (want === 'strings' && a.type === 'string') return [a.value];
  if (want === 'graphs' && a.type === 'graph') return [a.value];
  if (want === 'tensors' && a.type === 'tensor') return [a.value];
  if (want === 'types' && a.type === 'type') return [a.value];
  throw new KilnError('E_MODEL_INVALID', `node ${node.label}: attribute '${name}' should be ${want}, got ${a.type}`, { node: node.name });
}

/** Key of an op in OP_TABLE: the op type for ai.onnx, `domain.OpType` for others. */
export const opKey = (domain: string, opType: string): string => (domain === '' || domain === 'ai.onnx' ? opType : `${domain}.${opType}`);
