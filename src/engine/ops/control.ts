/**
 * Control-flow ops: If, Loop, Scan. Their bodies are subgraphs (attributes) that kernels run through
 * `env.runSubgraph`; the schemas only check the wiring, infer output types from the bodies, and hand the
 * graphs and the resolved axes/directions to the kernels.
 */
import type { Graph } from '../ir/graph.js';
import { freshDim, tensorType, type Dim, type ValueType } from '../ir/types.js';
import { normAxis } from './shape-utils.js';
import { attr, defineOp, type AttrValues, type OpContext, type OpSchema } from './schema.js';

/**
 * What two types a value may take (If branches, a loop-carried value before and after the body) have in
 * common: same dtype and rank keep, differing sizes become fresh symbols, anything else is unknown.
 */
export function joinTypes(a: ValueType | undefined, b: ValueType | undefined): ValueType | undefined {
  if (!a || !b || a.kind !== b.kind) return undefined;
  if (a.kind === 'tensor' && b.kind === 'tensor') {
    if (a.dtype !== b.dtype) return undefined;
    if (!a.shape || !b.shape || a.shape.length !== b.shape.length) return tensorType(a.dtype);
    return tensorType(a.dtype, a.shape.map((d, i): Dim => (d === b.shape![i] ? d : freshDim())));
  }
  if ((a.kind === 'sequence' && b.kind === 'sequence') || (a.kind === 'optional' && b.kind === 'optional')) {
    return { kind: a.kind, elem: joinTypes(a.elem, b.elem) };
  }
  return a;
}

/** The type a body output is known to have: inferred where static inference ran, else declared. */
export const bodyOutputTypes = (g: Graph): (ValueType | undefined)[] =>
  g.outputs.map((o) => g.valueTypes.get(o.name) ?? o.type);

const scalarInt64 = tensorType('int64', []);
const scalarBool = tensorType('bool', []);

// ---------------------------------------------------------------- If

export interface IfParams { readonly thenBranch: Graph; readonly elseBranch: Graph }

const If = defineOp({
  attrs: { then_branch: attr.required.graph(), else_branch: attr.required.graph() },
  inputs: [1, 1],
  outputs: [1, Infinity],
  infer: (ctx) => {
    const { then_branch: thenG, else_branch: elseG } = ctx.attrs;
    for (const [name, g] of [['then_branch', thenG], ['else_branch', elseG]] as const) {
      if (g.inputs.length !== 0) ctx.fail(`${name} must take no inputs, it declares ${g.inputs.length}`);
      if (g.outputs.length !== ctx.numOutputs) ctx.fail(`${name} has ${g.outputs.length} outputs, the node has ${ctx.numOutputs}`);
    }
    const c = ctx.inputs[0];
    if (c && (c.kind !== 'tensor' || c.dtype !== 'bool')) ctx.fail(`cond must be a bool tensor`, 'E_TYPE_UNSUPPORTED');
    const thenT = ctx.inferSubgraph(thenG, []);
    const elseT = ctx.inferSubgraph(elseG, []);
    const cond = ctx.value(0);
    if (cond && cond.size === 1) return (cond.data as Uint8Array)[0] ? thenT : elseT;
    return thenT.map((t, i) => joinTypes(t, elseT[i]));
  },
  params: (ctx): IfParams => ({ thenBranch: ctx.attrs.then_branch, elseBranch: ctx.attrs.else_branch }),
});

// ---------------------------------------------------------------- Loop

export interface LoopParams {
  readonly body: Graph;
  /** Loop-carried values (N) and scan outputs (K). */
  readonly nCarried: number;
  readonly nScan: number;
  /** Types of the body's scan outputs, for an empty result when the loop runs zero times. */
  readonly scanTypes: readonly (ValueType | undefined)[];
}

function loopShape(ctx: OpContext<{ body: Graph }>): { nCarried: number; nScan: number } {
  const body = ctx.attrs.body;
  const nCarried = ctx.inputs.length - 2;
  if (body.inputs.length !== nCarried + 2) {
    ctx.fail(`body takes ${body.inputs.length} inputs, expected ${nCarried + 2} (iteration, condition and ${nCarried} loop-carried values)`);
  }
  const nScan = body.outputs.length - 1 - nCarried;
  if (nScan < 0) ctx.fail(`body has ${body.outputs.length} outputs, expected at least ${nCarried + 1}`);
  if (ctx.numOutputs > nCarried + nScan) ctx.fail(`the node has ${ctx.numOutputs} outputs, the body gives ${nCarried + nScan}`);
  return { nCarried, nScan };
}

