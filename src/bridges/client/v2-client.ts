/**
 * A client of the Open Inference Protocol's REST API (Triton, KServe, OpenVINO Model Server, MLServer,
 * TorchServe, `kiln host`), plus TensorFlow Serving's predict API. Inference uses the binary tensor data
 * extension by default; `binary: false` sends and asks for JSON.
 */
import { KilnError, type KilnErrorCode } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { decodePredictResponse, encodePredictRequest, type Declared, type TfFormat } from '../protocol/tfserving.js';
import { HEADER_LENGTH, decodeMessage, encodeMessage, modelPath, type InferResponse, type ModelMetadata, type ServerMetadata } from '../protocol/v2.js';
import { Transport, errorText, jsonOf, type HttpAnswer, type TransportOptions } from './http.js';

export interface InferOptions {
  /** Outputs to return (default: all the model has). */
  readonly outputs?: readonly string[];
  /** Binary tensor data extension (default true). */
  readonly binary?: boolean;
  readonly signal?: AbortSignal;
  readonly id?: string;
  /** Largest output tensor accepted, in bytes (default 1 GiB). */
  readonly maxTensorBytes?: number;
}

/** HTTP status → the KilnError code a caller sees. */
export function codeForStatus(status: number): KilnErrorCode {
  if (status === 400 || status === 404 || status === 422) return 'E_INPUT_INVALID';
  if (status === 401 || status === 403) return 'E_BACKEND_UNAVAILABLE';
  if (status === 413) return 'E_QUOTA';
  return 'E_RUNTIME';
}

export function httpError(a: HttpAnswer, what: string): KilnError {
  return new KilnError(codeForStatus(a.status), `${what}: HTTP ${a.status}: ${errorText(a)}`, { status: a.status });
}

const utf8 = new TextEncoder();

export class V2Client {
  readonly transport: Transport;
  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
  }

  private async get(path: string, signal?: AbortSignal): Promise<HttpAnswer> {
    return this.transport.call({ method: 'GET', path, idempotent: true, signal });
  }

  /** Health: true for 200, false for a 4xx; other statuses and transport failures throw. */
  private async health(path: string, signal?: AbortSignal): Promise<boolean> {
    const a = await this.get(path, signal);
    if (a.status === 200) return true;
    if (a.status === 401 || a.status === 403 || a.status >= 500) throw httpError(a, `GET ${path}`);
    return false;
  }

  serverLive(signal?: AbortSignal): Promise<boolean> {
    return this.health('v2/health/live', signal);
  }

  serverReady(signal?: AbortSignal): Promise<boolean> {
    return this.health('v2/health/ready', signal);
  }

  modelReady(name: string, version?: string, signal?: AbortSignal): Promise<boolean> {
    return this.health(`${modelPath(name, version)}/ready`, signal);
  }

  async serverMetadata(signal?: AbortSignal): Promise<ServerMetadata> {
    const a = await this.get('v2', signal);
    if (a.status !== 200) throw httpError(a, 'GET v2');
    return jsonOf<ServerMetadata>(a, 'server metadata');
  }

  async modelMetadata(name: string, version?: string, signal?: AbortSignal): Promise<ModelMetadata> {
    const path = modelPath(name, version);
    const a = await this.get(path, signal);
    if (a.status !== 200) throw httpError(a, `GET ${path}`);
    const m = jsonOf<ModelMetadata>(a, `metadata of model '${name}'`);
    if (!Array.isArray(m.inputs) || !Array.isArray(m.outputs)) throw new KilnError('E_RUNTIME', `metadata of model '${name}' lacks inputs/outputs`);
    return m;
  }

  /**
   * Uploads model files through the model repository extension's load call (Triton's form:
   * `parameters.config` plus `file:<version>/<file>` entries, base64). Idempotent when the name is the
   * content's hash, which is how the remote backend uses it.
   */
  async load(name: string, files: Readonly<Record<string, Uint8Array>>, config: Record<string, unknown> = {}, signal?: AbortSignal): Promise<void> {
    const parameters: Record<string, string> = { config: JSON.stringify(config) };
    for (const [path, bytes] of Object.entries(files)) parameters[`file:${path}`] = toBase64(bytes);
    const path = `v2/repository/models/${encodeURIComponent(name)}/load`;
    const a = await this.transport.call({ method: 'POST', path, body: utf8.encode(JSON.stringify({ parameters })), headers: { 'content-type': 'application/json' }, idempotent: true, signal });
    if (a.status !== 200) throw httpError(a, `POST ${path}`);
  }

  /** Runs the model on named tensors; returns the outputs by name. */
  async infer(name: string, version: string | undefined, inputs: readonly { name: string; tensor: Tensor }[], o: InferOptions = {}): Promise<Map<string, Tensor>> {
    const binary = o.binary ?? true;
    const head: Record<string, unknown> = {};
    if (o.id !== undefined) head.id = o.id;
    if (binary) head.parameters = { binary_data_output: true };
    if (o.outputs) head.outputs = o.outputs.map((n) => (binary ? { name: n, parameters: { binary_data: true } } : { name: n }));
    const { body, headerLength } = encodeMessage(head, 'inputs', inputs.map((i) => ({ ...i, binary })));
    const headers: Record<string, string> = { 'content-type': headerLength === undefined ? 'application/json' : 'application/octet-stream' };
    if (headerLength !== undefined) headers[HEADER_LENGTH] = String(headerLength);
    const path = `${modelPath(name, version)}/infer`;
    const a = await this.transport.call({ method: 'POST', path, body, headers, signal: o.signal });
    if (a.status !== 200) throw httpError(a, `POST ${path}`);
    const hl = a.headers.get(HEADER_LENGTH);
    let decoded;
    try {
      decoded = decodeMessage<InferResponse>(a.body, hl === null ? undefined : Number(hl), 'outputs', { maxTensorBytes: o.maxTensorBytes ?? 2 ** 30 });
    } catch (e) {
      throw new KilnError('E_RUNTIME', `POST ${path}: the host's answer is malformed: ${(e as Error).message}`, {}, { cause: e });
    }
    if (o.id !== undefined && decoded.json.id !== o.id) throw new KilnError('E_RUNTIME', `POST ${path}: answer for request '${String(decoded.json.id)}', expected '${o.id}'`);
    return new Map(decoded.tensors.map((t) => [t.name, t.tensor]));
  }
}

