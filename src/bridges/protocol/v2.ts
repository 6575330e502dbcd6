/**
 * Open Inference Protocol (KServe v2) messages: the JSON shapes of the REST API and one codec for
 * inference requests and responses, used by both the client and the host.
 *
 * A message is a JSON object whose `inputs` (request) or `outputs` (response) describe tensors. With the
 * binary tensor data extension, a tensor carries `parameters.binary_data_size` instead of `data`, its
 * bytes follow the JSON in the body in the order the tensors are listed, and the
 * `Inference-Header-Content-Length` HTTP header gives the JSON's length.
 */
import { KilnError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { sizeOf } from '../../engine/tensor.js';
import {
  ELEMENT_BYTES, binaryToTensor, checkShape, isV2Datatype, jsonToTensor, tensorToBinary, tensorToJson, toV2Datatype, type V2Datatype,
} from './datatypes.js';

export const HEADER_LENGTH = 'inference-header-content-length';

export type Parameters = Record<string, string | number | boolean>;

export interface TensorMetadata {
  readonly name: string;
  readonly datatype: V2Datatype;
  /** -1 for a variable dim. */
  readonly shape: readonly number[];
}

export interface ServerMetadata {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
  readonly [extra: string]: unknown;
}

export interface ModelMetadata {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
  /** Kiln's extension: which engine and execution provider run the model on the host. */
  readonly engine?: EngineReport;
}

export interface EngineReport {
  readonly name: string;
  /** The provider that runs the model (an ONNX Runtime EP, a Kiln backend, the ExecuTorch runtime). */
  readonly provider: string;
  /** Providers tried before it, and why each could not run the model. */
  readonly declined?: Readonly<Record<string, string>>;
}

export interface WireTensor {
  name: string;
  shape: number[];
  datatype: V2Datatype;
  parameters?: Parameters;
  data?: unknown;
}

export interface RequestedOutput {
  name: string;
  parameters?: Parameters;
}

export interface InferRequest {
  id?: string;
  parameters?: Parameters;
  inputs: WireTensor[];
  outputs?: RequestedOutput[];
}

export interface InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Parameters;
  outputs: WireTensor[];
}

export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
  /** Send as binary data (default) or as JSON. */
  readonly binary?: boolean;
}

export interface EncodedBody {
  readonly body: Uint8Array;
  /** Length of the JSON part when binary data follows it (set the Inference-Header-Content-Length header). */
  readonly headerLength?: number;
}

const utf8 = new TextEncoder();

/** Encodes `head` plus the tensors under `key` ('inputs' or 'outputs'). */
export function encodeMessage(head: Record<string, unknown>, key: 'inputs' | 'outputs', tensors: readonly NamedTensor[]): EncodedBody {
  const binaries: Uint8Array[] = [];
  const list: WireTensor[] = tensors.map(({ name, tensor, binary = true }) => {
    const w: WireTensor = { name, shape: [...tensor.dims], datatype: toV2Datatype(tensor.type) };
    if (binary) {
      const b = tensorToBinary(tensor);
      binaries.push(b);
      w.parameters = { binary_data_size: b.byteLength };
    } else {
      w.data = tensorToJson(tensor, `${key === 'inputs' ? 'input' : 'output'} '${name}'`);
    }
    return w;
  });
  const json = utf8.encode(JSON.stringify({ ...head, [key]: list }));
  if (binaries.length === 0) return { body: json };
  const total = binaries.reduce((n, b) => n + b.byteLength, json.byteLength);
  const body = new Uint8Array(total);
  body.set(json, 0);
  let o = json.byteLength;
  for (const b of binaries) {
    body.set(b, o);
    o += b.byteLength;
  }
  return { body, headerLength: json.byteLength };
}

export interface DecodeLimits {
  /** Largest tensor, in bytes of its binary form (BYTES: of its data). */
  readonly maxTensorBytes: number;
}

export interface DecodedMessage<T> {
  readonly json: T;
  readonly tensors: { name: string; tensor: Tensor; wire: WireTensor }[];
}

