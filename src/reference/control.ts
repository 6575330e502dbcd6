/** Reference kernels: control ops (If, Loop, Scan). Bodies run through env.runSubgraph. */
import { kernel, type KernelEnv, type KernelMap, type RuntimeValue } from '../engine/backend.js';
import { int64Tensor, toBigInts, toNumbers } from '../engine/elements.js';
import { KilnError } from '../engine/errors.js';
import type { Graph } from '../engine/ir/graph.js';
import type { ValueType } from '../engine/ir/types.js';
import { controlOps as ops } from '../engine/ops/control.js';
import { Tensor } from '../engine/tensor.js';
import { asTensor, concatTensors, sliceAxis, stackTensors } from './sequence/tensors.js';

/** A one-element condition tensor as a boolean. */
function truthy(v: RuntimeValue | undefined, what: string): boolean {
  const t = asTensor(v, what);
  if (t.size !== 1) throw new KilnError('E_INPUT_INVALID', `${what} must hold one value, got ${t.size}`);
  return toNumbers(t)[0] !== 0;
}

const boolScalar = (b: boolean): Tensor => new Tensor('bool', new Uint8Array([b ? 1 : 0]), []);

/** Stacks a scan output's per-iteration values; with none, an empty tensor of the body's declared type. */
function stackScan(items: readonly RuntimeValue[], axis: number, type: ValueType | undefined, what: string): Tensor {
  const ts = items.map((v, i) => asTensor(v, `${what} (iteration ${i})`));
  if (ts.length) return stackTensors(ts, axis < 0 ? axis + ts[0]!.dims.length + 1 : axis);
  if (type?.kind !== 'tensor') throw new KilnError('E_RUNTIME', `${what}: no iteration ran and the body does not declare the output's type`);
  // Sizes nobody ran the body to learn are 0: the result holds no elements either way.
  const dims = (type.shape ?? []).map((d) => (typeof d === 'number' ? d : 0));
  const a = axis < 0 ? axis + dims.length + 1 : axis;
  return Tensor.zeros(type.dtype, [...dims.slice(0, a), 0, ...dims.slice(a)]);
}

/** One opset-9 style scan over `len` steps; returns final states and per-output lists of step values. */
async function scanSteps(
  env: KernelEnv, body: Graph, states: RuntimeValue[], scanIns: readonly Tensor[], axes: readonly number[],
  reverse: readonly boolean[], len: number, nOut: number,
): Promise<{ states: RuntimeValue[]; steps: RuntimeValue[][] }> {
  const steps: RuntimeValue[][] = Array.from({ length: nOut }, () => []);
  for (let t = 0; t < len; t++) {
    const slices = scanIns.map((x, j) => sliceAxis(x, axes[j]!, reverse[j] ? len - 1 - t : t));
    const outs = await env.runSubgraph(body, [...states, ...slices]);
    states = outs.slice(0, states.length);
    for (let k = 0; k < nOut; k++) steps[k]!.push(outs[states.length + k]!);
  }
  return { states, steps };
}

