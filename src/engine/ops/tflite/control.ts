/**
 * TFLite control flow: WHILE (cond/body subgraphs), IF (then/else subgraphs, input 0 the condition),
 * CALL_ONCE (runs an init subgraph; Kiln has no state between runs, so it runs on every run),
 * STABLEHLO_COMPOSITE (runs its decomposition subgraph). The loader turns the subgraph indices into
 * graph attributes.
 */
import type { Graph } from '../../ir/graph.js';
import type { ValueType } from '../../ir/types.js';
import { attr } from '../schema.js';
import { tfl } from './common.js';

/** Iterations after which WHILE gives up (a loop that never ends would hang the caller). */
export const WHILE_LIMIT = 1_000_000;

const sameShape = (a: ValueType | undefined, b: ValueType | undefined): boolean =>
  a?.kind === 'tensor' && b?.kind === 'tensor' && a.dtype === b.dtype && JSON.stringify(a.shape) === JSON.stringify(b.shape);

const WHILE = tfl({
  attrs: { cond: attr.required.graph(), body: attr.required.graph() }, inputs: [0, Infinity], outputs: [0, Infinity],
  infer: (ctx) => {
    const body = ctx.inferSubgraph(ctx.attrs.body as Graph, ctx.inputs);
    return ctx.inputs.map((t, i) => (sameShape(t, body[i]) ? t : t?.kind === 'tensor' ? { kind: 'tensor', dtype: t.dtype } : t));
  },
  params: (ctx) => ({ cond: ctx.attrs.cond as Graph, body: ctx.attrs.body as Graph }),
});

const IF = tfl({
  attrs: { then_branch: attr.required.graph(), else_branch: attr.required.graph() }, inputs: [1, Infinity], outputs: [0, Infinity],
  infer: (ctx) => ctx.inferSubgraph(ctx.attrs.then_branch as Graph, ctx.inputs.slice(1)),
  params: (ctx) => ({ then: ctx.attrs.then_branch as Graph, else: ctx.attrs.else_branch as Graph }),
});

const CALL_ONCE = tfl({
  attrs: { init: attr.required.graph() }, inputs: [0, 0], outputs: [0, 0],
  infer: () => [],
  params: (ctx) => ({ init: ctx.attrs.init as Graph }),
});

const STABLEHLO_COMPOSITE = tfl({
  attrs: { decomposition: attr.required.graph(), name: attr.string('') }, inputs: [0, Infinity], outputs: [0, Infinity],
  infer: (ctx) => ctx.inferSubgraph(ctx.attrs.decomposition as Graph, ctx.inputs),
  params: (ctx) => ({ graph: ctx.attrs.decomposition as Graph }),
});

export const tfliteControlOps = {
  'tflite.WHILE': WHILE, 'tflite.IF': IF, 'tflite.CALL_ONCE': CALL_ONCE, 'tflite.STABLEHLO_COMPOSITE': STABLEHLO_COMPOSITE,
};
