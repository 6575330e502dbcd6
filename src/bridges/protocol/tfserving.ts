/**
 * TensorFlow Serving's REST predict API, spoken by the client and served by the host:
 *
 *   POST /v1/models/<name>[/versions/<v>]:predict
 *   row form:     {"signature_name"?, "instances": [ <value> | {"<input>": <value>, …}, … ]}  → {"predictions": [...]}
 *   column form:  {"signature_name"?, "inputs": <value> | {"<input>": <value>, …}}           → {"outputs": <value> | {...}}
 *
 * Values are nested JSON arrays (their nesting is the shape) and carry no dtype: each side takes the
 * dtype from the model's declared inputs and outputs. In the row form every instance is one slice of
 * dim 0, so all inputs (and outputs) share their first dim. Strings may be {"b64": "..."}.
 */
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import { Tensor, sizeOf } from '../../engine/tensor.js';
import { jsonToTensor, tensorToJson, toV2Datatype } from './datatypes.js';

export type TfFormat = 'row' | 'column';

/** TensorFlow's DataType names, for the metadata endpoint. */
export const TF_DTYPES: Readonly<Partial<Record<DType, string>>> = {
  float32: 'DT_FLOAT', float64: 'DT_DOUBLE', int32: 'DT_INT32', uint8: 'DT_UINT8', int16: 'DT_INT16', int8: 'DT_INT8',
  string: 'DT_STRING', int64: 'DT_INT64', bool: 'DT_BOOL', float16: 'DT_HALF', bfloat16: 'DT_BFLOAT16',
  uint16: 'DT_UINT16', uint32: 'DT_UINT32', uint64: 'DT_UINT64',
};

const b64decode = (s: string): string => {
  const bin = atob(s);
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
};