const Loop = defineOp({
  attrs: { body: attr.required.graph() },
  inputs: [2, Infinity],
  outputs: [1, Infinity],
  infer: (ctx) => {
    const { nCarried, nScan } = loopShape(ctx);
    for (const [i, name] of [[0, 'M'], [1, 'cond']] as const) {
      const t = ctx.inputs[i];
      if (ctx.has(i) && t && (t.kind !== 'tensor' || t.dtype !== (i === 0 ? 'int64' : 'bool'))) {
        ctx.fail(`${name} must be a ${i === 0 ? 'int64' : 'bool'} tensor`, 'E_TYPE_UNSUPPORTED');
      }
    }
    const carried = ctx.inputs.slice(2);
    const out = ctx.inferSubgraph(ctx.attrs.body, [scalarInt64, scalarBool, ...carried]);
    // Zero iterations give the initial values; otherwise what the body made of them.
    const result: (ValueType | undefined)[] = carried.map((t, i) => joinTypes(t, out[1 + i]));
    const m = ctx.value(0);
    const trips: Dim = !ctx.has(1) && m && m.size === 1 ? Math.max(0, Number((m.data as BigInt64Array)[0])) : freshDim();
    for (let k = 0; k < nScan; k++) {
      const t = out[1 + nCarried + k];
      result.push(t?.kind === 'tensor' ? tensorType(t.dtype, t.shape ? [trips, ...t.shape] : undefined) : undefined);
    }
    return result;
  },
  params: (ctx): LoopParams => {
    const { nCarried, nScan } = loopShape(ctx);
    if (!ctx.has(0) && !ctx.has(1)) ctx.fail(`a Loop with neither a trip count nor a condition never ends`);
    const body = ctx.attrs.body;
    return { body, nCarried, nScan, scanTypes: bodyOutputTypes(body).slice(1 + nCarried) };
  },
});

// ---------------------------------------------------------------- Scan

export interface ScanParams {
  readonly body: Graph;
  /** Opset 8: a leading batch axis on every input/output, and an optional sequence_lens input 0. */
  readonly batched: boolean;
  readonly nState: number;
  readonly nScanIn: number;
  readonly nScanOut: number;
  /** Per scan input: the axis scanned (in the per-batch tensor for opset 8) and whether it runs backwards. */
  readonly inAxes: readonly number[];
  readonly inReverse: readonly boolean[];
  /** Per scan output: the axis the iterations stack along, and whether they stack in reverse. */
  readonly outAxes: readonly number[];
  readonly outReverse: readonly boolean[];
  readonly scanTypes: readonly (ValueType | undefined)[];
}

const scanAttrs = {
  body: attr.required.graph(),
  num_scan_inputs: attr.required.int(),
  directions: attr.ints(),
  scan_input_axes: attr.ints(),
  scan_input_directions: attr.ints(),
  scan_output_axes: attr.ints(),
  scan_output_directions: attr.ints(),
};
type ScanCtx = OpContext<AttrValues<typeof scanAttrs>>;

interface ScanLayout {
  batched: boolean;
  first: number; // index of the first state input
  nState: number;
  nScanIn: number;
  nScanOut: number;
  inRev: boolean[];
  outRev: boolean[];
  rawInAxes: number[];
  rawOutAxes: number[];
}

function scanLayout(ctx: ScanCtx): ScanLayout {
  const a = ctx.attrs;
  const batched = ctx.opset < 9;
  const first = batched ? 1 : 0;
  const nScanIn = a.num_scan_inputs;
  const nState = ctx.inputs.length - first - nScanIn;
  if (nScanIn < 1 || nState < 0) ctx.fail(`num_scan_inputs ${nScanIn} does not fit ${ctx.inputs.length - first} inputs`);
  if (a.body.inputs.length !== nState + nScanIn) ctx.fail(`body takes ${a.body.inputs.length} inputs, expected ${nState + nScanIn}`);
  const nScanOut = a.body.outputs.length - nState;
  if (nScanOut < 0) ctx.fail(`body has ${a.body.outputs.length} outputs, fewer than the ${nState} states`);
  if (ctx.numOutputs > nState + nScanOut) ctx.fail(`the node has ${ctx.numOutputs} outputs, the body gives ${nState + nScanOut}`);
  const list = (v: readonly number[] | undefined, n: number, name: string, def: number): number[] => {
    if (v !== undefined && v.length !== n) ctx.fail(`${name} has ${v.length} entries, expected ${n}`);
    return v ? [...v] : new Array<number>(n).fill(def);
  };
  const dirs = (v: number[], name: string) => v.map((d) => {
    if (d !== 0 && d !== 1) ctx.fail(`${name} must be 0 or 1, got ${d}`);
    return d === 1;
  });
  if (batched) {
    return {
      batched, first, nState, nScanIn, nScanOut,
      inRev: dirs(list(a.directions, nScanIn, 'directions', 0), 'directions'),
      outRev: new Array<boolean>(nScanOut).fill(false),
      rawInAxes: new Array<number>(nScanIn).fill(0),
      rawOutAxes: new Array<number>(nScanOut).fill(0),
    };
  }
  return {
    batched, first, nState, nScanIn, nScanOut,
    inRev: dirs(list(a.scan_input_directions, nScanIn, 'scan_input_directions', 0), 'scan_input_directions'),
    outRev: dirs(list(a.scan_output_directions, nScanOut, 'scan_output_directions', 0), 'scan_output_directions'),
    rawInAxes: list(a.scan_input_axes, nScanIn, 'scan_input_axes', 0),
    rawOutAxes: list(a.scan_output_axes, nScanOut, 'scan_output_axes', 0),
  };
}

