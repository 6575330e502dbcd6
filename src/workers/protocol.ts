/**
 * The one protocol between a page and a Kiln worker. The worker exposes `WorkerApi` through comlink;
 * every method answers with a `Result`, a discriminated union, so a failure crosses as data (`WireError`)
 * and is rebuilt on the other side as the same class with the same `code` and `details`. No global
 * comlink handler is replaced: an app's own comlink use is untouched.
 *
 * Tensors cross as `WireValue`s with their buffers in the transfer list (moved, not copied). A buffer is
 * moved only when the tensor owns all of it; views into a larger buffer (model weights, wasm memory, a
 * caller's slab) are copied first, so moving never detaches unrelated data.
 */
import type { RuntimeValue } from '../engine/backend.js';
import { KilnError, type KilnErrorCode, type KilnErrorDetails } from '../engine/errors.js';
import type { DType } from '../engine/ir/dtype.js';
import type { Assignment } from '../engine/planner.js';
import type { BackendSpec } from '../engine/registry.js';
import type { SessionProfile, ValueMetadata } from '../engine/session.js';
import { Tensor, type TensorData } from '../engine/tensor.js';
import type { Features } from './env.js';
import type { LoadInfo, LoadProgressEvent } from './loader.js';

export type WireValue =
  | { readonly kind: 'tensor'; readonly type: DType; readonly dims: readonly number[]; readonly data: TensorData }
  | { readonly kind: 'sequence'; readonly items: readonly WireValue[] }
  | null;

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: KilnErrorCode;
  readonly details?: KilnErrorDetails;
  readonly stack?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** A model source as it crosses: URLs are made absolute against the page first (the worker's base differs). */
export type WireSource =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'blob'; readonly blob: Blob };

/** The cloneable part of SessionOptions (backend specs cross as plain objects: no functions in them). */
export interface WireSessionOptions {
  readonly backends?: readonly (string | BackendSpec)[];
  readonly format?: 'onnx' | 'tflite' | 'gguf';
  readonly signature?: string;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'all';
  readonly externalData?: Readonly<Record<string, Uint8Array>>;
  readonly cache?: boolean | { readonly chunkBytes?: number };
  readonly enableProfiling?: boolean;
}

/** Everything about a session that does not change after creation: the proxy answers it synchronously. */
export interface SessionInfo {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  readonly assignments: readonly Assignment[];
  readonly backendSummary: Readonly<Record<string, number>>;
  /** Backends dropped after their device was lost (the engine re-plans; assignments change with it). */
  readonly fallbacks: readonly { readonly backend: string; readonly reason: string }[];
  readonly loadInfo: LoadInfo;
}

/** A run's outputs, and the session's placement again when a device loss changed it during the run. */
export interface RunResult {
  readonly outputs: Readonly<Record<string, WireValue>>;
  readonly replanned?: Pick<SessionInfo, 'assignments' | 'backendSummary' | 'fallbacks'>;
}

export interface RunRequest {
  readonly id: number;
  readonly fetches?: readonly string[];
  /** Int32Array over a SharedArrayBuffer: the page stores 1 to abort, read between nodes with no message. */
  readonly abortFlag?: Int32Array;
  /** Whether the caller passed a signal at all (without shared memory the worker then yields between nodes). */
  readonly abortable: boolean;
}

export interface WorkerHello {
  readonly backends: readonly string[];
  readonly formats: readonly string[];
  readonly features: Features;
}

/** What the worker exposes. One worker holds at most one session. */
export interface WorkerApi {
  hello(config: { readonly assetBase?: string }): Result<WorkerHello>;
  /** Callbacks are comlink proxies, so they go as arguments of their own (comlink only sees top-level ones). */
  create(source: WireSource, options: WireSessionOptions, onProgress?: (p: LoadProgressEvent) => void,
    externalData?: (location: string) => Promise<Uint8Array>): Promise<Result<SessionInfo>>;
  run(feeds: Readonly<Record<string, WireValue>>, req: RunRequest): Promise<Result<RunResult>>;
  /** Asks run `id` to stop at the next node boundary. */
  abort(id: number): void;
  profile(): Promise<Result<SessionProfile>>;
  release(): Promise<Result<void>>;
}

// ---- errors ------------------------------------------------------------------------------------

export function toWireError(e: unknown): WireError {
  if (e instanceof KilnError) {
    return { name: 'KilnError', code: e.code, message: e.message.replace(/^\[[A-Z0-9_]+\] /, ''), details: cloneable(e.details), stack: e.stack };
  }
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

/** The same class and code as thrown in the worker; the worker's stack is kept under the local one. */
export function fromWireError(w: WireError): Error {
  const e = w.code ? new KilnError(w.code, w.message, w.details ?? {}) : new Error(w.message);
  if (!w.code && w.name !== 'Error') Object.defineProperty(e, 'name', { value: w.name });
  if (w.stack) e.stack = `${e.stack ?? ''}\n--- in the Kiln worker ---\n${w.stack}`;
  return e;
}

function cloneable(d: KilnErrorDetails): KilnErrorDetails {
  try {
    return structuredClone(d);
  } catch {
    return JSON.parse(JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? String(v) : v))) as KilnErrorDetails;
  }
}

export async function settle<T>(f: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
}

export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw fromWireError(r.error);
}

// ---- values ------------------------------------------------------------------------------------

/**
 * Encodes a value for posting and lists the buffers to move. `copy` forces copies (keepInputs);
 * `pinned` buffers are never moved (the worker's weights).
 */
export function toWire(v: RuntimeValue, transfer: Set<ArrayBuffer>, copy = false, pinned?: ReadonlySet<ArrayBufferLike>): WireValue {
  if (v === null) return null;
  if (Array.isArray(v)) return { kind: 'sequence', items: v.map((x) => toWire(x, transfer, copy, pinned)) };
  const t = v as Tensor;
  return { kind: 'tensor', type: t.type, dims: [...t.dims], data: movable(t.data, transfer, copy, pinned) };
}

function movable(data: TensorData, transfer: Set<ArrayBuffer>, copy: boolean, pinned?: ReadonlySet<ArrayBufferLike>): TensorData {
  if (Array.isArray(data)) return data;
  const buf = data.buffer;
  if (typeof SharedArrayBuffer === 'function' && buf instanceof SharedArrayBuffer) return data; // shared, not copied
  const whole = data.byteOffset === 0 && data.byteLength === buf.byteLength;
  if (!copy && whole && !pinned?.has(buf)) {
    transfer.add(buf as ArrayBuffer);
    return data;
  }
  const own = data.slice() as TensorData & { buffer: ArrayBuffer };
  transfer.add(own.buffer);
  return own;
}

export function fromWire(w: WireValue): RuntimeValue {
  if (w === null) return null;
  if (w.kind === 'sequence') return w.items.map(fromWire);
  return new Tensor(w.type, w.data, w.dims);
}

/** A tensor whose buffer an earlier run() moved to a worker: its data is now empty. */
export function isDetached(v: RuntimeValue | undefined): boolean {
  if (!(v instanceof Tensor) || Array.isArray(v.data) || v.size === 0) return false;
  return v.data.byteLength === 0;
}
