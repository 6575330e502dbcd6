/**
 * Runs one op on the wasm backend and on the reference backend and compares the results: the wasm op
 * tests are cases as data (op, inputs, attributes), each checked against the answer key.
 */
import '../../src/index.js'; // registers the formats and the reference backend
import { Graph, InferenceSession, Node, Tensor, registerBackend, type Attribute, type Model } from '../../src/engine/index.js';
import { getSchema, opKey } from '../../src/engine/ops/index.js';
import { tensorType } from '../../src/engine/ir/types.js';
import { createWasmBackend, type WasmBackend } from '../../src/wasm/backend.js';
import type { WasmOptions } from '../../src/wasm/loader.js';

export interface OpCase {
  readonly op: string;
  readonly domain?: string;
  readonly inputs: readonly (Tensor | undefined)[];
  readonly attrs?: Record<string, unknown>;
  readonly opset?: number;
  /** Inputs (by index) given as initializers, so the backend may pack them at session creation. */
  readonly constants?: readonly number[];
  readonly outputs?: number;
  readonly rtol?: number;
  readonly atol?: number;
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function rand(dims: readonly number[], seed = 1, scale = 1): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    d[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return new Tensor('float32', d, dims);
}

export const f32 = (dims: readonly number[], values: readonly number[]) => new Tensor('float32', Float32Array.from(values), dims);
export const i64 = (dims: readonly number[], values: readonly number[]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

let registered = '';
let lastBackend: WasmBackend | undefined;
/** Registers 'wasm' with these options (once per distinct options in a test file). */
export function useWasm(opts: WasmOptions): void {
  const key = JSON.stringify(opts);
  if (registered === key) return;
  registered = key;
  registerBackend('wasm', async () => (lastBackend = await createWasmBackend(opts)));
}

function model(c: OpCase): { model: Model; feeds: Record<string, Tensor> } {
  const domain = c.domain ?? '';
  const schema = getSchema(opKey(domain, c.op));
  const g = new Graph();
  g.opsets.set('', c.opset ?? 22);
  if (domain !== '') g.opsets.set(domain, 1);
  const feeds: Record<string, Tensor> = {};
  const names = c.inputs.map((t, i) => {
    if (!t) return '';
    const name = `in${i}`;
    if (c.constants?.includes(i)) g.initializers.set(name, t);
    else {
      g.inputs.push({ name, type: tensorType(t.type, t.dims) });
      g.valueTypes.set(name, tensorType(t.type, t.dims));
      feeds[name] = t;
    }
    return name;
  });
  const nOut = c.outputs ?? Math.max(1, schema?.outputs[0] ?? 1);
  const outs = Array.from({ length: nOut }, (_, i) => `out${i}`);
  const attrs = new Map<string, Attribute>();
  for (const [k, v] of Object.entries(c.attrs ?? {})) {
    const type = schema?.attrs[k]?.type ?? (typeof v === 'string' ? 'string' : Array.isArray(v) ? 'ints' : Number.isInteger(v) ? 'int' : 'float');
    attrs.set(k, { type, value: v } as Attribute);
  }
  g.nodes.push(new Node('n0', c.op, names, outs, attrs, domain));
  g.outputs = outs.map((name) => ({ name }));
  return { model: { format: 'onnx', graph: g, metadata: new Map() }, feeds };
}

/** Runs the case on ['wasm', 'reference'] and ['reference']; returns the wasm backend for inspection. */
export async function check(c: OpCase): Promise<{ backend: WasmBackend; ranOn: string }> {
  const a = model(c);
  const wasm = await InferenceSession.fromModel(a.model, { backends: ['wasm', 'reference'], graphOptimizationLevel: 'disabled' });
  const got = await wasm.run(a.feeds);
  const b = model(c);
  const ref = await InferenceSession.fromModel(b.model, { backends: ['reference'], graphOptimizationLevel: 'disabled' });
  const want = await ref.run(b.feeds);
  for (const name of Object.keys(want)) compare(got[name]!, want[name]!, c, name);
  const backend = lastBackend!;
  const ranOn = wasm.assignments[0]!.backend;
  await wasm.release();
  return { backend, ranOn };
}

/** Throws when `got` differs from `want` beyond rtol/atol (NaN equals NaN). */
export function compare(got: Tensor, want: Tensor, c: Pick<OpCase, 'rtol' | 'atol' | 'op'>, what = 'out0'): void {
  const fail = (m: string) => { throw new Error(`${c.op} ${what}: ${m}`); };
  if (got.type !== want.type) fail(`type ${got.type}, reference ${want.type}`);
  if (got.dims.join(',') !== want.dims.join(',')) fail(`dims [${got.dims}], reference [${want.dims}]`);
  const g = got.data as ArrayLike<number | bigint>;
  const w = want.data as ArrayLike<number | bigint>;
  const rtol = c.rtol ?? 1e-4;
  const atol = c.atol ?? 1e-5;
  for (let i = 0; i < w.length; i++) {
    const x = Number(g[i]!), y = Number(w[i]!);
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) fail(`[${i}] = ${x}, reference ${y} (rtol ${rtol}, atol ${atol})`);
  }
}
