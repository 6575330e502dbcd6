/**
 * The executor walks a planned graph: for each node it gathers input values, runs the schema's `infer`
 * and `params` on the concrete values, calls the assigned backend, checks the outputs against inference,
 * and frees every value after its last reader.
 */
import type { Backend, KernelEnv, RuntimeValue, SupportQuery } from './backend.js';
import { KilnError } from './errors.js';
import type { Graph, Node } from './ir/graph.js';
import { formatType, isConcreteShape, type ValueType } from './ir/types.js';
import { ShapeUnknown, makeContext, typeOfValue, withOutputs } from './ops/context.js';
import type { OpSchema } from './ops/schema.js';
import { Tensor } from './tensor.js';

export interface NodePlan {
  readonly node: Node;
  readonly schema: OpSchema<unknown, unknown>;
  /** Attributes with defaults filled, resolved once. */
  readonly attrs: Record<string, unknown>;
  readonly opset: number;
  readonly query: SupportQuery;
  readonly backend: Backend;
}

export interface GraphPlan {
  readonly graph: Graph;
  readonly nodes: readonly NodePlan[];
  /** Value name → index of the last node that reads it (values read by nobody: -1). */
  readonly lastUse: ReadonlyMap<string, number>;
  readonly keep: ReadonlySet<string>;
}

export function makeGraphPlan(graph: Graph, nodes: readonly NodePlan[]): GraphPlan {
  const lastUse = new Map<string, number>();
  nodes.forEach((p, i) => {
    for (const d of dependencies(p.node)) lastUse.set(d, i);
    for (const o of p.node.outputs) if (o && !lastUse.has(o)) lastUse.set(o, -1);
  });
  return { graph, nodes, lastUse, keep: new Set(graph.outputs.map((o) => o.name)) };
}

const depCache = new WeakMap<Node, string[]>();
function dependencies(n: Node): string[] {
  let d = depCache.get(n);
  if (!d) {
    d = n.inputs.filter((i) => i !== '');
    for (const g of n.subgraphs()) d.push(...g.outerReferences());
    depCache.set(n, d);
  }
  return d;
}

/** Values visible while running one graph: its own, its initializers, then the enclosing scope's. */
export class Scope {
  readonly vars = new Map<string, RuntimeValue>();
  constructor(readonly graph: Graph, readonly parent?: Scope) {}
  get(name: string): RuntimeValue | undefined {
    if (this.vars.has(name)) return this.vars.get(name);
    const init = this.graph.initializers.get(name);
    if (init) return init;
    return this.parent?.get(name);
  }
}

/** One node's run, for profiling. */
export interface NodeProfile {
  readonly node: string;
  readonly opType: string;
  readonly backend: string;
  /** Wall time of the backend call (for GPU backends: the time to encode and submit). */
  readonly ms: number;
  /** Device time of the node (GPU timestamps), where the backend measures it. */
  gpuMs?: number;
}

export interface RunOptions {
  /**
   * Checked before every node: an aborted run throws KilnError('E_ABORTED'). A run with a signal lets
   * queued events in (a click, a timer, a worker's abort message) at least every YIELD_MS, or the
   * signal could never flip while the run holds the thread.
   */
  readonly signal?: AbortSignal;
  /** Also checked before every node, without yielding: e.g. a flag in shared memory another thread sets. */
  readonly isAborted?: () => boolean;
  /** When given, each node's timing is pushed here. */
  readonly profile?: NodeProfile[];
}

/** Longest stretch (ms) a run with an AbortSignal holds the thread without letting queued events in. */
const YIELD_MS = 16;

/** A task boundary without setTimeout's clamp: setImmediate in Node, a MessageChannel post elsewhere. */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((r) => setImmediate(r));
  return new Promise((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(0);
  });
}

/**
 * Per-run bookkeeping of device memory: live references to each tensor a backend produced (the same
 * object may sit under several names), and copies of tensors moved to another location. A device tensor
 * is disposed when its last reference dies; copies die with the run. Copies of constants (initializers)
 * are kept by the executor across runs, so weights move to a device once.
 */
class RunState {
  readonly refs = new Map<Tensor, number>();
  readonly copies = new Map<Tensor, Map<string, Tensor>>();
  private lastYield = performance.now();
  constructor(readonly opts: RunOptions, private readonly constants: ConstantCopies) {}

  /** Throws E_ABORTED when the run was aborted; with a signal, first lets queued events in when due. */
  async checkAbort(label: string, node: string): Promise<void> {
    if (this.opts.signal && performance.now() - this.lastYield >= YIELD_MS) {
      await yieldToEventLoop();
      this.lastYield = performance.now();
    }
    if (this.opts.signal?.aborted || this.opts.isAborted?.()) {
      throw new KilnError('E_ABORTED', `the run was aborted before node ${label}`, { node });
    }
  }

