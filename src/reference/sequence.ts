/** Reference kernels: sequence and optional ops. A sequence is a JS array; an empty optional is null. */
import { kernel, type KernelMap, type RuntimeValue } from '../engine/backend.js';
import { int64Tensor, toBigInts } from '../engine/elements.js';
import { KilnError } from '../engine/errors.js';
import { sequenceOps as ops } from '../engine/ops/sequence.js';
import { Tensor } from '../engine/tensor.js';
import { asSequence, asTensor, concatTensors, scalarInt, splitTensor, stackTensors } from './sequence/tensors.js';

/** A position input normalised into [0, n) (or [0, n] with `inclusive`, for inserts). */
function position(v: RuntimeValue | undefined, n: number, inclusive: boolean): number | undefined {
  if (v === undefined) return undefined;
  const p = scalarInt(asTensor(v, 'position'), 'position');
  const hi = inclusive ? n : n - 1;
  if (p < -n || p > hi) throw new KilnError('E_INPUT_INVALID', `position ${p} is out of range for a sequence of ${n}`);
  return p < 0 ? p + n : p;
}

export const sequenceKernels: KernelMap = {
  SequenceConstruct: kernel(ops.SequenceConstruct, (inputs) => [inputs.map((v, i) => asTensor(v, `input ${i}`))]),

  SequenceEmpty: kernel(ops.SequenceEmpty, () => [[]]),

  SequenceInsert: kernel(ops.SequenceInsert, (inputs) => {
    const seq = asSequence(inputs[0], 'input_sequence');
    const t = asTensor(inputs[1], 'tensor');
    const first = seq[0];
    if (first instanceof Tensor && first.type !== t.type) throw new KilnError('E_TYPE_UNSUPPORTED', `cannot insert a ${t.type} tensor into a sequence of ${first.type}`);
    const at = position(inputs[2], seq.length, true) ?? seq.length;
    return [[...seq.slice(0, at), t, ...seq.slice(at)]];
  }),

  SequenceAt: kernel(ops.SequenceAt, (inputs) => {
    const seq = asSequence(inputs[0], 'input_sequence');
    return [seq[position(inputs[1], seq.length, false)!]!];
  }),

  SequenceErase: kernel(ops.SequenceErase, (inputs) => {
    const seq = asSequence(inputs[0], 'input_sequence');
    if (seq.length === 0) throw new KilnError('E_INPUT_INVALID', 'cannot erase from an empty sequence');
    const at = position(inputs[1], seq.length, false) ?? seq.length - 1;
    return [[...seq.slice(0, at), ...seq.slice(at + 1)]];
  }),

  SequenceLength: kernel(ops.SequenceLength, (inputs) => [int64Tensor([asSequence(inputs[0], 'input_sequence').length], [])]),

  SplitToSequence: kernel(ops.SplitToSequence, (inputs, p) => {
    const x = asTensor(inputs[0], 'input');
    const len = x.dims[p.axis]!;
    if (inputs[1] === undefined) {
      const parts = splitTensor(x, p.axis, new Array<number>(len).fill(1));
      return [p.keepdims ? parts : parts.map((t) => t.reshape(t.dims.filter((_, i) => i !== p.axis)))];
    }
    const s = asTensor(inputs[1], 'split');
    const sizes = Array.from(toBigInts(s), Number);
    if (s.dims.length === 0) {
      const chunk = sizes[0]!;
      if (!(chunk > 0)) throw new KilnError('E_INPUT_INVALID', `split must be positive, got ${chunk}`);
      const parts: number[] = [];
      for (let at = 0; at < len; at += chunk) parts.push(Math.min(chunk, len - at));
      return [splitTensor(x, p.axis, parts)];
    }
    if (s.dims.length !== 1) throw new KilnError('E_INPUT_INVALID', `split must be a scalar or a 1-D tensor, got rank ${s.dims.length}`);
    return [splitTensor(x, p.axis, sizes)];
  }),

  ConcatFromSequence: kernel(ops.ConcatFromSequence, (inputs, p) => {
    const seq = asSequence(inputs[0], 'input_sequence').map((v, i) => asTensor(v, `element ${i}`));
    if (seq.length === 0) throw new KilnError('E_INPUT_INVALID', 'cannot concatenate an empty sequence');
    const rank = seq[0]!.dims.length;
    const hi = p.newAxis ? rank + 1 : rank;
    if (p.axis < -hi || p.axis >= hi) throw new KilnError('E_INPUT_INVALID', `axis ${p.axis} is out of range for rank ${rank}`);
    const axis = p.axis < 0 ? p.axis + hi : p.axis;
    return [p.newAxis ? stackTensors(seq, axis) : concatTensors(seq, axis)];
  }),

  SequenceMap: kernel(ops.SequenceMap, async (inputs, p, env) => {
    const seqs = inputs.map((v, i) => (p.isSeq[i] ? asSequence(v, `input ${i}`) : undefined));
    const n = seqs[0]!.length;
    seqs.forEach((s, i) => {
      if (s && s.length !== n) throw new KilnError('E_SHAPE_MISMATCH', `input ${i} has ${s.length} elements, input 0 has ${n}`);
    });
    const outs: RuntimeValue[][] = [];
    for (let k = 0; k < n; k++) {
      const r = await env.runSubgraph(p.body, inputs.map((v, i) => (seqs[i] ? seqs[i]![k] : v)));
      r.forEach((v, j) => (outs[j] ??= []).push(v));
    }
    return p.body.outputs.map((_, j) => outs[j] ?? []);
  }),

  Optional: kernel(ops.Optional, (inputs) => [inputs[0] === undefined ? null : inputs[0]]),

  OptionalHasElement: kernel(ops.OptionalHasElement, (inputs) => [new Tensor('bool', new Uint8Array([inputs[0] === undefined || inputs[0] === null ? 0 : 1]), [])]),

  OptionalGetElement: kernel(ops.OptionalGetElement, (inputs) => {
    const v = inputs[0];
    if (v === null || v === undefined) throw new KilnError('E_INPUT_INVALID', 'the optional input is empty');
    return [v];
  }),
};
