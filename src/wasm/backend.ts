/**
 * The wasm backend: hand-written SIMD C kernels (src/wasm/kernels) behind the Backend seam. Tensors stay
 * on the CPU side (location 'cpu'): values passed between wasm nodes are views into one activation arena
 * in the WASM heap (see arena.ts), constants are placed or packed into the heap once in prepare(), and
 * whatever leaves for another backend or the caller is copied out.
 *
 * A node whose inputs turn out to be of a type the kernel lacks (say float64) runs on the reference
 * backend, reached through the engine's registry; `stats.delegated` counts those.
 */
import type { Backend, KernelEnv, RuntimeValue, SupportQuery } from '../engine/backend.js';
import type { LlmKernels } from '../engine/llm-kernels.js';
import { KilnError } from '../engine/errors.js';
import type { Graph, Node } from '../engine/ir/graph.js';
import { opKey } from '../engine/ops/index.js';
import { createBackend } from '../engine/registry.js';
import { Tensor } from '../engine/tensor.js';
import { planArena, type ArenaPlan } from './arena.js';
import { createWasmLlmKernels, type WasmLlmKernels } from './llm/kernels.js';
import { bytesOfData, NodeRun, type Residency } from './context.js';
import { loadRuntime, wasmEnv, type WasmOptions } from './loader.js';
import { ALIAS_OPS, WASM_OPS } from './ops/index.js';
import type { PrepareCtx } from './ops/types.js';
import type { Runtime } from './runtime.js';

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly location = 'cpu';
  /** Nodes that ran on the reference backend because their inputs did not suit the kernel. */
  readonly stats = { delegated: 0, runs: 0 };
  private readonly owned: number[] = [];
  private readonly where = new WeakMap<Tensor, number>();
  private readonly constants = new Set<Tensor>();
  private readonly states = new Map<Node, unknown>();
  private plan?: ArenaPlan;
  /** The root graph's last wasm node: after it, the pool's workers may sleep. */
  private lastNode?: Node;
  private arena = 0;
  private fallback?: Promise<Backend>;
  private readonly residency: Residency;
  private llmKernels?: WasmLlmKernels;

  constructor(readonly rt: Runtime) {
    this.residency = {
      where: this.where,
      isConstant: (t) => this.constants.has(t),
      place: (t) => this.place(t),
    };
  }

  /** The build and thread count in use, and why (e.g. single-threaded without cross-origin isolation). */
  get notes(): readonly string[] {
    return this.rt.notes;
  }

  get threads(): number {
    return this.rt.threads;
  }

  /** The LLM runner's kernels (src/wasm/llm), made on first use; weights stay in their GGUF types in the heap. */
  get llm(): LlmKernels {
    return (this.llmKernels ??= createWasmLlmKernels(this.rt));
  }

  supports(q: SupportQuery): true | string {
    const op = WASM_OPS[q.opKey];
    if (!op) return `no wasm kernel for ${q.opKey}`;
    const t = q.inputTypes?.[0];
    if (t?.kind === 'tensor' && t.dtype === 'string') return 'string tensors stay off the wasm heap';
    const dtypes = op.dtypes ?? ['float32'];
    if (t?.kind === 'tensor' && dtypes !== 'any' && !dtypes.includes(t.dtype)) return `the wasm ${q.opKey} kernel takes ${dtypes.join(' or ')}, not ${t.dtype}`;
    return op.supports ? op.supports(q) : true;
  }

  async prepare(graph: Graph, nodes: readonly Node[]): Promise<void> {
    const graphOf = new Map<Node, Graph>();
    const visit = (g: Graph) => {
      for (const t of g.initializers.values()) this.constants.add(t);
      for (const n of g.nodes) {
        graphOf.set(n, g);
        for (const s of n.subgraphs()) visit(s);
      }
    };
    visit(graph);
    const mine = new Set(nodes);
    this.lastNode = [...graph.nodes].reverse().find((n) => mine.has(n));
    this.plan = planArena(graph, mine, (n) => n.domain === '' && ALIAS_OPS.has(n.opType));
    if (this.plan.size > 0) this.arena = this.alloc(this.plan.size);
    for (const n of nodes) {
      const op = WASM_OPS[opKey(n.domain, n.opType)];
      const g = graphOf.get(n) ?? graph;
      if (!op?.prepare) continue;
      try {
        const s = op.prepare(n, this.prepareCtx(g));
        if (s !== undefined) this.states.set(n, s);
      } catch {
        // Unexpected constants: the node packs its operands at run time instead.
      }
    }
  }

  run(q: SupportQuery, inputs: readonly (RuntimeValue | undefined)[], params: unknown, env: KernelEnv): RuntimeValue[] | Promise<RuntimeValue[]> {
    const op = WASM_OPS[q.opKey];
    if (!op) throw new KilnError('E_INTERNAL', `no wasm kernel for ${q.opKey}`);
    if (!op.accepts(inputs, params)) return this.delegate(q, inputs, params, env);
    this.stats.runs++;
    this.rt.scratchBegin();
    const ctx = new NodeRun(this.rt, inputs, this.states.get(q.node), q.node.outputs.length, this.residency, this.arena, this.plan?.slots.get(q.node));
    op.run(ctx, params);
    if (q.node === this.lastNode) this.rt.rest();
    return ctx.finish();
  }

  dispose(): void {
    this.llmKernels?.dispose();
    this.llmKernels = undefined;
    for (const p of this.owned) this.rt.heap.release(p);
    this.owned.length = 0;
    this.states.clear();
    this.constants.clear();
    this.arena = 0;
    this.plan = undefined;
  }

  private alloc(bytes: number): number {
    const p = this.rt.heap.alloc(bytes);
    this.owned.push(p);
    return p;
  }

  private place(t: Tensor): number {
    let p = this.where.get(t);
    if (p !== undefined) return p;
    const bytes = bytesOfData(t.data);
    p = this.alloc(bytes.byteLength);
    this.rt.u8.set(bytes, p);
    this.where.set(t, p);
    return p;
  }

  private prepareCtx(g: Graph): PrepareCtx {
    return {
      rt: this.rt,
      graph: g,
      constant: (name) => {
        for (let s: Graph | undefined = g; s; s = s.parent) {
          const t = s.initializers.get(name);
          if (t) return t;
        }
        return undefined;
      },
      alloc: (bytes) => this.alloc(bytes),
      place: (t) => this.place(t),
    };
  }

  /** Runs the node on the reference backend, with heap views replaced by copies it may keep. */
  private async delegate(q: SupportQuery, inputs: readonly (RuntimeValue | undefined)[], params: unknown, env: KernelEnv): Promise<RuntimeValue[]> {
    this.stats.delegated++;
    const safe = inputs.map((v) => {
      if (!(v instanceof Tensor)) return v;
      const p = this.where.get(v);
      if (p === undefined || this.constants.has(v)) return v;
      return new Tensor(v.type, (this.rt.view(v.type, p, v.size) as Float32Array).slice(), v.dims);
    });
    this.fallback ??= createBackend('reference');
    const ref = await this.fallback;
    return ref.run(q, safe, params, env);
  }
}

/** Creates a wasm backend (one per session); the runtime behind it is shared per build and thread count. */
export async function createWasmBackend(options: WasmOptions = {}): Promise<WasmBackend> {
  const opts = { ...wasmEnv, ...stripUndefined(options) };
  const rt = await loadRuntime(opts);
  if (opts.minParallelWork !== undefined) rt.minParallelWork = opts.minParallelWork;
  return new WasmBackend(rt);
}

function stripUndefined(o: WasmOptions): WasmOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as WasmOptions;
}
