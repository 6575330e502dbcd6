/** Small ONNX models built in code for the bridge tests (demo/onnx-builder writes the bytes). */
import { model, node, valueInfo } from '../../demo/onnx-builder.js';
export { longModel } from '../../demo/sample-model.js';

/** x f32[N,4] → Relu → y f32[N,4]: a dynamic first dim, as batched models have. */
export const reluModel = (): Uint8Array => model({
  name: 'relu', inputs: [valueInfo('x', ['N', 4])], outputs: [valueInfo('y', ['N', 4])], initializers: [], nodes: [node('Relu', ['x'], ['y'])],
});

/** x f32[N,3] → y = Relu(x), z = Neg(x): two outputs, for the row form and output selection. */
export const twoOutputModel = (): Uint8Array => model({
  name: 'two', inputs: [valueInfo('x', ['N', 3])], outputs: [valueInfo('y', ['N', 3]), valueInfo('z', ['N', 3])], initializers: [],
  nodes: [node('Relu', ['x'], ['y']), node('Neg', ['x'], ['z'])],
});