export const controlKernels: KernelMap = {
  If: kernel(ops.If, async (inputs, p, env) => {
    const branch = truthy(inputs[0], 'cond') ? p.thenBranch : p.elseBranch;
    return env.runSubgraph(branch, []);
  }),

  Loop: kernel(ops.Loop, async (inputs, p, env) => {
    const m = inputs[0];
    const condIn = inputs[1];
    let maxTrips = Infinity;
    if (m !== undefined) {
      const mt = asTensor(m, 'M');
      if (mt.size !== 1) throw new KilnError('E_INPUT_INVALID', `M must hold one value, got ${mt.size}`);
      maxTrips = Number(toBigInts(mt)[0]!);
    }
    let cond = condIn === undefined ? true : truthy(condIn, 'cond');
    let carried = inputs.slice(2, 2 + p.nCarried) as RuntimeValue[];
    const scans: RuntimeValue[][] = Array.from({ length: p.nScan }, () => []);
    for (let i = 0; i < maxTrips && cond; i++) {
      const outs = await env.runSubgraph(p.body, [int64Tensor([i], []), boolScalar(cond), ...carried]);
      // Without a condition input the body's condition output is ignored (a plain for loop).
      if (condIn !== undefined) cond = truthy(outs[0], 'the body\'s condition output');
      carried = outs.slice(1, 1 + p.nCarried);
      for (let k = 0; k < p.nScan; k++) scans[k]!.push(outs[1 + p.nCarried + k]!);
    }
    return [...carried, ...scans.map((s, k) => stackScan(s, 0, p.scanTypes[k], `scan output ${k}`))];
  }),

  Scan: kernel(ops.Scan, async (inputs, p, env) => {
    const first = p.batched ? 1 : 0;
    const states = inputs.slice(first, first + p.nState).map((v, i) => asTensor(v, `state input ${i}`));
    const scanIns = inputs.slice(first + p.nState).map((v, j) => asTensor(v, `scan input ${j}`));
    if (!p.batched) {
      const len = scanIns[0]!.dims[p.inAxes[0]!]!;
      scanIns.forEach((x, j) => {
        if (x.dims[p.inAxes[j]!] !== len) throw new KilnError('E_SHAPE_MISMATCH', `scan input ${j} has length ${x.dims[p.inAxes[j]!]} along its scan axis, scan input 0 has ${len}`);
      });
      const r = await scanSteps(env, p.body, states, scanIns, p.inAxes, p.inReverse, len, p.nScanOut);
      return [...r.states, ...r.steps.map((s, k) => stackScan(p.outReverse[k] ? [...s].reverse() : s, p.outAxes[k]!, p.scanTypes[k], `scan output ${k}`))];
    }
    // Opset 8: axis 0 is a batch; each batch entry scans its own slice along axis 1, for sequence_lens[b] steps.
    const batch = scanIns[0]!.dims[0]!;
    const maxLen = scanIns[0]!.dims[1]!;
    for (const [i, t] of [...states, ...scanIns].entries()) {
      if (t.dims[0] !== batch) throw new KilnError('E_SHAPE_MISMATCH', `input ${first + i} has batch size ${t.dims[0]}, expected ${batch}`);
    }
    scanIns.forEach((x, j) => {
      if (x.dims[1] !== maxLen) throw new KilnError('E_SHAPE_MISMATCH', `scan input ${j} has ${x.dims[1]} steps, scan input 0 has ${maxLen}`);
    });
    let lens: number[] = new Array<number>(batch).fill(maxLen);
    if (inputs[0] !== undefined) {
      const sl = asTensor(inputs[0], 'sequence_lens');
      if (sl.size !== batch) throw new KilnError('E_SHAPE_MISMATCH', `sequence_lens has ${sl.size} entries for a batch of ${batch}`);
      lens = Array.from(toBigInts(sl), Number);
      for (const l of lens) if (l < 0 || l > maxLen) throw new KilnError('E_INPUT_INVALID', `sequence length ${l} is outside [0, ${maxLen}]`);
    }
    const finals: Tensor[][] = Array.from({ length: p.nState }, () => []);
    const outs: Tensor[][] = Array.from({ length: p.nScanOut }, () => []);
    for (let b = 0; b < batch; b++) {
      const r = await scanSteps(env, p.body, states.map((s) => sliceAxis(s, 0, b)), scanIns.map((x) => sliceAxis(x, 0, b)),
        p.inAxes, p.inReverse, lens[b]!, p.nScanOut);
      r.states.forEach((s, i) => finals[i]!.push(asTensor(s, `state output ${i}`)));
      r.steps.forEach((s, k) => {
        let t = stackScan(s, 0, p.scanTypes[k], `scan output ${k}`);
        if (lens[b]! < maxLen) {
          // Steps past this entry's length are zeros.
          const pad = Tensor.zeros(t.type, [maxLen - lens[b]!, ...t.dims.slice(1)]);
          t = concatTensors([t, pad], 0);
        }
        outs[k]!.push(t);
      });
    }
    return [...finals.map((f) => stackTensors(f, 0)), ...outs.map((o) => stackTensors(o, 0))];
  }),
};
