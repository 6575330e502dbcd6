/**
 * The webgpu Backend: claims the ops it has kernels for, compiles their pipelines at session creation,
 * runs nodes on GPU tensors, and keeps outputs on the GPU. A node whose inputs a kernel cannot take
 * at run time (a dtype or rank it lacks) runs on the reference backend instead, and `report().fallbacks`
 * lists it. A lost device makes every call throw KilnError('E_DEVICE_LOST'): the session then drops
 * this backend, plans again on the others and retries the run.
 */
import type { Backend, KernelEnv, RuntimeValue, SupportQuery } from '../engine/backend.js';
import { KilnError } from '../engine/errors.js';
import type { Graph, Node } from '../engine/ir/graph.js';
import type { ValueType } from '../engine/ir/types.js';
import { makeContext, withOutputs } from '../engine/ops/context.js';
import { getSchema, opKey, resolveAttrs } from '../engine/ops/index.js';
import { createBackend } from '../engine/registry.js';
import { Tensor } from '../engine/tensor.js';
import { acquireDevice, sharedContext, type DeviceOptions, type GpuCapabilities, type GpuContext } from './device.js';
import { Unsupported, elemOf } from './dtypes.js';
import { KernelContext } from './kernel.js';
import { WEBGPU_KERNELS, typeCheck } from './kernels.js';
import { runtimeFor, type GpuRuntime, type RuntimeStats } from './runtime.js';
import { lazyTensor } from './storage.js';
import { createWebGpuLlmKernels, type WebGpuLlmKernels } from './llm/index.js';

export interface WebGpuBackendOptions extends DeviceOptions {
  /** Use this context instead of the page's shared one (tests that lose a device on purpose). */
  readonly context?: GpuContext;
  /** A device of its own rather than the page's shared one. */
  readonly ownDevice?: boolean;
}

export interface WebGpuReport {
  readonly capabilities: GpuCapabilities;
  readonly stats: RuntimeStats;
  /** Nodes that ran on the CPU at run time, and why. */
  readonly fallbacks: readonly { node: string; op: string; reason: string }[];
}