const Scan = defineOp({
  since: 8,
  attrs: scanAttrs,
  inputs: [1, Infinity],
  outputs: [1, Infinity],
  infer: (ctx) => {
    const L = scanLayout(ctx);
    const states = ctx.inputs.slice(L.first, L.first + L.nState);
    const scans = ctx.inputs.slice(L.first + L.nState);
    const drop = (t: ValueType | undefined, axes: number[]): ValueType | undefined => {
      if (!t) return undefined;
      if (t.kind !== 'tensor') return ctx.fail(`Scan inputs must be tensors, got a ${t.kind}`);
      if (!t.shape) return tensorType(t.dtype);
      return tensorType(t.dtype, t.shape.filter((_, i) => !axes.includes(i)));
    };
    let seqLen: Dim | undefined;
    let batch: Dim | undefined;
    const bodyIn = [
      ...states.map((t) => (L.batched ? drop(t, [0]) : t)),
      ...scans.map((t, j) => {
        if (t?.kind === 'tensor' && t.shape) {
          const axis = L.batched ? 1 : normAxis(ctx, L.rawInAxes[j]!, t.shape.length);
          if (L.batched && t.shape.length < 2) ctx.fail(`scan input ${j} needs a batch and a sequence axis`);
          const len = t.shape[axis]!;
          if (seqLen === undefined || typeof seqLen !== 'number') seqLen = len;
          else if (typeof len === 'number' && len !== seqLen) ctx.fail(`scan inputs have different lengths (${seqLen} and ${len})`, 'E_SHAPE_MISMATCH');
          if (L.batched) batch ??= t.shape[0];
          return drop(t, L.batched ? [0, axis] : [axis]);
        }
        return drop(t, []);
      }),
    ];
    const out = ctx.inferSubgraph(ctx.attrs.body, bodyIn);
    const result: (ValueType | undefined)[] = states.map((t, i) => {
      const o = out[i];
      if (!L.batched) return joinTypes(t, o);
      return o?.kind === 'tensor' && o.shape ? joinTypes(t, tensorType(o.dtype, [batch ?? freshDim(), ...o.shape])) : undefined;
    });
    for (let k = 0; k < L.nScanOut; k++) {
      const o = out[L.nState + k];
      if (o?.kind !== 'tensor' || !o.shape) {
        result.push(o?.kind === 'tensor' ? tensorType(o.dtype) : undefined);
        continue;
      }
      const len = seqLen ?? freshDim();
      if (L.batched) {
        result.push(tensorType(o.dtype, [batch ?? freshDim(), len, ...o.shape]));
      } else {
        const axis = normAxis(ctx, L.rawOutAxes[k]!, o.shape.length + 1);
        result.push(tensorType(o.dtype, [...o.shape.slice(0, axis), len, ...o.shape.slice(axis)]));
      }
    }
    return result;
  },
  params: (ctx): ScanParams => {
    const L = scanLayout(ctx);
    const body = ctx.attrs.body;
    const scanTypes = bodyOutputTypes(body).slice(L.nState);
    const inAxes = L.rawInAxes.map((a, j) => (L.batched ? 0 : normAxis(ctx, a, ctx.shape(L.first + L.nState + j).length)));
    const outAxes = L.rawOutAxes.map((a, k) => {
      if (L.batched) return 0;
      const t = scanTypes[k];
      // The rank of a scan output is only known once the body has run; negative axes are resolved then.
      return t?.kind === 'tensor' && t.shape ? normAxis(ctx, a, t.shape.length + 1) : a;
    });
    return {
      body, batched: L.batched, nState: L.nState, nScanIn: L.nScanIn, nScanOut: L.nScanOut,
      inAxes, inReverse: L.inRev, outAxes, outReverse: L.outRev, scanTypes,
    };
  },
});

export const controlOps = { If, Loop, Scan } satisfies Record<string, OpSchema<any, any>>;
