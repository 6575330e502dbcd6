/**
 * Registers the formats and backends this build ships with the engine's registry. Imported for its
 * effect by both package entries ('kiln' and 'kiln/llm'), so either one alone finds them by name.
 */
import { KilnError } from './engine/errors.js';
import { registerBackend, registerFormat } from './engine/registry.js';
import { loadOnnx, looksLikeOnnx } from './formats/onnx/index.js';
import { loadTflite, looksLikeTflite } from './formats/tflite/index.js';
import { createReferenceBackend } from './reference/index.js';
import { createRemoteBackend, type RemoteSpec } from './bridges/client/index.js';
import { createWebGpuBackend } from './shaders/index.js';
import { createWasmBackend, type WasmOptions } from './wasm/index.js';

// TFLite first: its 'TFL3' identifier is a sure test, while ONNX's sniff (a leading 0x08) is loose.
registerFormat({
  name: 'tflite',
  extensions: ['.tflite'],
  sniff: looksLikeTflite,
  load: (bytes, opts) => loadTflite(bytes, { signature: opts.signature }),
});
registerFormat({
  name: 'onnx',
  extensions: ['.onnx'],
  sniff: looksLikeOnnx,
  load: (bytes, opts) => loadOnnx(bytes, { externalData: opts.externalData }),
});
// GGUF files hold language models, which run through kiln/llm, not a graph session: say so.
registerFormat({
  name: 'gguf',
  extensions: ['.gguf'],
  sniff: (b) => b[0] === 0x47 && b[1] === 0x47 && b[2] === 0x55 && b[3] === 0x46, // 'GGUF'
  load: () => {
    throw new KilnError('E_FORMAT_UNKNOWN', "this is a GGUF language model: load it with LLM.load() from 'kiln/llm' (InferenceSession runs ONNX and TFLite graphs)");
  },
});
registerBackend('reference', createReferenceBackend);
// Hand-written SIMD WebAssembly kernels; options as a spec: { name: 'wasm', numThreads: 2 }.
registerBackend('wasm', (spec) => createWasmBackend(spec as unknown as WasmOptions | undefined));
// WebGPU where the environment has it (browsers, workers; Node with the `webgpu` package installed as
// navigator.gpu): createBackend('webgpu') throws E_BACKEND_UNAVAILABLE elsewhere.
registerBackend('webgpu', () => createWebGpuBackend());
// { name: 'remote', url, token, model, … }: whole-model offload to a kiln host, Triton, KServe, … (src/bridges).
registerBackend('remote', (spec) => createRemoteBackend(spec as unknown as RemoteSpec));
