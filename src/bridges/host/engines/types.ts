/**
 * What the host needs of an engine: whether it can run on this machine (and if not, why), and loading a
 * model file into something that runs named tensors. Engines never pretend: an engine whose runtime is
 * not installed reports itself unavailable with the reason, and so does every model that needs it.
 */
import type { DType } from '../../../engine/ir/dtype.js';
import type { Tensor } from '../../../engine/tensor.js';
import type { EngineReport } from '../../protocol/v2.js';

export type EngineName = 'ort' | 'executorch' | 'kiln';

export interface EngineStatus {
  readonly name: EngineName;
  readonly available: boolean;
  /** Why not, when unavailable. */
  readonly reason?: string;
  /** Providers (ONNX Runtime EPs, Kiln backends) and whether each can run here. */
  readonly providers?: readonly { name: string; available: boolean; reason?: string }[];
}

export interface IoSpec {
  readonly name: string;
  readonly dtype: DType;
  /** -1 for a dim of unknown size; undefined when even the rank is unknown. */
  readonly shape?: readonly number[];
}

export interface ModelFile {
  readonly kind: 'onnx' | 'pte' | 'tflite';
  /** A file in the repository, or… */
  readonly path?: string;
  /** …the bytes of an uploaded model. */
  readonly bytes?: Uint8Array;
}

export interface LoadedModel {
  readonly inputs: readonly IoSpec[];
  readonly outputs: readonly IoSpec[];
  /** v2 platform name: onnx_onnxv1, executorch_pte, … */
  readonly platform: string;
  readonly report: EngineReport;
  /** Runs the model; `wanted` are output names. Runs of one model never overlap (the host queues them). */
  run(feeds: ReadonlyMap<string, Tensor>, wanted: readonly string[], signal: AbortSignal): Promise<Map<string, Tensor>>;
  dispose(): Promise<void> | void;
}

export interface HostEngine {
  readonly name: EngineName;
  /** File kinds this engine loads. */
  readonly kinds: readonly ModelFile['kind'][];
  status(): Promise<EngineStatus>;
  /** `providers`: preferred providers in order (per model config or --ep), else the engine's default. */
  load(file: ModelFile, providers?: readonly string[]): Promise<LoadedModel>;
}
