/**
 * Runs one op on the webgpu backend and on the reference backend and compares: the same body runs in
 * Node (Dawn, test/webgpu/node-suite.ts) and in Chromium (test/browser/webgpu.spec.ts). A case fails when
 * the outputs differ, or when the node did not run on the GPU (a run-time CPU fallback counts as a failure
 * unless the case expects it).
 */
import '../../src/index.js'; // registers the ONNX reader and the reference backend
// The engine's session runs in this thread (the package's default session runs in a worker).
import { Graph, InferenceSession, Node, Tensor, registerBackend, type Attribute, type Model, type RuntimeValue } from '../../src/engine/index.js';
import { toNumbers } from '../../src/engine/elements.js';
import { getSchema, opKey } from '../../src/engine/ops/index.js';
import { tensorType } from '../../src/engine/ir/types.js';
import { createWebGpuBackend, type WebGpuBackend } from '../../src/shaders/index.js';
import type { KernelCase } from './cases.js';

let last: WebGpuBackend | undefined;

/** Registers 'webgpu' (remembering the instance each session gets, for its report). */
export function registerWebGpu(): void {
  registerBackend('webgpu', async () => (last = await createWebGpuBackend()));
}

export const lastBackend = (): WebGpuBackend | undefined => last;

export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly message?: string;
  /** Run-time CPU fallbacks of the node (reasons). */
  readonly fallbacks: readonly string[];
}

function buildModel(c: KernelCase): { model: Model; feeds: Record<string, RuntimeValue>; outs: string[] } {
  const domain = c.domain ?? '';
  const schema = getSchema(opKey(domain, c.op));
  const g = new Graph();
  g.opsets.set('', c.opset ?? 22);
  if (domain) g.opsets.set(domain, 1);
  const names = c.inputs.map((v, i) => (v === undefined ? '' : `in${i}`));
  const feeds: Record<string, RuntimeValue> = {};
  c.inputs.forEach((v, i) => {
    if (v === undefined) return;
    if (c.constInputs?.includes(i)) g.initializers.set(`in${i}`, v);
    else {
      g.inputs.push({ name: `in${i}`, type: tensorType(v.type, v.dims) });
      feeds[`in${i}`] = v;
    }
  });
  const nOut = c.outputs ?? Math.max(1, schema?.outputs[0] ?? 1);
  const outs = Array.from({ length: nOut }, (_, i) => `out${i}`);
  const attrs = new Map<string, Attribute>();
  for (const [k, v] of Object.entries(c.attrs ?? {})) attrs.set(k, { type: schema!.attrs[k]!.type, value: v } as Attribute);
  g.nodes.push(new Node(`${c.op}_0`, c.op, [...(c.nodeInputs ?? names)], outs, attrs, domain));
  g.outputs = outs.map((name) => ({ name }));
  return { model: { format: 'onnx', graph: g, metadata: new Map() }, feeds, outs };
}

async function runOn(c: KernelCase, backend: string): Promise<RuntimeValue[]> {
  const { model, feeds, outs } = buildModel(c);
  const s = await InferenceSession.fromModel(model, { backends: [backend], graphOptimizationLevel: 'disabled' });
  const out = await s.runValues(feeds);
  await s.release();
  return outs.map((o) => out[o]!);
}

export function compare(got: RuntimeValue, want: RuntimeValue, tol: { rtol: number; atol: number }): string | undefined {
  if (!(got instanceof Tensor) || !(want instanceof Tensor)) return 'not a tensor';
  if (got.type !== want.type) return `type ${got.type}, expected ${want.type}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `dims [${got.dims}], expected [${want.dims}]`;
  const a = toNumbers(got);
  const b = toNumbers(want);
  const exact = !got.type.startsWith('float');
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (exact || !(Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y))) return `[${i}] ${x}, expected ${y}`;
  }
  return undefined;
}

export async function runCase(c: KernelCase): Promise<CaseResult> {
  try {
    const want = await runOn(c, 'reference');
    const got = await runOn(c, 'webgpu');
    const fallbacks = (last?.report().fallbacks ?? []).map((f) => f.reason);
    const tol = c.tol ?? { rtol: 1e-4, atol: 1e-5 };
    for (let k = 0; k < want.length; k++) {
      if (c.skipOutputs?.includes(k)) continue;
      const d = compare(got[k]!, want[k]!, tol);
      if (d) return { name: c.name, ok: false, message: `output ${k}: ${d}`, fallbacks };
    }
    if (fallbacks.length && !c.expectFallback) return { name: c.name, ok: false, message: `ran on the CPU: ${fallbacks.join('; ')}`, fallbacks };
    return { name: c.name, ok: true, fallbacks };
  } catch (e) {
    return { name: c.name, ok: false, message: e instanceof Error ? `${e.message}` : String(e), fallbacks: [] };
  }
}
