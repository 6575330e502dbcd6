/** The host side of the bridges (Node only): `kiln host` and its parts. */
export { startHost, type HostEvent, type HostOptions, type RunningHost } from './server.js';
export { defaultTokenFile, loadOrCreateToken, tokenMatches } from './token.js';
export { ortEngine } from './engines/ort.js';
export { kilnEngine } from './engines/kiln.js';
export { executorchEngine, type ExecutorchOptions } from './engines/executorch.js';
export type { EngineName, EngineStatus, HostEngine, IoSpec, LoadedModel, ModelFile } from './engines/types.js';
export { ModelRepository, type ModelConfig, type ModelState, type ModelVersion } from './repository.js';