/** Parses the JSON head of a body (the whole body without a header length). */
export function parseHead(body: Uint8Array, headerLength: number | undefined): { json: Record<string, unknown>; tail: Uint8Array } {
  let cut = body.byteLength;
  if (headerLength !== undefined) {
    if (!Number.isSafeInteger(headerLength) || headerLength < 0 || headerLength > body.byteLength) {
      throw new KilnError('E_INPUT_INVALID', `Inference-Header-Content-Length ${headerLength} does not fit a body of ${body.byteLength} bytes`);
    }
    cut = headerLength;
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, cut)));
  } catch (e) {
    throw new KilnError('E_INPUT_INVALID', `the body is not valid JSON${headerLength !== undefined ? ' (in the header part)' : ''}: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new KilnError('E_INPUT_INVALID', 'the body must be a JSON object');
  return { json: json as Record<string, unknown>, tail: body.subarray(cut) };
}

/** Decodes the tensors under `key`, taking binary data from the tail in order; every size is checked. */
export function decodeMessage<T>(body: Uint8Array, headerLength: number | undefined, key: 'inputs' | 'outputs', limits: DecodeLimits): DecodedMessage<T> {
  const { json, tail } = parseHead(body, headerLength);
  const list = json[key];
  if (!Array.isArray(list)) throw new KilnError('E_INPUT_INVALID', `'${key}' must be an array`);
  const seen = new Set<string>();
  let offset = 0;
  const tensors = list.map((raw: unknown, i) => {
    if (raw === null || typeof raw !== 'object') throw new KilnError('E_INPUT_INVALID', `${key}[${i}] must be an object`);
    const w = raw as WireTensor;
    if (typeof w.name !== 'string' || w.name === '') throw new KilnError('E_INPUT_INVALID', `${key}[${i}] needs a 'name'`);
    const what = `${key === 'inputs' ? 'input' : 'output'} '${w.name}'`;
    if (seen.has(w.name)) throw new KilnError('E_INPUT_INVALID', `${what} is given twice`);
    seen.add(w.name);
    if (!isV2Datatype(w.datatype)) throw new KilnError('E_TYPE_UNSUPPORTED', `${what}: unknown datatype ${JSON.stringify(w.datatype)}`);
    const shape = checkShape(w.shape, what);
    const count = sizeOf(shape);
    const elem = ELEMENT_BYTES[w.datatype] || 4;
    if (!Number.isSafeInteger(count) || count * elem > limits.maxTensorBytes) {
      throw new KilnError('E_QUOTA', `${what}: ${w.datatype}[${shape.join(',')}] is larger than the limit of ${limits.maxTensorBytes} bytes`);
    }
    const params = w.parameters;
    if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))) {
      throw new KilnError('E_INPUT_INVALID', `${what}: 'parameters' must be an object`);
    }
    const size = params?.binary_data_size;
    let tensor: Tensor;
    if (size !== undefined) {
      if (!Number.isSafeInteger(size) || (size as number) < 0) throw new KilnError('E_INPUT_INVALID', `${what}: binary_data_size must be a non-negative integer`);
      if (w.data !== undefined) throw new KilnError('E_INPUT_INVALID', `${what} has both 'data' and binary_data_size`);
      if (size as number > limits.maxTensorBytes) throw new KilnError('E_QUOTA', `${what}: ${size} bytes is larger than the limit of ${limits.maxTensorBytes} bytes`);
      if (offset + (size as number) > tail.byteLength) {
        throw new KilnError('E_INPUT_INVALID', `${what}: binary_data_size ${size} runs past the end of the body (${tail.byteLength - offset} bytes left)`);
      }
      tensor = binaryToTensor(w.datatype, shape, tail.subarray(offset, offset + (size as number)), what);
      offset += size as number;
    } else {
      if (w.data === undefined) throw new KilnError('E_INPUT_INVALID', `${what} has neither 'data' nor binary_data_size`);
      tensor = jsonToTensor(w.datatype, shape, w.data, what);
    }
    return { name: w.name, tensor, wire: w };
  });
  if (offset !== tail.byteLength) throw new KilnError('E_INPUT_INVALID', `${tail.byteLength - offset} bytes of binary data are not claimed by any tensor`);
  return { json: json as T, tensors };
}

/** Model names (and versions) the host accepts: no separators, no dot segments, bounded length. */
export const MODEL_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const isModelName = (s: string): boolean => MODEL_NAME_RE.test(s) && !s.includes('..');
export const VERSION_RE = /^[0-9]{1,18}$/;

/** The model path of the v2 REST API: v2/models/<name>[/versions/<version>]. */
export function modelPath(name: string, version?: string): string {
  return `v2/models/${encodeURIComponent(name)}${version ? `/versions/${encodeURIComponent(version)}` : ''}`;
}