/** TensorFlow Serving's REST API: model status and predict (row or column form). */
export class TfServingClient {
  readonly transport: Transport;
  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
  }

  private base(name: string, version?: string): string {
    return `v1/models/${encodeURIComponent(name)}${version ? `/versions/${encodeURIComponent(version)}` : ''}`;
  }

  /** True when some version of the model is AVAILABLE. */
  async modelAvailable(name: string, version?: string, signal?: AbortSignal): Promise<boolean> {
    const path = this.base(name, version);
    const a = await this.transport.call({ method: 'GET', path, idempotent: true, signal });
    if (a.status === 404) return false;
    if (a.status !== 200) throw httpError(a, `GET ${path}`);
    const s = jsonOf<{ model_version_status?: { state?: string }[] }>(a, `status of model '${name}'`);
    return (s.model_version_status ?? []).some((v) => v.state === 'AVAILABLE');
  }

  /** Input and output names of the serving signature, when the host's metadata endpoint gives them. */
  async signatureNames(name: string, version?: string, signature = 'serving_default'): Promise<{ inputs: string[]; outputs: string[] } | undefined> {
    const a = await this.transport.call({ method: 'GET', path: `${this.base(name, version)}/metadata`, idempotent: true });
    if (a.status !== 200) return undefined;
    type Sig = { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    const sig = jsonOf<{ metadata?: { signature_def?: { signature_def?: Record<string, Sig> } } }>(a, `metadata of model '${name}'`).metadata?.signature_def?.signature_def?.[signature];
    return sig?.inputs && sig.outputs ? { inputs: Object.keys(sig.inputs), outputs: Object.keys(sig.outputs) } : undefined;
  }

  async predict(name: string, version: string | undefined, inputs: readonly { name: string; tensor: Tensor }[], outputs: readonly Declared[], o: { format?: TfFormat; signature?: string; signal?: AbortSignal } = {}): Promise<Map<string, Tensor>> {
    const path = `${this.base(name, version)}:predict`;
    const body = utf8.encode(JSON.stringify(encodePredictRequest(inputs, o.format ?? 'column', o.signature)));
    const a = await this.transport.call({ method: 'POST', path, body, headers: { 'content-type': 'application/json' }, signal: o.signal });
    if (a.status !== 200) throw httpError(a, `POST ${path}`);
    try {
      return decodePredictResponse(jsonOf(a, `POST ${path}`), outputs, 2 ** 28);
    } catch (e) {
      throw new KilnError('E_RUNTIME', `POST ${path}: ${(e as Error).message}`, {}, { cause: e });
    }
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
