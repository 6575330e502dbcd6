/**
 * kiln: the package entry. Registers the formats and backends this build ships, then re-exports the
 * engine's public API.
 */
import { registerBackend, registerFormat } from './engine/registry.js';
import { loadOnnx, looksLikeOnnx } from './formats/onnx/index.js';
import { loadTflite, looksLikeTflite } from './formats/tflite/index.js';
import { createReferenceBackend } from './reference/index.js';
import { createRemoteBackend, type RemoteSpec } from './bridges/client/index.js';

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
registerBackend('reference', createReferenceBackend);
// { name: 'remote', url, token, model, … }: whole-model offload to a kiln host, Triton, KServe, … (src/bridges).
registerBackend('remote', (spec) => createRemoteBackend(spec as unknown as RemoteSpec));

export * from './engine/index.js';
// The public session is worker-first (same API as the engine's; `worker: false` runs in the calling
// thread), and the model cache comes with it.
export { InferenceSession, FEATURES, type Features, type LoadInfo, type LoadProgressEvent, type RunOptions, type SessionOptions, type WorkerSpec } from './workers/index.js';
export { clearModelCache, evictCachedModel, listCachedModels, modelCacheAvailable, type CacheOptions, type CachedModel } from './cache/index.js';
export { loadOnnx } from './formats/onnx/index.js';
export { loadTflite, type TfliteModel, type TfliteSignature } from './formats/tflite/index.js';
export { openGguf, readGguf, GgufFile, dequantize, type GgufTensorInfo } from './formats/gguf/index.js';
// Remote bridges, client side (fetch only; the host is Node-only: kiln/host, src/bridges/host).
export { BridgeSession, RemoteBackend, TfServingClient, V2Client, remoteBackend, type BridgeSessionOptions, type RemoteSpec } from './bridges/client/index.js';
