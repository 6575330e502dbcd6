/**
 * The one protocol between a page and a Kiln LLM worker (src/workers/llm-host.ts serves it,
 * src/workers/llm-proxy.ts speaks it). Like the session protocol (protocol.ts) every method answers with
 * a `Result`, so a KilnError crosses as data and is rebuilt with its code and details.
 *
 * Token streams do not go through comlink: each generation gets a MessagePort of its own and the worker
 * posts `GenerateEvent`s on it, one per token, without waiting for the page. Stopping is a shared Int32
 * flag the worker reads after every token (cross-origin isolated pages), or an `abort(op)` message,
 * which lands because the worker yields to its event loop between tokens when there is no flag.
 */
import type { BackendVerdict, ChatMessage, FinishReason, GenerationResult, KvType, LlmPlan, ResponseFormat, SoftwareGpuPolicy } from '../llm/index.js';
import type { Features } from './env.js';
import type { Result, WireError } from './protocol.js';

/** Where a model comes from, as it crosses. `stored` names a model in the worker's model store (OPFS). */
export type LlmWireSource =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'blob'; readonly blob: Blob }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'stored'; readonly id: string };

export interface LlmWorkerHello {
  /** Backends registered in the worker, in registration order. */
  readonly backends: readonly string[];
  readonly features: Features;
  /** The worker can keep models (OPFS with synchronous access handles). */
  readonly store: boolean;
}

export interface LlmLoadOptions {
  /** Backends in order of preference; the first that can run the model does. Default webgpu, wasm, reference. */
  readonly backends?: readonly string[];
  /** A software GPU adapter (SwiftShader) is tried last by default; 'allow' takes the list as given. */
  readonly softwareGpu?: SoftwareGpuPolicy;
  readonly contextSize?: number;
  readonly kvType?: KvType;
  readonly batchSize?: number;
  /** A Jinja chat template to use when the model has none (or instead of its own). */
  readonly chatTemplate?: string;
  /** Check a stored model's sha-256 digests before loading it. Default true. */
  readonly verify?: boolean;
}

export interface LlmPlanOptions {
  readonly budgetBytes?: number;
  readonly contextSize?: number;
  readonly kvType?: KvType;
  readonly backends?: readonly string[];
  readonly softwareGpu?: SoftwareGpuPolicy;
}

/** A backend passed over, in the order asked, and why (WebGPU missing, device lost, no LLM kernels…). */
export interface LlmFallback {
  readonly backend: string;
  readonly reason: string;
}

export interface LlmModelInfo {
  readonly name: string;
  readonly arch: string;
  readonly backend: string;
  readonly contextSize: number;
  readonly vocabSize: number;
  /** The model carries a chat template (or one was given): chat() formats turns with it. */
  readonly chatTemplate: boolean;
  readonly bos?: number;
  /** Backends asked for before the one that runs, each with why it was not used. */
  readonly fallbacks: readonly LlmFallback[];
  readonly verdicts: readonly BackendVerdict[];
  readonly memory: { readonly weights: number; readonly kv: number; readonly activations: number; readonly peak: number };
  readonly loadMs: number;
}

/** The cloneable part of GenerateOptions (no signal, no grammar objects). */
export interface LlmWireGenerateOptions {
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly minP?: number;
  readonly seed?: number;
  readonly repetitionPenalty?: number;
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
  readonly logitBias?: Readonly<Record<number, number>>;
  readonly stop?: readonly string[];
  readonly ignoreEos?: boolean;
  readonly responseFormat?: ResponseFormat;
  /** Text prompts: add BOS as the model says (default true). */
  readonly addSpecial?: boolean;
  /** Chat: a template to use instead of the model's own. */
  readonly chatTemplate?: string;
  /**
   * When the prompt and `maxTokens` do not fit the context: drop the oldest turns (chat; the system
   * message stays) or the oldest tokens (text) until they do. Default true. Long answers slide the window.
   */
  readonly fit?: boolean;
}

export type LlmGenerateRequest =
  | { readonly id: number; readonly kind: 'text'; readonly prompt: string | readonly number[]; readonly options: LlmWireGenerateOptions; readonly flag?: Int32Array }
  | { readonly id: number; readonly kind: 'chat'; readonly messages: readonly ChatMessage[]; readonly options: LlmWireGenerateOptions; readonly flag?: Int32Array };