  hold(t: RuntimeValue | undefined): void {
    if (t instanceof Tensor && t.location !== 'cpu') this.refs.set(t, (this.refs.get(t) ?? 0) + 1);
  }

  drop(t: RuntimeValue | undefined): void {
    if (!(t instanceof Tensor)) return;
    const n = this.refs.get(t);
    if (n !== undefined) {
      if (n > 1) { this.refs.set(t, n - 1); return; }
      this.refs.delete(t);
      t.dispose();
    }
    for (const c of this.copies.get(t)?.values() ?? []) c.dispose();
    this.copies.delete(t);
  }

  /** `t` where `backend` keeps its tensors, moving it there (once per run, once per session for constants). */
  async moveTo(t: Tensor, backend: Backend): Promise<Tensor> {
    const loc = backend.location ?? 'cpu';
    if (t.location === loc) return t;
    const cache = this.constants.isConstant(t) ? this.constants.copies : this.copies;
    const cached = cache.get(t)?.get(loc);
    if (cached) return cached;
    let moved = await t.toCpu();
    if (loc !== 'cpu') {
      if (!backend.upload) throw new KilnError('E_INTERNAL', `backend '${backend.name}' (location ${loc}) has no upload()`);
      moved = await backend.upload(moved);
    }
    if (!cache.has(t)) cache.set(t, new Map());
    cache.get(t)!.set(loc, moved);
    return moved;
  }

  /** End of run: copies of feeds and outputs are no longer needed. */
  finish(): void {
    for (const m of this.copies.values()) for (const c of m.values()) if (c.location !== 'cpu') c.dispose();
    this.copies.clear();
  }
}

/** Initializers moved to a device, kept for the session's life. */
class ConstantCopies {
  readonly copies = new Map<Tensor, Map<string, Tensor>>();
  private readonly constants = new Set<Tensor>();
  constructor(graphs: Iterable<Graph>) {
    for (const g of graphs) for (const t of g.initializers.values()) this.constants.add(t);
  }
  isConstant(t: Tensor): boolean {
    return this.constants.has(t);
  }
  dispose(): void {
    for (const m of this.copies.values()) for (const c of m.values()) c.dispose();
    this.copies.clear();
  }
}

export class Executor {
  private readonly constants: ConstantCopies;
  constructor(private readonly plans: ReadonlyMap<Graph, GraphPlan>) {
    this.constants = new ConstantCopies(plans.keys());
  }

  /** Runs `graph`; values it produces (graph outputs included) are left in the returned scope. */
  async runGraph(graph: Graph, feeds: ReadonlyMap<string, RuntimeValue>, opts: RunOptions = {}): Promise<Scope> {
    const state = new RunState(opts, this.constants);
    try {
      return await this.run(graph, feeds, undefined, state);
    } finally {
      state.finish();
    }
  }

  /** Frees device copies of constants. */
  dispose(): void {
    this.constants.dispose();
  }

  private async run(graph: Graph, feeds: ReadonlyMap<string, RuntimeValue>, parent: Scope | undefined, state: RunState): Promise<Scope> {
    const plan = this.plans.get(graph);
    if (!plan) throw new KilnError('E_INTERNAL', `graph '${graph.name}' was not planned`);
    const scope = new Scope(graph, parent);
    for (const [k, v] of feeds) scope.vars.set(k, v);
    for (let i = 0; i < plan.nodes.length; i++) {
      const p = plan.nodes[i]!;
      const n = p.node;
      if (state.opts.signal || state.opts.isAborted) await state.checkAbort(n.label, n.name);
      const inputs: (RuntimeValue | undefined)[] = [];
      for (const name of n.inputs) {
        if (name === '') { inputs.push(undefined); continue; }
        const v = scope.get(name);
        if (v === undefined) throw new KilnError('E_INTERNAL', `node ${n.label}: value '${name}' is not available`, { node: n.name });
        inputs.push(v instanceof Tensor ? await state.moveTo(v, p.backend) : v);
      }
      const env: KernelEnv = {
        label: n.label,
        runSubgraph: async (g, subInputs) => {
          const subFeeds = new Map<string, RuntimeValue>();
          g.inputs.forEach((inp, k) => {
            const v = subInputs[k];
            if (v !== undefined) subFeeds.set(inp.name, v);
          });
          const s = await this.run(g, subFeeds, scope, state);
          return g.outputs.map((o) => {
            const v = s.get(o.name);
            if (v === undefined) throw new KilnError('E_RUNTIME', `node ${n.label}: subgraph output '${o.name}' was not produced`, { node: n.name });
            return v;
          });
        },
      };
      const t0 = state.opts.profile ? performance.now() : 0;
      const outs = await runNode(p, inputs, env);
      if (state.opts.profile) state.opts.profile.push({ node: n.name, opType: n.opType, backend: p.backend.name, ms: performance.now() - t0 });
      n.outputs.forEach((o, k) => {
        if (o && outs[k] !== undefined) {
          scope.vars.set(o, outs[k]!);
          state.hold(outs[k]);
        }
      });
      // Free what no later node reads.
      for (const d of [...dependencies(n), ...n.outputs]) {
        if (d && plan.lastUse.get(d)! <= i && !plan.keep.has(d) && scope.vars.has(d)) {
          state.drop(scope.vars.get(d));
          scope.vars.delete(d);
        }
      }
    }
    return scope;
  }
}

