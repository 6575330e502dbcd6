import { describe, expect, it } from 'vitest';
import { Graph, InferenceSession, Node, Tensor, type Attribute, type Model } from '../../src/index.js';
import { int64Tensor } from '../../src/engine/elements.js';
import { tensorType, type TensorType, type ValueType } from '../../src/engine/ir/types.js';
import { inferShapes } from '../../src/engine/passes/shape-inference.js';
import { runOp } from '../helpers/run-op.js';
import { boolScalar, errorCode, f32, nums } from '../helpers/op-test-utils.js';

/** A subgraph: inputs/outputs as [name, type?], nodes as [op, inputs, outputs, attrs?]. */
function body(inputs: [string, ValueType?][], outputs: [string, ValueType?][], nodes: [string, string[], string[], Record<string, Attribute>?][]): Graph {
  const g = new Graph();
  g.opsets.set('', 22);
  g.inputs = inputs.map(([name, type]) => ({ name, type }));
  g.outputs = outputs.map(([name, type]) => ({ name, type }));
  nodes.forEach(([op, ins, outs, attrs], i) => g.nodes.push(new Node(`${op}_${i}`, op, ins, outs, new Map(Object.entries(attrs ?? {})))));
  return g;
}

const constant = (t: Tensor): Record<string, Attribute> => ({ value: { type: 'tensor', value: t } });
const F = (shape?: number[]): TensorType => tensorType('float32', shape);

describe('If', () => {
  const thenG = body([], [['t', F([2])]], [['Constant', [], ['t'], constant(f32([1, 2]))]]);
  const elseG = body([], [['e', F([3])]], [['Constant', [], ['e'], constant(f32([7, 8, 9]))]]);
  it('runs the branch the condition picks; branches may differ in shape', async () => {
    expect(nums((await runOp('If', [boolScalar(true)], { then_branch: thenG, else_branch: elseG }))[0])).toEqual([1, 2]);
    expect(nums((await runOp('If', [boolScalar(false)], { then_branch: thenG, else_branch: elseG }))[0])).toEqual([7, 8, 9]);
  });
  it('branches read outer-scope values by name', async () => {
    const g = new Graph();
    g.opsets.set('', 22);
    g.inputs = [{ name: 'c', type: tensorType('bool', []) }, { name: 'x', type: F([2]) }];
    const thenB = body([], [['y1']], [['Add', ['x', 'x'], ['y1']]]);
    const elseB = body([], [['y2']], [['Identity', ['x'], ['y2']]]);
    thenB.parent = g;
    elseB.parent = g;
    g.nodes.push(new Node('if', 'If', ['c'], ['y'], new Map<string, Attribute>([['then_branch', { type: 'graph', value: thenB }], ['else_branch', { type: 'graph', value: elseB }]])));
    g.outputs = [{ name: 'y' }];
    const model: Model = { format: 'onnx', graph: g, metadata: new Map() };
    const s = await InferenceSession.fromModel(model, { backends: ['reference'] });
    expect(nums((await s.runValues({ c: boolScalar(true), x: f32([1, 2]) })).y)).toEqual([2, 4]);
    expect(nums((await s.runValues({ c: boolScalar(false), x: f32([1, 2]) })).y)).toEqual([1, 2]);
  });
  it('static inference joins the branches: differing sizes become symbols', () => {
    const g = new Graph();
    g.opsets.set('', 22);
    g.inputs = [{ name: 'c', type: tensorType('bool', []) }];
    g.valueTypes.set('c', tensorType('bool', []));
    g.nodes.push(new Node('if', 'If', ['c'], ['y'], new Map<string, Attribute>([['then_branch', { type: 'graph', value: thenG }], ['else_branch', { type: 'graph', value: elseG }]])));
    inferShapes(g);
    const t = g.valueTypes.get('y') as TensorType;
    expect(t.dtype).toBe('float32');
    expect(t.shape).toHaveLength(1);
    expect(typeof t.shape![0]).toBe('string');
  });
  it('rejects a condition that is not one value', async () => {
    const c = new Tensor('bool', new Uint8Array([1, 0]), [2]);
    expect(await errorCode(runOp('If', [c], { then_branch: thenG, else_branch: elseG }))).toBe('E_INPUT_INVALID');
  });
});

