/** ConvTranspose and Resize cases. */
import { Tensor } from '../../../src/index.js';
import { f32, i64, rand, type OpCase } from '../harness.js';

const ct = (name: string, x: number[], w: number[], attrs: Record<string, unknown>, bias = true, constW = true): [string, OpCase] => {
  const inputs: (Tensor | undefined)[] = [rand(x, 71), rand(w, 72, 0.5)];
  if (bias) inputs.push(rand([w[1]! * ((attrs.group as number | undefined) ?? 1)], 73));
  return [name, { op: 'ConvTranspose', inputs, attrs, constants: constW ? [1, 2] : [] }];
};

const rs = (name: string, x: number[], scales: number[] | undefined, sizes: number[] | undefined, attrs: Record<string, unknown>): [string, OpCase] =>
  [name, { op: 'Resize', inputs: [rand(x, 81, 3), undefined, scales ? f32([scales.length], scales) : undefined, sizes ? i64([sizes.length], sizes) : undefined], attrs, opset: 19 }];

export const resizeCases: [string, OpCase][] = [
  ct('ConvTranspose 3x3 stride 2 pads 1 output_padding 1', [1, 4, 5, 6], [4, 3, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }),
  ct('ConvTranspose 4x4 stride 2 no bias', [2, 3, 4, 4], [3, 5, 4, 4], { strides: [2, 2], pads: [1, 1, 1, 1] }, false),
  ct('ConvTranspose group 2 dilation 2', [1, 4, 5, 5], [4, 2, 3, 3], { group: 2, dilations: [2, 2] }),
  ct('ConvTranspose 1-D', [1, 3, 9], [3, 2, 5], { strides: [3] }),
  ct('ConvTranspose weights as an input', [1, 2, 3, 3], [2, 3, 2, 2], { strides: [2, 2] }, true, false),
  ct('ConvTranspose SAME_UPPER', [1, 3, 5, 4], [3, 2, 3, 3], { strides: [2, 2], auto_pad: 'SAME_UPPER' }),
  rs('Resize nearest 2x asymmetric floor', [1, 3, 5, 7], [1, 1, 2, 2], undefined, { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }),
  rs('Resize nearest sizes half_pixel', [2, 2, 6, 9], undefined, [2, 2, 4, 13], { mode: 'nearest' }),
  rs('Resize linear upscale half_pixel', [1, 2, 7, 5], [1, 1, 1.75, 2.5], undefined, { mode: 'linear' }),
  rs('Resize linear downscale align_corners', [1, 3, 12, 10], undefined, [1, 3, 5, 4], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }),
  rs('Resize linear antialias downscale', [1, 1, 16, 16], undefined, [1, 1, 6, 5], { mode: 'linear', antialias: 1 }),
  rs('Resize cubic pytorch_half_pixel', [1, 2, 6, 6], [1, 1, 1.5, 2], undefined, { mode: 'cubic', coordinate_transformation_mode: 'pytorch_half_pixel' }),
  rs('Resize cubic exclude_outside', [1, 1, 5, 8], undefined, [1, 1, 9, 3], { mode: 'cubic', exclude_outside: 1, cubic_coeff_a: -0.5 }),
  rs('Resize 3-D input', [4, 6, 5], [1, 2, 2], undefined, { mode: 'linear' }),
];