/** Shape of a nested JSON value (checked rectangular) and its flat row-major elements. */
export function nestedToFlat(value: unknown, what: string, limit: number): { shape: number[]; flat: unknown[] } {
  const shape: number[] = [];
  for (let x = value; Array.isArray(x); x = x[0]) {
    shape.push(x.length);
    if (shape.length > 64) throw new KilnError('E_INPUT_INVALID', `${what}: nested too deeply`);
    if (x.length === 0) break;
  }
  const count = sizeOf(shape);
  if (count > limit) throw new KilnError('E_QUOTA', `${what}: ${count} elements is more than the limit of ${limit}`);
  const flat: unknown[] = [];
  const walk = (x: unknown, depth: number) => {
    if (depth === shape.length) {
      if (Array.isArray(x)) throw new KilnError('E_SHAPE_MISMATCH', `${what}: the nested lists are not rectangular`);
      flat.push(x !== null && typeof x === 'object' && typeof (x as { b64?: unknown }).b64 === 'string' ? b64decode((x as { b64: string }).b64) : x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw new KilnError('E_SHAPE_MISMATCH', `${what}: the nested lists are not rectangular (expected ${shape[depth]} items at depth ${depth})`);
    for (const y of x) walk(y, depth + 1);
  };
  walk(value, 0);
  return { shape, flat };
}

/** A tensor of `type` from a nested JSON value. */
export function nestedToTensor(value: unknown, type: DType, what: string, limit: number): Tensor {
  const { shape, flat } = nestedToFlat(value, what, limit);
  return jsonToTensor(toV2Datatype(type), shape, flat, what);
}

/** The nested JSON value of a CPU tensor (a scalar for rank 0). */
export function tensorToNested(t: Tensor): unknown {
  const flat = tensorToJson(t);
  const build = (dim: number, offset: number): unknown => {
    if (dim === t.dims.length) return flat[offset];
    const stride = sizeOf(t.dims.slice(dim + 1));
    return Array.from({ length: t.dims[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** Row `i` (a slice of dim 0) of a tensor, as a nested JSON value. */
function rowOf(t: Tensor, i: number): unknown {
  const inner = t.dims.slice(1);
  const n = sizeOf(inner);
  const d = t.data;
  const slice = Array.isArray(d) ? d.slice(i * n, (i + 1) * n) : (d as Float32Array).slice(i * n, (i + 1) * n);
  return tensorToNested(new Tensor(t.type, slice as never, inner));
}

/** Stacks per-instance values of one tensor along a new dim 0. */
function stack(values: unknown[], type: DType, what: string, limit: number): Tensor {
  return nestedToTensor(values, type, what, limit);
}

export interface Declared {
  readonly name: string;
  readonly type: DType;
}

/** Request body for named tensors. Row form needs every tensor to share dim 0. */
export function encodePredictRequest(tensors: readonly { name: string; tensor: Tensor }[], format: TfFormat, signature?: string): Record<string, unknown> {
  const head = signature ? { signature_name: signature } : {};
  if (format === 'column') return { ...head, inputs: Object.fromEntries(tensors.map(({ name, tensor }) => [name, tensorToNested(tensor)])) };
  const n = batchOf(tensors.map((t) => t.tensor), 'inputs');
  const instances = Array.from({ length: n }, (_, i) => Object.fromEntries(tensors.map(({ name, tensor }) => [name, rowOf(tensor, i)])));
  return { ...head, instances };
}

function batchOf(ts: readonly Tensor[], what: string): number {
  const n = ts[0]?.dims[0];
  if (n === undefined || ts.some((t) => t.dims[0] !== n)) {
    throw new KilnError('E_SHAPE_MISMATCH', `the row format needs all ${what} to share their first dim: ${ts.map((t) => `[${t.dims.join(',')}]`).join(', ')}`);
  }
  return n;
}

/** The host side: a predict request → named input tensors, and which form it used. */
export function decodePredictRequest(body: unknown, inputs: readonly Declared[], limit: number): { format: TfFormat; tensors: Map<string, Tensor> } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new KilnError('E_INPUT_INVALID', 'the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if ((b.instances === undefined) === (b.inputs === undefined)) throw new KilnError('E_INPUT_INVALID', "the body needs exactly one of 'instances' (row form) or 'inputs' (column form)");
  const byName = new Map(inputs.map((d) => [d.name, d]));
  const named = (obj: unknown): obj is Record<string, unknown> => obj !== null && typeof obj === 'object' && !Array.isArray(obj) && !('b64' in obj);
  const tensors = new Map<string, Tensor>();
  const declared = (name: string) => {
    const d = byName.get(name);
    if (!d) throw new KilnError('E_INPUT_INVALID', `'${name}' is not an input of this model; inputs: ${inputs.map((i) => i.name).join(', ')}`);
    return d;
  };
  if (b.inputs !== undefined) {
    const entries = named(b.inputs) ? Object.entries(b.inputs) : inputs.length === 1 ? [[inputs[0]!.name, b.inputs] as const] : undefined;
    if (!entries) throw new KilnError('E_INPUT_INVALID', `this model has ${inputs.length} inputs: 'inputs' must be an object of name → value`);
    for (const [name, v] of entries) tensors.set(name, nestedToTensor(v, declared(name).type, `input '${name}'`, limit));
    return { format: 'column', tensors };
  }
  if (!Array.isArray(b.instances) || b.instances.length === 0) throw new KilnError('E_INPUT_INVALID', "'instances' must be a non-empty array");
  const rows = b.instances.map((r) => (named(r) ? r : inputs.length === 1 ? { [inputs[0]!.name]: r } : undefined));
  if (rows.some((r) => !r)) throw new KilnError('E_INPUT_INVALID', `this model has ${inputs.length} inputs: each instance must be an object of name → value`);
  const names = Object.keys(rows[0]!);
  for (const name of names) {
    const values = rows.map((r, i) => {
      if (!(name in r!)) throw new KilnError('E_INPUT_INVALID', `instance ${i} lacks input '${name}'`);
      return r![name];
    });
    tensors.set(name, stack(values, declared(name).type, `input '${name}'`, limit));
  }
  return { format: 'row', tensors };
}

/** The host side: output tensors → the response body of the request's form. */
export function encodePredictResponse(outputs: readonly { name: string; tensor: Tensor }[], format: TfFormat): Record<string, unknown> {
  if (format === 'column') {
    return { outputs: outputs.length === 1 ? tensorToNested(outputs[0]!.tensor) : Object.fromEntries(outputs.map((o) => [o.name, tensorToNested(o.tensor)])) };
  }
  const n = batchOf(outputs.map((o) => o.tensor), 'outputs');
  const predictions = Array.from({ length: n }, (_, i) => (outputs.length === 1 ? rowOf(outputs[0]!.tensor, i) : Object.fromEntries(outputs.map((o) => [o.name, rowOf(o.tensor, i)]))));
  return { predictions };
}

/** The client side: a predict response → output tensors of the declared types. */
export function decodePredictResponse(body: unknown, outputs: readonly Declared[], limit: number): Map<string, Tensor> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new KilnError('E_RUNTIME', 'the predict response is not a JSON object');
  const b = body as Record<string, unknown>;
  const out = new Map<string, Tensor>();
  const multi = outputs.length !== 1;
  if (b.outputs !== undefined) {
    for (const o of outputs) {
      const v = multi ? (b.outputs as Record<string, unknown>)?.[o.name] : b.outputs;
      if (v === undefined) throw new KilnError('E_RUNTIME', `the predict response lacks output '${o.name}'`);
      out.set(o.name, nestedToTensor(v, o.type, `output '${o.name}'`, limit));
    }
    return out;
  }
  if (!Array.isArray(b.predictions)) throw new KilnError('E_RUNTIME', "the predict response has neither 'outputs' nor 'predictions'");
  for (const o of outputs) {
    const values = b.predictions.map((p: unknown) => (multi ? (p as Record<string, unknown>)?.[o.name] : p));
    if (values.some((v) => v === undefined)) throw new KilnError('E_RUNTIME', `the predict response lacks output '${o.name}' in some prediction`);
    out.set(o.name, stack(values, o.type, `output '${o.name}'`, limit));
  }
  return out;
}
