/** Conv, FusedConv and pool cases: odd sizes, strides, dilations, pads, groups, depthwise, zero-size. */
import { Tensor } from '../../../src/index.js';
import { rand, type OpCase } from '../harness.js';

const conv = (name: string, x: number[], w: number[], attrs: Record<string, unknown>, opts: { bias?: boolean; constW?: boolean } = {}): [string, OpCase] => {
  const inputs: (Tensor | undefined)[] = [rand(x, 11), rand(w, 12, 0.5)];
  if (opts.bias !== false) inputs.push(rand([w[0]!], 13));
  return [name, { op: 'Conv', inputs, attrs, constants: opts.constW === false ? [] : [1, 2] }];
};

const fused = (name: string, activation: string, params: number[] | undefined, z: boolean, x = [1, 6, 9, 7], w = [10, 6, 3, 3], group = 1): [string, OpCase] => {
  const out = [x[0]!, w[0]!, x[2]!, x[3]!];
  const inputs: (Tensor | undefined)[] = [rand(x, 21, 2), rand(w, 22, 0.4), rand([w[0]!], 23)];
  if (z) inputs.push(rand(out, 24));
  const attrs: Record<string, unknown> = { pads: [1, 1, 1, 1], activation, group };
  if (params) attrs.activation_params = params;
  return [name, { op: 'FusedConv', domain: 'kiln', inputs, attrs, constants: [1, 2] }];
};

export const convCases: [string, OpCase][] = [
  conv('conv 3x3 pad 1, 3→8, 7x9, batch 2', [2, 3, 7, 9], [8, 3, 3, 3], { pads: [1, 1, 1, 1] }),
  conv('conv stride 2, dilation 2, asymmetric pads, no bias', [1, 5, 13, 11], [7, 5, 3, 3], { strides: [2, 2], dilations: [2, 2], pads: [2, 1, 0, 3] }, { bias: false }),
  conv('conv 1x1 pointwise, 13→5, 11x13', [1, 13, 11, 13], [5, 13, 1, 1], {}),
  conv('conv 1x1 stride 2', [1, 8, 9, 9], [6, 8, 1, 1], { strides: [2, 2] }),
  conv('conv 5x3 kernel, stride 1x2', [1, 4, 12, 10], [9, 4, 5, 3], { strides: [1, 2], pads: [2, 1, 2, 1] }),
  conv('conv group 2', [1, 6, 8, 8], [10, 3, 3, 3], { group: 2, pads: [1, 1, 1, 1] }),
  conv('depthwise 3x3 stride 1', [1, 12, 10, 11], [12, 1, 3, 3], { group: 12, pads: [1, 1, 1, 1] }),
  conv('depthwise 3x3 stride 2', [2, 8, 15, 14], [8, 1, 3, 3], { group: 8, strides: [2, 2], pads: [1, 1, 1, 1] }),
  conv('depthwise 5x5 dilation 2', [1, 5, 17, 9], [5, 1, 5, 5], { group: 5, dilations: [2, 2], pads: [4, 4, 4, 4] }),
  conv('depthwise stride 3, no pad', [1, 4, 11, 13], [4, 1, 3, 3], { group: 4, strides: [3, 3] }),
  conv('depthwise 3x3 stride 2 wide, pads 0/1', [1, 3, 9, 57], [3, 1, 3, 3], { group: 3, strides: [2, 2], pads: [0, 0, 1, 1] }),
  conv('depthwise narrow (width 2), 7x7 kernel', [1, 2, 9, 2], [2, 1, 7, 7], { group: 2, pads: [3, 3, 3, 3] }),
  conv('depthwise 3x3 stride 1, width 64, no pad', [1, 6, 5, 64], [6, 1, 3, 3], { group: 6 }),
  conv('depth multiplier 2', [1, 4, 7, 7], [8, 1, 3, 3], { group: 4, pads: [1, 1, 1, 1] }),
  conv('conv 1-D', [2, 3, 17], [4, 3, 5], { pads: [2, 1], strides: [2] }),
  conv('conv SAME_UPPER', [1, 3, 10, 7], [4, 3, 4, 4], { auto_pad: 'SAME_UPPER', strides: [2, 2] }),
  conv('conv weights as an input', [1, 4, 6, 6], [5, 4, 3, 3], { pads: [1, 1, 1, 1] }, { constW: false }),
  conv('conv wide: 70 channels, 20x24', [1, 70, 20, 24], [33, 70, 3, 3], { pads: [1, 1, 1, 1] }),
  conv('conv batch 0', [0, 3, 5, 5], [4, 3, 3, 3], {}),
  fused('FusedConv Relu', 'Relu', undefined, false),
  fused('FusedConv Clip 0..6 + residual', 'Clip', [0, 6], true),
  fused('FusedConv residual only', 'none', undefined, true),
  fused('FusedConv Sigmoid', 'Sigmoid', undefined, false),
  fused('FusedConv Tanh + residual', 'Tanh', undefined, true),
  fused('FusedConv HardSwish', 'HardSwish', undefined, false),
  fused('FusedConv Silu', 'Silu', [1], false),
  fused('FusedConv LeakyRelu', 'LeakyRelu', [0.1], false),
  fused('FusedConv HardSigmoid', 'HardSigmoid', [0.3, 0.4], false),
  fused('FusedConv Gelu', 'Gelu', undefined, false),
  fused('FusedConv depthwise Clip + residual', 'Clip', [0, 6], true, [1, 8, 9, 7], [8, 1, 3, 3], 8),
];

const pool = (name: string, op: string, x: number[], attrs: Record<string, unknown>): [string, OpCase] => [name, { op, inputs: [rand(x, 31, 3)], attrs }];

export const poolCases: [string, OpCase][] = [
  pool('MaxPool 3x3 s2 p1', 'MaxPool', [1, 4, 13, 12], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  pool('MaxPool ceil_mode', 'MaxPool', [2, 3, 14, 15], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
  pool('MaxPool dilation 2', 'MaxPool', [1, 2, 11, 11], { kernel_shape: [2, 2], dilations: [2, 2] }),
  pool('MaxPool 1-D', 'MaxPool', [1, 3, 20], { kernel_shape: [4], strides: [3], pads: [1, 2] }),
  pool('AveragePool excluding pads', 'AveragePool', [1, 3, 9, 10], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
  pool('AveragePool including pads', 'AveragePool', [1, 3, 9, 10], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }),
  pool('AveragePool ceil_mode stride 2', 'AveragePool', [1, 2, 7, 8], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }),
  ['MaxPool with NaN', { op: 'MaxPool', inputs: [new Tensor('float32', Float32Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? NaN : i % 5)), [1, 2, 5, 5])], attrs: { kernel_shape: [2, 2] } }],
  pool('MaxPool 5x5 stride 3 big', 'MaxPool', [1, 3, 40, 37], { kernel_shape: [5, 5], strides: [3, 3], pads: [2, 2, 2, 2] }),
  pool('GlobalAveragePool', 'GlobalAveragePool', [2, 5, 7, 9], {}),
  pool('GlobalMaxPool', 'GlobalMaxPool', [2, 5, 3, 1], {}),
  pool('GlobalAveragePool 1-D', 'GlobalAveragePool', [1, 3, 17], {}),
];
