/**
 * The demo's bundled sample: a small image classifier built as ONNX bytes in code (so a static build of
 * the demo needs no model files). Its weights are seeded random numbers, so its labels mean nothing; it
 * exists to show loading, placement, per-op timing and top-k on a real conv-net shape:
 *
 *   image f32[1,3,S,S] → normalise (Sub, Div) → Conv 3×3/2 → Relu → Conv 3×3/2 → Relu → MaxPool 2×2
 *   → [Conv 1×1 → Relu] + residual (Add) → GlobalAveragePool → Flatten → Gemm → Softmax → probs f32[1,10]
 *
 * `longModel` builds the browser tests' slow model: a chain of MatMul + Tanh layers.
 */
import { model, node, seeded, tensor, valueInfo, weights } from './onnx-builder.js';

export const SAMPLE_LABELS = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export function sampleModel(size = 64): Uint8Array {
  const r = seeded(5);
  const c1 = 16;
  const c2 = 32;
  const classes = SAMPLE_LABELS.length;
  const conv = (name: string, cout: number, cin: number, k: number) => [
    tensor(`${name}.w`, [cout, cin, k, k], weights(cout * cin * k * k, Math.sqrt(2 / (cin * k * k)), r)),
    tensor(`${name}.b`, [cout], weights(cout, 0.05, r)),
  ];
  return model({
    name: 'kiln-sample-classifier',
    doc: 'Kiln demo sample: random weights, CIFAR-10 label names',
    inputs: [valueInfo('image', [1, 3, size, size])],
    outputs: [valueInfo('probs', [1, classes])],
    initializers: [
      tensor('mean', [1, 3, 1, 1], new Float32Array([0.485, 0.456, 0.406])),
      tensor('std', [1, 3, 1, 1], new Float32Array([0.229, 0.224, 0.225])),
      ...conv('conv1', c1, 3, 3),
      ...conv('conv2', c2, c1, 3),
      ...conv('conv3', c2, c2, 1),
      tensor('fc.w', [classes, c2], weights(classes * c2, Math.sqrt(1 / c2), r)),
      tensor('fc.b', [classes], weights(classes, 0.05, r)),
    ],
    nodes: [
      node('Sub', ['image', 'mean'], ['centered']),
      node('Div', ['centered', 'std'], ['normalized']),
      node('Conv', ['normalized', 'conv1.w', 'conv1.b'], ['c1'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
      node('Relu', ['c1'], ['r1']),
      node('Conv', ['r1', 'conv2.w', 'conv2.b'], ['c2'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
      node('Relu', ['c2'], ['r2']),
      node('MaxPool', ['r2'], ['p2'], { kernel_shape: [2, 2], strides: [2, 2] }),
      node('Conv', ['p2', 'conv3.w', 'conv3.b'], ['c3'], { kernel_shape: [1, 1] }),
      node('Relu', ['c3'], ['r3']),
      node('Add', ['p2', 'r3'], ['res']),
      node('GlobalAveragePool', ['res'], ['gap']),
      node('Flatten', ['gap'], ['flat']),
      node('Gemm', ['flat', 'fc.w', 'fc.b'], ['logits'], { transB: 1 }),
      node('Softmax', ['logits'], ['probs'], { axis: -1 }),
    ],
  });
}

/** x f32[rows,width] → (MatMul W_i → Tanh) × layers → y f32[rows,width]. Slow on purpose on the reference backend. */
export function longModel(layers: number, width: number, rows: number): Uint8Array {
  const r = seeded(11);
  const nodes = [];
  const inits = [];
  let prev = 'x';
  for (let i = 0; i < layers; i++) {
    inits.push(tensor(`w${i}`, [width, width], weights(width * width, 1 / Math.sqrt(width), r)));
    nodes.push(node('MatMul', [prev, `w${i}`], [`m${i}`]));
    const out = i === layers - 1 ? 'y' : `t${i}`;
    nodes.push(node('Tanh', [`m${i}`], [out]));
    prev = out;
  }
  return model({
    name: 'kiln-long-chain',
    inputs: [valueInfo('x', [rows, width])],
    outputs: [valueInfo('y', [rows, width])],
    initializers: inits,
    nodes,
  });
}
