/** The webgpu backend: WGSL kernels on WebGPU, in browsers and (with the `webgpu` package) in Node. */
export { WebGpuBackend, createWebGpuBackend, type WebGpuBackendOptions, type WebGpuReport } from './backend.js';
export { acquireDevice, sharedContext, type GpuCapabilities, type DeviceOptions, GpuContext } from './device.js';
export { WEBGPU_KERNELS } from './kernels.js';
export { preprocess } from './preprocess.js';
export { shaderText, keyString, type ProgramKey } from './pipeline-cache.js';
export { createWebGpuLlmKernels, GPU_WEIGHT_TYPES, type LlmGpuOptions, type WebGpuLlmKernels } from './llm/index.js';
