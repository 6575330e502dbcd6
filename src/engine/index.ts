/** The engine's public surface. The engine imports nothing outside src/engine. */
export { KilnError, isKilnError, type KilnErrorCode, type KilnErrorDetails } from './errors.js';
export { Tensor, type DeviceStorage, type TensorData, type TensorLocation } from './tensor.js';
export { DTYPES, type DType, type DTypeInfo, type QuantParams } from './ir/dtype.js';
export { Graph, Node, type Attribute, type Model, type ValueInfo } from './ir/graph.js';
export type { Dim, TensorType, ValueType } from './ir/types.js';
export type { Backend, Kernel, KernelEnv, KernelMap, RunGraphOptions, RuntimeValue, SupportQuery } from './backend.js';
export { kernel, kernelMapBackend } from './backend.js';
export { InferenceSession, type Feeds, type RunCallOptions, type SessionOptions, type SessionProfile, type ValueMetadata } from './session.js';
export type { NodeProfile } from './executor.js';
export type { Assignment } from './planner.js';
export { registerBackend, registerFormat, registeredBackends, registeredFormats, type BackendSpec, type ModelFormat } from './registry.js';
export type { LoadProgress, ModelSource } from './source.js';
export { OP_TABLE, type OpName } from './ops/index.js';
export type { KvType, LlmActivation, LlmKernels, LlmKvCache, LlmWeight, RopeParams } from './llm-kernels.js';