describe('Loop', () => {
  // body(i, cond, acc) -> (cond, acc + x, acc + x) with x = [i] as float
  const add = (condOut: string[]) => body(
    [['i', tensorType('int64', [])], ['c', tensorType('bool', [])], ['acc', F([1])]],
    [['cout', tensorType('bool', [])], ['next', F([1])], ['scan', F([1])]],
    [
      ['Cast', ['i'], ['fi'], { to: { type: 'int', value: 1 } }],
      ['Add', ['acc', 'fi'], ['next']],
      ['Identity', ['next'], ['scan']],
      ...(condOut.length ? [['Less', ['fi', 'limit'], ['cout']] as [string, string[], string[]]] : [['Identity', ['c'], ['cout']] as [string, string[], string[]]]),
      ['Constant', [], ['limit'], constant(f32([2], []))],
    ],
  );
  it('a for loop: M iterations, carried value and stacked scan output', async () => {
    const [acc, scan] = (await runOp('Loop', [int64Tensor([4], []), undefined, f32([10])], { body: add([]) }, { outputs: 2 })) as Tensor[];
    expect(nums(acc)).toEqual([16]);
    expect(scan!.dims).toEqual([4, 1]);
    expect(nums(scan)).toEqual([10, 11, 13, 16]);
  });
  it('a while loop stops when the body says so; with M too, whichever comes first', async () => {
    const [acc] = (await runOp('Loop', [undefined, boolScalar(true), f32([0])], { body: add(['stop']) }, { outputs: 2 })) as Tensor[];
    expect(nums(acc)).toEqual([3]); // i = 0, 1, 2; stops after i = 2 (2 < 2 is false)
    const [acc2] = (await runOp('Loop', [int64Tensor([1], []), boolScalar(true), f32([0])], { body: add(['stop']) }, { outputs: 2 })) as Tensor[];
    expect(nums(acc2)).toEqual([0]);
  });
  it('zero iterations: carried values pass through, scan outputs are empty', async () => {
    const [acc, scan] = (await runOp('Loop', [int64Tensor([0], []), undefined, f32([5])], { body: add([]) }, { outputs: 2 })) as Tensor[];
    expect(nums(acc)).toEqual([5]);
    expect(scan!.dims).toEqual([0, 1]);
  });
  it('carries sequences', async () => {
    const b = body([['i'], ['c'], ['s']], [['co'], ['so']], [
      ['Identity', ['c'], ['co']],
      ['SequenceInsert', ['s', 'i'], ['so']],
    ]);
    const [s] = await runOp('Loop', [int64Tensor([3], []), undefined, []], { body: b }, { outputs: 1 });
    expect((s as Tensor[]).map((t) => Number((t.data as BigInt64Array)[0]))).toEqual([0, 1, 2]);
  });
  it('a loop with neither M nor cond is rejected instead of running forever', async () => {
    expect(await errorCode(runOp('Loop', [undefined, undefined, f32([0])], { body: add([]) }, { outputs: 2 }))).toBe('E_MODEL_INVALID');
  });
  it('a body with the wrong number of inputs is rejected', async () => {
    const b = body([['i'], ['c']], [['co']], [['Identity', ['c'], ['co']]]);
    expect(await errorCode(runOp('Loop', [int64Tensor([1], []), undefined, f32([0])], { body: b }))).toBe('E_MODEL_INVALID');
  });
});

describe('Scan', () => {
  // body(sum, x) -> (sum + x, sum + x)
  const cumsum = body([['s', F()], ['x', F()]], [['so', F()], ['y', F()]], [['Add', ['s', 'x'], ['so']], ['Identity', ['so'], ['y']]]);
  it('opset 9+: scans axis 1 backwards and stacks the outputs on axis 1, reversed', async () => {
    const x = f32([1, 2, 3, 4, 5, 6], [2, 3]); // scanned along axis 1: columns [1,4], [2,5], [3,6]
    const [s, y] = (await runOp('Scan', [f32([0, 0]), x], {
      body: cumsum, num_scan_inputs: 1, scan_input_axes: [1], scan_input_directions: [1], scan_output_axes: [-1], scan_output_directions: [1],
    }, { opset: 16, outputs: 2 })) as Tensor[];
    expect(nums(s)).toEqual([6, 15]);
    // steps visit columns 3,2,1 giving [3,6],[5,11],[6,15]; reversed stacking puts step 0 last
    expect(y!.dims).toEqual([2, 3]);
    expect(nums(y)).toEqual([6, 5, 3, 15, 11, 6]);
  });
  it('opset 8: a batch axis and sequence_lens, shorter entries padded with zeros', async () => {
    const x = f32([1, 2, 3, 10, 20, 30], [2, 3, 1]);
    const lens = int64Tensor([3, 1], [2]);
    const [s, y] = (await runOp('Scan', [lens, f32([0, 100], [2, 1]), x], { body: cumsum, num_scan_inputs: 1 }, { opset: 8, outputs: 2 })) as Tensor[];
    expect(nums(s)).toEqual([6, 110]);
    expect(y!.dims).toEqual([2, 3, 1]);
    expect(nums(y)).toEqual([1, 3, 6, 110, 0, 0]);
  });
  it('scan inputs of different lengths are rejected', async () => {
    const b = body([['s'], ['x'], ['z']], [['so']], [['Add', ['s', 'x'], ['so']]]);
    expect(await errorCode(runOp('Scan', [f32([0]), f32([1, 2], [2, 1]), f32([1, 2, 3], [3, 1])], { body: b, num_scan_inputs: 2 }, { opset: 16 }))).toBe('E_SHAPE_MISMATCH');
  });
});