/** 'abort': stopped by the caller (the tokens so far are kept). */
export type LlmFinishReason = FinishReason | 'abort';

export interface LlmGenerationResult extends Omit<GenerationResult, 'finishReason'> {
  readonly finishReason: LlmFinishReason;
  /** Older turns (chat) or tokens (text) left out so the prompt fit the context. */
  readonly droppedMessages: number;
  readonly droppedTokens: number;
  /** Tokens the KV cache holds at the end: prompt plus answer (the context in use). */
  readonly contextUsed: number;
  readonly contextSize: number;
  readonly backend: string;
}

/**
 * Events on a generation's port, in order: tokens (and fallbacks, when a device was lost and the
 * generation moved to the next backend), then exactly one `done` or `error`.
 */
export type GenerateEvent =
  | { readonly t: 'token'; readonly id: number; readonly text: string; readonly n: number }
  | { readonly t: 'fallback'; readonly from: string; readonly to: string; readonly reason: string; readonly info: LlmModelInfo }
  | { readonly t: 'done'; readonly result: LlmGenerationResult }
  | { readonly t: 'error'; readonly error: WireError };

/** Slots of the shared flag of a generation. */
export const FLAG_STOP = 0;
/** The worker stores the count of tokens produced so far here (the page can read how far it got). */
export const FLAG_TOKENS = 1;

// ---- the model store ------------------------------------------------------------------------------

export interface StoredModel {
  readonly id: string;
  readonly name: string;
  /** Where it came from: a URL, or 'file:<name>' for a file picked from disk. */
  readonly origin: string;
  /** Bytes stored so far, and in all (undefined while the size is unknown). */
  readonly stored: number;
  readonly size?: number;
  readonly complete: boolean;
  /** sha-256 over the chunks' sha-256 digests, once complete (the same content hash as src/cache). */
  readonly hash?: string;
  readonly chunkBytes: number;
  readonly storedAt: number;
}

export interface StoreProgress {
  readonly id: string;
  readonly phase: 'download' | 'copy' | 'verify';
  readonly loaded: number;
  readonly total?: number;
  /** Bytes this call started from (a resumed download starts past 0). */
  readonly resumedFrom: number;
}

export interface StoreDownloadOptions {
  /** The model's id in the store. Default: derived from the URL or file name. */
  readonly id?: string;
  readonly name?: string;
  /** Bytes per hashed chunk (and the most a resumed download repeats). Default 8 MiB. */
  readonly chunkBytes?: number;
}

export type LoadPhase = 'verify' | 'weights';

export interface LlmLoadProgress {
  readonly phase: LoadPhase;
  readonly loaded: number;
  readonly total: number;
  readonly tensor?: string;
}

/** What the LLM worker exposes. One worker holds at most one model; a new load replaces it. */
export interface LlmWorkerApi {
  hello(): Result<LlmWorkerHello>;
  plan(source: LlmWireSource, options: LlmPlanOptions): Promise<Result<LlmPlan>>;
  load(source: LlmWireSource, options: LlmLoadOptions, op: number, onProgress?: (p: LlmLoadProgress) => void): Promise<Result<LlmModelInfo>>;
  /** Starts a generation; its events go to `port`. Resolves when it has started (or failed to). */
  generate(request: LlmGenerateRequest, port: MessagePort): Promise<Result<void>>;
  /** Counts the tokens of a text or of a chat prompt with the loaded model. */
  countTokens(input: string | readonly ChatMessage[]): Promise<Result<number>>;
  /** Aborts operation `op` (a load, a generation or a download). */
  abort(op: number): void;
  unload(): Promise<Result<void>>;

  storeList(): Promise<Result<StoredModel[]>>;
  storeDownload(source: { readonly kind: 'url'; readonly url: string } | { readonly kind: 'blob'; readonly blob: Blob; readonly name: string },
    options: StoreDownloadOptions, op: number, onProgress?: (p: StoreProgress) => void): Promise<Result<StoredModel>>;
  storeVerify(id: string): Promise<Result<StoredModel>>;
  storeDelete(id: string): Promise<Result<boolean>>;
}
