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

export class Executor {
  constructor(private readonly plans: ReadonlyMap<Graph, GraphPlan>) {}

  async runGraph(graph: Graph, feeds: ReadonlyMap<string, RuntimeValue>, parent?: Scope): Promise<Scope> {
    const plan = this.plans.get(graph);
    if (!plan) throw new KilnError('E_INTERNAL', `graph '${graph.name}' was not planned`);
    const scope = new Scope(graph, parent);
    for (const [k, v] of feeds) scope.vars.set(k, v);
    for (let i = 0; i < plan.nodes.length; i++) {
      const p = plan.nodes[i]!;
      const n = p.node;
      const inputs = n.inputs.map((name) => {
        if (name === '') return undefined;
        const v = scope.get(name);
        if (v === undefined) throw new KilnError('E_INTERNAL', `node ${n.label}: value '${name}' is not available`, { node: n.name });
        return v;
      });
      const env: KernelEnv = {
        label: n.label,
        runSubgraph: async (g, subInputs) => {
          const subFeeds = new Map<string, RuntimeValue>();
          g.inputs.forEach((inp, k) => {
            const v = subInputs[k];
            if (v !== undefined) subFeeds.set(inp.name, v);
          });
          const s = await this.runGraph(g, subFeeds, scope);
          return g.outputs.map((o) => {
            const v = s.get(o.name);
            if (v === undefined) throw new KilnError('E_RUNTIME', `node ${n.label}: subgraph output '${o.name}' was not produced`, { node: n.name });
            return v;
          });
        },
      };
      const outs = await runNode(p, inputs, env);
      n.outputs.forEach((o, k) => {
        if (o && outs[k] !== undefined) scope.vars.set(o, outs[k]!);
      });
      // Free what no later node reads.
      for (const d of [...dependencies(n), ...n.outputs]) {
        if (d && plan.lastUse.get(d)! <= i && !plan.keep.has(d) && scope.vars.has(d)) scope.vars.delete(d);
      }
    }
    return scope;
  }
}

/** Runs one node: infer on concrete values, compute params, call the kernel, check the outputs. */
export async function runNode(p: NodePlan, inputs: readonly (RuntimeValue | undefined)[], env: KernelEnv): Promise<RuntimeValue[]> {
  const n = p.node;
  const ctx = makeContext({
    label: n.label,
    nodeName: n.name,
    opset: p.opset,
    attrs: p.attrs,
    inputs: inputs.map(typeOfValue),
    present: inputs.map((v) => v !== undefined),
    numOutputs: n.outputs.length,
    value: (i) => (inputs[i] instanceof Tensor ? (inputs[i] as Tensor) : undefined),
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
    throw asNodeError(e, n);
  }
  if (n.subgraphs().length === 0) checkOutputs(n, inferred, outs);
  return outs;
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
