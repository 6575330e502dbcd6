/** Binary (broadcasting), unary, activation, Clip, Softmax, norm and reduce cases. */
import { Tensor } from '../../../src/index.js';
import { f32, rand, type OpCase } from '../harness.js';

/** Values across the interesting range of the math functions: tiny, ±1, large, ±inf, NaN, ±0. */
const SPECIAL = [0, -0, 1e-8, -1e-8, 1e-4, -3e-3, 0.1, -0.5, 0.62, 0.63, 0.99, 1, -1, 1.5, -2.7, 3.9, -4.2, 6, -9.5, 15, -30, 80, 88.5, 89, -87.5, -100, Infinity, -Infinity, NaN];
const special = () => f32([SPECIAL.length], SPECIAL);
const positive = () => f32([12], [0, 1e-30, 1e-8, 0.1, 0.5, 1, 1.0001, 2, 10, 1e10, 3e38, Infinity]);

const bin = (op: string, a: number[], b: number[]): [string, OpCase] => [`${op} [${a}] [${b}]`, { op, inputs: [rand(a, 51, 3), rand(b, 52, 2)] }];
const un = (op: string, x: Tensor = rand([103], 61, 4), attrs: Record<string, unknown> = {}, tol: Partial<OpCase> = {}): [string, OpCase] => [`${op} ${x.dims}`, { op, inputs: [x], attrs, ...tol }];

