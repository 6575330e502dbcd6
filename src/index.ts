/**
 * kiln: the package entry. Registers the formats and backends this build ships (src/register.ts), then
 * re-exports the public API.
 */
import './register.js';

export * from './engine/index.js';
// The public session is worker-first (same API as the engine's; `worker: false` runs in the calling
// thread), and the model cache comes with it.
export { InferenceSession, FEATURES, type Features, type LoadInfo, type LoadProgressEvent, type RunOptions, type SessionOptions, type WorkerSpec } from './workers/index.js';
export { clearModelCache, evictCachedModel, listCachedModels, modelCacheAvailable, type CacheOptions, type CachedModel } from './cache/index.js';
export { loadOnnx } from './formats/onnx/index.js';
export { wasmEnv, type WasmOptions } from './wasm/index.js';
export { createWebGpuBackend, type WebGpuBackend, type WebGpuReport, type GpuCapabilities } from './shaders/index.js';
export { loadTflite, type TfliteModel, type TfliteSignature } from './formats/tflite/index.js';
export { openGguf, readGguf, GgufFile, dequantize, type GgufTensorInfo } from './formats/gguf/index.js';
// Remote bridges, client side (fetch only; the host is Node-only: kiln/host, src/bridges/host).
export { BridgeSession, RemoteBackend, TfServingClient, V2Client, remoteBackend, type BridgeSessionOptions, type RemoteSpec } from './bridges/client/index.js';
