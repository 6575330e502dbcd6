/** The client side of the bridges: browser-safe (fetch only), no Node modules. */
export { RemoteBackend, compareSignature, type RemoteSpec, type RunGraphOptions } from './backend.js';
export { remoteBackend, remoteBackendNamed, createRemoteBackend } from './register.js';
export { BridgeSession, type BackendEntry, type BridgeRunOptions, type BridgeSessionOptions, type Fallback } from './session.js';
export { V2Client, TfServingClient, type InferOptions } from './v2-client.js';
export { Transport, type TransportOptions } from './http.js';
export type { EngineReport, ModelMetadata, ServerMetadata, TensorMetadata } from '../protocol/v2.js';
