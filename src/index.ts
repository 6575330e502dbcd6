/**
 * kiln: the package entry. Registers the formats and backends this build ships, then re-exports the
 * engine's public API.
 */
import { registerBackend, registerFormat } from './engine/registry.js';
import { loadOnnx, looksLikeOnnx } from './formats/onnx/index.js';
import { createReferenceBackend } from './reference/index.js';

registerFormat({
  name: 'onnx',
  extensions: ['.onnx'],
  sniff: looksLikeOnnx,
  load: (bytes, opts) => loadOnnx(bytes, { externalData: opts.externalData }),
});
registerBackend('reference', createReferenceBackend);

export * from './engine/index.js';
export { loadOnnx } from './formats/onnx/index.js';
export { openGguf, readGguf, GgufFile, dequantize, type GgufTensorInfo } from './formats/gguf/index.js';
