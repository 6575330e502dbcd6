/**
 * The ONNX node conformance cases, run in the page on ['webgpu', 'reference']: the model and its .pb
 * files are fetched from /shared/conformance/onnx/node/<case>/. A case is "claimed" when the planner put
 * every node on webgpu; the result says how many nodes ran on the CPU at run time (dtypes the GPU lacks).
 */
import '../../../src/index.js';
import { InferenceSession, Tensor, type RuntimeValue, type ValueType } from '../../../src/engine/index.js';
import { loadOnnx, readOptionalProto, readSequenceProto, readTensorProto } from '../../../src/formats/onnx/index.js';
import { compare, lastBackend } from '../../webgpu/harness.js';
import tolerances from '../../conformance/tolerances.json' with { type: 'json' };

export interface ConformanceResult {
  readonly id: string;
  /** 'skip': not claimed (some node planned elsewhere, or the model does not load). */
  readonly status: 'pass' | 'fail' | 'skip';
  readonly message?: string;
  readonly ranOn?: Readonly<Record<string, number>>;
  readonly cpuFallbacks?: number;
}

const TOL = tolerances as Record<string, { rtol: number; atol: number }>;

async function fetchBytes(url: string): Promise<Uint8Array | undefined> {
  const r = await fetch(url);
  return r.ok ? new Uint8Array(await r.arrayBuffer()) : undefined;
}

function readValue(bytes: Uint8Array, type: ValueType | undefined): RuntimeValue {
  if (type?.kind === 'sequence') return readSequenceProto(bytes);
  if (type?.kind === 'optional') return readOptionalProto(bytes);
  return readTensorProto(bytes);
}

/** undefined when equal: tensors within tolerance, sequences element by element, empty optionals. */
function compareValue(got: RuntimeValue | undefined, want: RuntimeValue, tol: { rtol: number; atol: number }): string | undefined {
  if (got === undefined) return 'missing';
  if (want === null || got === null) return want === got ? undefined : 'optional presence differs';
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return 'sequence differs';
    for (let i = 0; i < want.length; i++) {
      const d = compareValue(got[i], want[i]!, tol);
      if (d) return `[${i}] ${d}`;
    }
    return undefined;
  }
  return want instanceof Tensor && got instanceof Tensor ? compare(got, want, tol) : 'not a tensor';
}

export async function runConformanceCase(id: string): Promise<ConformanceResult> {
  const base = `/shared/conformance/onnx/${id}/`;
  let ranOn: Record<string, number> | undefined;
  try {
    const model = await loadOnnx((await fetchBytes(`${base}model.onnx`))!, {
      externalData: async (loc) => (await fetchBytes(base + loc))!,
    });
    const g = model.graph;
    if (g.nodes.some((n) => n.subgraphs().length > 0)) return { id, status: 'skip', message: 'has subgraphs' };
    const session = await InferenceSession.fromModel(model, { backends: ['webgpu', 'reference'] });
    ranOn = { ...session.backendSummary };
    if (Object.keys(ranOn).some((b) => b !== 'webgpu')) {
      await session.release();
      return { id, status: 'skip', ranOn };
    }
    const feeds: Record<string, RuntimeValue> = {};
    const inputs = g.inputs.filter((i) => !g.initializers.has(i.name));
    for (let i = 0; i < inputs.length; i++) {
      const bytes = await fetchBytes(`${base}test_data_set_0/input_${i}.pb`);
      if (bytes) feeds[inputs[i]!.name] = readValue(bytes, inputs[i]!.type);
    }
    const fallbacksBefore = lastBackend()?.report().fallbacks.length ?? 0;
    const got = await session.runValues(feeds);
    const cpuFallbacks = (lastBackend()?.report().fallbacks.length ?? 0) - fallbacksBefore;
    const tol = TOL[id] ?? { rtol: 1e-3, atol: 1e-7 };
    for (let i = 0; i < g.outputs.length; i++) {
      const o = g.outputs[i]!;
      const want = readValue((await fetchBytes(`${base}test_data_set_0/output_${i}.pb`))!, o.type);
      const v = got[o.name];
      const d = compareValue(v, want, tol);
      if (d) {
        await session.release();
        return { id, status: 'fail', message: `output '${o.name}': ${d}`, ranOn, cpuFallbacks };
      }
    }
    await session.release();
    return { id, status: 'pass', ranOn, cpuFallbacks };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    return ranOn ? { id, status: 'fail', message: msg, ranOn } : { id, status: 'skip', message: msg };
  }
}
