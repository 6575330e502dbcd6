/**
 * The wasm backend's public surface: register it with
 *
 *   registerBackend('wasm', () => createWasmBackend());
 *
 * and set process-wide defaults (thread count, forced build) through `wasmEnv` before sessions are created.
 */
export { createWasmBackend, WasmBackend } from './backend.js';
export { wasmEnv, type WasmOptions } from './loader.js';
export { detectFeatures, type WasmFeatures } from './features.js';
export { WASM_OPS } from './ops/index.js';