/** Thrown by ctx.value(i) when input i lives on a device: the executor downloads it and asks again. */
class NeedsValue extends Error {
  constructor(readonly index: number) {
    super(`input ${index} must be read on the CPU`);
  }
}

/**
 * Runs one node: infer on concrete values, compute params, call the kernel, check the outputs. Inputs the
 * schema reads as values (a Reshape's shape, a Slice's starts) are brought to the CPU for it, while the
 * kernel still gets every input where its backend keeps them.
 */
export async function runNode(p: NodePlan, inputs: readonly (RuntimeValue | undefined)[], env: KernelEnv): Promise<RuntimeValue[]> {
  const n = p.node;
  const host = [...inputs];
  for (;;) {
    try {
      return await runNodeOnce(p, inputs, host, env);
    } catch (e) {
      if (!(e instanceof NeedsValue)) throw e;
      host[e.index] = await (inputs[e.index] as Tensor).toCpu();
    }
  }

  async function runNodeOnce(p: NodePlan, inputs: readonly (RuntimeValue | undefined)[], host: (RuntimeValue | undefined)[], env: KernelEnv): Promise<RuntimeValue[]> {
    const ctx = makeContext({
      label: n.label,
      nodeName: n.name,
      opset: p.opset,
      attrs: p.attrs,
      inputs: inputs.map(typeOfValue),
      present: inputs.map((v) => v !== undefined),
      numOutputs: n.outputs.length,
      value: (i) => {
        const v = host[i];
        if (!(v instanceof Tensor)) return undefined;
        if (v.location !== 'cpu') throw new NeedsValue(i);
        return v;
      },
    });
    let outs: RuntimeValue[];
    let inferred: (ValueType | undefined)[] = [];
    try {
      try {
        inferred = p.schema.infer(ctx);
      } catch (e) {
        if (!(e instanceof ShapeUnknown)) throw e;
      }
      const params = p.schema.params(withOutputs(ctx, inferred));
      outs = await p.backend.run(p.query, inputs, params, env);
    } catch (e) {
      if (e instanceof NeedsValue) throw e;
      throw asNodeError(e, n);
    }
    if (n.subgraphs().length === 0) checkOutputs(n, inferred, outs);
    return outs;
  }
}

function asNodeError(e: unknown, n: Node): KilnError {
  if (e instanceof KilnError) {
    if (e.details.node !== undefined) return e;
    return new KilnError(e.code, `node ${n.label}: ${e.message.replace(/^\[[A-Z_]+\] /, '')}`, { ...e.details, node: n.name }, { cause: e });
  }
  if (e instanceof ShapeUnknown) return new KilnError('E_INTERNAL', `node ${n.label}: ${e.message}`, { node: n.name }, { cause: e });
  const msg = e instanceof Error ? e.message : String(e);
  const code = e instanceof RangeError && /allocation|Array buffer|Invalid typed array length/i.test(msg) ? 'E_QUOTA' : 'E_RUNTIME';
  return new KilnError(code, `node ${n.label} failed: ${msg}`, { node: n.name }, { cause: e });
}

/** Kernel output must agree with what inference promised (catches schema/kernel drift early). */
function checkOutputs(n: Node, inferred: readonly (ValueType | undefined)[], outs: readonly RuntimeValue[]): void {
  const required = n.outputs.filter((o) => o !== '').length;
  if (outs.length < required && n.outputs.slice(outs.length).some((o) => o !== '')) {
    throw new KilnError('E_INTERNAL', `node ${n.label}: kernel returned ${outs.length} outputs, the node has ${n.outputs.length}`, { node: n.name });
  }
  outs.forEach((v, i) => {
    const t = inferred[i];
    if (!(v instanceof Tensor) || !t || t.kind !== 'tensor') return;
    const shapeOk = !isConcreteShape(t.shape) || (t.shape.length === v.dims.length && t.shape.every((d, k) => d === v.dims[k]));
    if (t.dtype !== v.type || !shapeOk) {
      throw new KilnError('E_INTERNAL', `node ${n.label}: output ${i} is ${v.type}[${v.dims.join(',')}], shape inference said ${formatType(t)}`, { node: n.name });
    }
  });
}