/** SupportQuery as the engine may extend it: the node's input types, known statically. */
type TypedQuery = SupportQuery & { readonly inputTypes?: readonly (ValueType | undefined)[] };

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  readonly location = 'gpu-buffer';
  readonly rt: GpuRuntime;
  private reference: Backend | undefined;
  private readonly fallbackLog: { node: string; op: string; reason: string }[] = [];
  private llmKernels: WebGpuLlmKernels | undefined;

  constructor(readonly context: GpuContext) {
    this.rt = runtimeFor(context);
  }

  /** The LLM runner's kernels (src/shaders/llm), made on first use. */
  get llm(): WebGpuLlmKernels {
    return (this.llmKernels ??= createWebGpuLlmKernels(this.rt));
  }

  get capabilities(): GpuCapabilities {
    return this.context.caps;
  }

  supports(q: SupportQuery): true | string {
    if (!(q.opKey in WEBGPU_KERNELS)) return `no webgpu kernel for ${q.opKey}`;
    const types = (q as TypedQuery).inputTypes;
    return types ? typeCheck(q.opKey, types, this.context.caps.features.shaderF16) : true;
  }

  async prepare(graph: Graph, nodes: readonly Node[]): Promise<void> {
    this.context.check();
    const ctx = new KernelContext(this.rt, this.context.caps, true);
    for (const n of nodes) {
      try {
        dryRun(new KernelContext(this.rt, this.context.caps, true, n.outputs, ctx.warming), graph, n);
      } catch {
        // Shapes unknown until run time: that node's pipelines compile on first use.
      }
    }
    await Promise.all(ctx.warming);
  }

  run(q: SupportQuery, inputs: readonly (RuntimeValue | undefined)[], params: unknown, env: KernelEnv): RuntimeValue[] | Promise<RuntimeValue[]> {
    this.context.check();
    const kernel = WEBGPU_KERNELS[q.opKey];
    try {
      if (!kernel) throw new Unsupported(`no webgpu kernel for ${q.opKey}`);
      if (!inputs.every((v) => v === undefined || v instanceof Tensor)) throw new Unsupported('sequence or optional inputs');
      this.rt.currentNode = q.node.name;
      return kernel(new KernelContext(this.rt, this.context.caps, false, q.node.outputs), inputs as (Tensor | undefined)[], params);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      return this.cpuFallback(q, inputs, params, env, e.message);
    }
  }

  upload(t: Tensor): Tensor {
    this.context.check();
    return lazyTensor(this.rt, t, elemOf(t.type, this.context.caps.features.shaderF16));
  }

  /** Pool, pipeline and submit statistics, the capability report, and run-time fallbacks. */
  report(): WebGpuReport {
    return { capabilities: this.context.caps, stats: this.rt.stats(), fallbacks: [...this.fallbackLog] };
  }

  /** GPU timestamps per node while on (needs `timestamp-query`; see collectProfile). */
  setProfiling(on: boolean): void {
    this.rt.profiler.setEnabled(on);
  }

  /** GPU milliseconds per node name since the last call (empty without `timestamp-query`). */
  async collectProfile(): Promise<Map<string, number>> {
    await this.rt.idle();
    return this.rt.profiler.collect();
  }

  /** Submits pending work and waits for the GPU (benchmarks). */
  async sync(): Promise<void> {
    await this.rt.idle();
  }

  dispose(): void {
    this.llmKernels?.dispose();
    if (!this.context.lost) this.rt.flush();
  }

  private async cpuFallback(q: SupportQuery, inputs: readonly (RuntimeValue | undefined)[], params: unknown, env: KernelEnv, reason: string): Promise<RuntimeValue[]> {
    this.reference ??= await createBackend('reference').catch(() => undefined);
    if (!this.reference) throw new KilnError('E_OP_UNSUPPORTED', `webgpu cannot run ${q.opKey} here (${reason}) and no reference backend is registered`);
    if (this.fallbackLog.length < 1000) this.fallbackLog.push({ node: q.node.name, op: q.opKey, reason });
    const host = await Promise.all(inputs.map((v) => (v instanceof Tensor ? v.toCpu() : v)));
    const outs = await this.reference.run(q, host, params, env);
    return outs.map((o) => (o instanceof Tensor ? this.upload(o) : o));
  }
}

/** Runs a node's kernel on placeholders with the graph's static types, to start compiling its pipelines. */
function dryRun(ctx: KernelContext, g: Graph, n: Node): void {
  const key = opKey(n.domain, n.opType);
  const kernel = WEBGPU_KERNELS[key];
  if (!kernel) return;
  const schema = getSchema(key);
  if (!schema) return;
  const opset = g.opsets.get(n.domain) ?? 1;
  const types = n.inputs.map((name) => (name === '' ? undefined : g.valueTypes.get(name) ?? initType(g, name)));
  const c = makeContext({
    label: n.label, nodeName: n.name, opset, attrs: resolveAttrs(schema, n, opset), inputs: types,
    present: n.inputs.map((i) => i !== ''), numOutputs: n.outputs.length,
    value: (i) => g.initializers.get(n.inputs[i]!),
  });
  const inferred = schema.infer(c);
  const params = schema.params(withOutputs(c, inferred));
  const placeholders = types.map((t) => {
    if (!t) return undefined;
    if (t.kind !== 'tensor' || !t.shape || !t.shape.every((d) => typeof d === 'number')) throw new Unsupported('shape unknown');
    return ctx.placeholder(t.dtype, t.shape as number[]);
  });
  kernel(ctx, placeholders, params);
}

function initType(g: Graph, name: string): ValueType | undefined {
  const t = g.initializers.get(name);
  return t ? { kind: 'tensor', dtype: t.type, shape: t.dims } : undefined;
}

/**
 * The `webgpu` backend factory (for registerBackend). Throws KilnError('E_BACKEND_UNAVAILABLE') where
 * there is no WebGPU or no adapter.
 */
export async function createWebGpuBackend(opts: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const context = opts.context ?? (opts.ownDevice ? await acquireDevice(opts) : await sharedContext(opts));
  return new WebGpuBackend(context);
}