export const elementwiseCases: [string, OpCase][] = [
  bin('Add', [2, 3, 5], [2, 3, 5]),
  bin('Add', [4, 7, 9], []),
  bin('Add', [1, 8, 5, 5], [1, 8, 1, 1]),
  bin('Add', [3, 1, 5], [1, 4, 1]),
  bin('Add', [2, 1, 3, 1, 2, 1], [1, 2, 1, 3, 1, 2]),
  bin('Sub', [6, 1], [1, 9]),
  bin('Sub', [], [5, 6]),
  bin('Mul', [2, 8, 9], [9]),
  bin('Div', [3, 4], [3, 1]),
  bin('Max', [5, 5], [5, 1]),
  bin('Min', [5, 5], [1, 5]),
  bin('Add', [0, 4], [4]),
  ['PRelu [1,6,4,4] slope [6,1,1]', { op: 'PRelu', inputs: [rand([1, 6, 4, 4], 1, 2), rand([6, 1, 1], 2)] }],
  ['Max NaN propagation', { op: 'Max', inputs: [f32([4], [1, NaN, 3, -1]), f32([4], [NaN, 2, 1, -2])] }],
  un('Relu'), un('Sigmoid', special()), un('Tanh', special()), un('Tanh', rand([1000], 7, 10)), un('Exp', special()),
  un('Log', positive()), un('Sqrt', positive()), un('Abs', special()), un('Neg', special()), un('Reciprocal', rand([50], 9, 5)),
  un('Erf', special()), un('Erf', rand([1000], 8, 5)), un('Floor', special()), un('Ceil', special()), un('Round', f32([8], [0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6, 7])),
  un('Sign', special()), un('Softsign', special()), un('Softplus', rand([200], 9, 30)), un('Elu', rand([64], 3, 4), { alpha: 0.7 }),
  un('HardSwish', rand([64], 4, 5)), un('HardSigmoid', rand([64], 5, 5), { alpha: 0.3, beta: 0.6 }), un('LeakyRelu', special(), { alpha: 0.2 }),
  un('Gelu', rand([1000], 6, 8)), un('Gelu', rand([300], 6, 6), { approximate: 'tanh' }),
  ['kiln.Gelu tail', { op: 'Gelu', domain: 'kiln', inputs: [f32([8], [-9, -7, -5.5, -4, -1.5, 0, 2, 9])], rtol: 1e-4, atol: 1e-12 }],
  ['Swish alpha', { op: 'Swish', inputs: [rand([40], 1, 6)], attrs: { alpha: 1.5 }, opset: 24 }],
  ['Clip bounds as inputs', { op: 'Clip', inputs: [rand([40], 1, 6), f32([], [-1]), f32([], [2])] }],
  ['Clip max only', { op: 'Clip', inputs: [rand([40], 1, 6), undefined, f32([], [0.5])] }],
  ['Clip opset 6 attributes', { op: 'Clip', inputs: [rand([40], 1, 6)], attrs: { min: 0, max: 6 }, opset: 6 }],
  ['Relu zero-size', { op: 'Relu', inputs: [rand([3, 0], 1)] }],
  ['Softmax last axis', { op: 'Softmax', inputs: [rand([3, 4, 37], 1, 5)] }],
  ['Softmax middle axis', { op: 'Softmax', inputs: [rand([2, 11, 7], 1, 5)], attrs: { axis: 1 } }],
  ['Softmax opset 11 (coerced 2-D)', { op: 'Softmax', inputs: [rand([2, 3, 5], 1, 5)], attrs: { axis: 1 }, opset: 11 }],
  ['LogSoftmax', { op: 'LogSoftmax', inputs: [rand([5, 19], 1, 9)] }],
  ['LogSoftmax middle axis', { op: 'LogSoftmax', inputs: [rand([2, 9, 6], 1, 9)], attrs: { axis: 1 } }],
  ['Softmax with -inf', { op: 'Softmax', inputs: [f32([2, 3], [0, -Infinity, 1, 5, 5, -Infinity])] }],
  ['LayerNormalization', { op: 'LayerNormalization', inputs: [rand([4, 6, 37], 1, 3), rand([37], 2), rand([37], 3)], constants: [1, 2], opset: 17 }],
  ['LayerNormalization with stats', { op: 'LayerNormalization', inputs: [rand([5, 16], 1, 3), rand([16], 2), rand([16], 3)], outputs: 3, opset: 17 }],
  ['LayerNormalization axis 1', { op: 'LayerNormalization', inputs: [rand([3, 4, 5], 1, 3), rand([4, 5], 2)], attrs: { axis: 1 }, opset: 17 }],
  ['kiln.LayerNorm', { op: 'LayerNorm', domain: 'kiln', inputs: [rand([7, 256], 1, 3), rand([256], 2), rand([256], 3)], attrs: { epsilon: 1e-12 }, constants: [1, 2] }],
  ['RMSNormalization', { op: 'RMSNormalization', inputs: [rand([3, 20], 1, 3), rand([20], 2)], opset: 23 }],
  ['ReduceMean last axis', { op: 'ReduceMean', inputs: [rand([4, 5, 33], 1)], attrs: { axes: [-1] }, opset: 13 }],
  ['ReduceSum middle axes', { op: 'ReduceSum', inputs: [rand([3, 4, 5, 6], 1), new Tensor('int64', BigInt64Array.from([1n, 2n]), [2])], attrs: { keepdims: 0 } }],
  ['ReduceMax all', { op: 'ReduceMax', inputs: [rand([3, 7, 2], 1)] }],
  ['ReduceMin axis 0', { op: 'ReduceMin', inputs: [rand([9, 5], 1)], attrs: { axes: [0] }, opset: 13 }],
  ['ReduceProd', { op: 'ReduceProd', inputs: [rand([4, 6], 1, 1.5)], attrs: { axes: [1] }, opset: 13 }],
  ['ReduceL2', { op: 'ReduceL2', inputs: [rand([4, 11], 1)], attrs: { axes: [1] }, opset: 13 }],
  ['ReduceL1', { op: 'ReduceL1', inputs: [rand([4, 11, 3], 1)], attrs: { axes: [1] }, opset: 13 }],
  ['ReduceSumSquare', { op: 'ReduceSumSquare', inputs: [rand([2, 3, 9], 1)], attrs: { axes: [2] }, opset: 13 }],
];
