/**
 * Model formats and backends register themselves here, so the engine never imports them: the package
 * entry (src/index.ts) wires the readers and backends it ships.
 */
import type { Backend } from './backend.js';
import { KilnError } from './errors.js';
import type { Model } from './ir/graph.js';

export interface FormatLoadOptions {
  /** Fetches a side file named by the model (ONNX external data), relative to the model. */
  externalData?: (location: string) => Uint8Array | Promise<Uint8Array>;
  /** For formats with several entry points (TFLite signatures): which one to run. */
  signature?: string;
}

export interface ModelFormat {
  readonly name: 'onnx' | 'tflite' | 'gguf';
  /** Lower-case file extensions including the dot, for path/URL hints. */
  readonly extensions: readonly string[];
  /** Cheap check of the first bytes. */
  sniff(bytes: Uint8Array): boolean;
  load(bytes: Uint8Array, opts: FormatLoadOptions): Promise<Model>;
}

/** A backend asked for with options, e.g. `{ name: 'remote', url, token, model }`: the factory registered under `name` gets it whole. */
export interface BackendSpec {
  readonly name: string;
  readonly [option: string]: unknown;
}

/** Makes a backend; `spec` is set when the backends list gave an object rather than a name. */
export type BackendFactory = (spec?: BackendSpec) => Backend | Promise<Backend>;

const formats: ModelFormat[] = [];
const backends = new Map<string, BackendFactory>();

export function registerFormat(f: ModelFormat): void {
  const i = formats.findIndex((x) => x.name === f.name);
  if (i >= 0) formats[i] = f;
  else formats.push(f);
}

export function registerBackend(name: string, factory: BackendFactory): void {
  backends.set(name, factory);
}

export const registeredBackends = (): string[] => [...backends.keys()];
export const registeredFormats = (): readonly ModelFormat[] => formats;

export async function createBackend(entry: string | BackendSpec): Promise<Backend> {
  const name = typeof entry === 'string' ? entry : entry?.name;
  const f = typeof name === 'string' ? backends.get(name) : undefined;
  if (!f) {
    throw new KilnError('E_BACKEND_UNAVAILABLE', `backend '${String(name)}' is not available; registered: ${registeredBackends().join(', ') || 'none'}`);
  }
  return f(typeof entry === 'string' ? undefined : entry);
}

/** Picks a format by explicit name, then by file extension hint, then by sniffing the bytes. */
export function pickFormat(bytes: Uint8Array, hint?: string, explicit?: string): ModelFormat {
  if (explicit) {
    const f = formats.find((x) => x.name === explicit);
    if (!f) throw new KilnError('E_FORMAT_UNKNOWN', `format '${explicit}' is not available; registered: ${formats.map((x) => x.name).join(', ')}`);
    return f;
  }
  const lower = hint?.toLowerCase().replace(/[?#].*$/, '');
  const byExt = lower ? formats.find((x) => x.extensions.some((e) => lower.endsWith(e))) : undefined;
  if (byExt) return byExt;
  const bySniff = formats.find((x) => x.sniff(bytes));
  if (bySniff) return bySniff;
  throw new KilnError('E_FORMAT_UNKNOWN', `cannot tell the model format of ${hint ? `'${hint}'` : 'these bytes'} (${bytes.byteLength} bytes); known: ${formats.map((x) => x.name).join(', ')}`);
}
