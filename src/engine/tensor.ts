import { KilnError } from './errors.js';
import { DTYPES, byteLength, isDType, type DType } from './ir/dtype.js';

/**
 * The storage of a tensor's elements. float16/bfloat16 are raw bits in a Uint16Array, the float8 types raw
 * bits in a Uint8Array; sub-byte types (int4, uint4, float4e2m1, int2, uint2) and GGUF block types are
 * packed bytes in a Uint8Array, exactly as on disk (low nibble first); bool is a Uint8Array of 0/1.
 */
export type TensorData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | string[];

export type TypedArrayConstructor =
  | Float32ArrayConstructor | Float64ArrayConstructor | Int8ArrayConstructor | Uint8ArrayConstructor
  | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor
  | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

/** The typed array class that stores each dtype (undefined for string). */
export function arrayClassOf(type: DType): TypedArrayConstructor | undefined {
  switch (type) {
    case 'float32': case 'complex64': return Float32Array;
    case 'float64': case 'complex128': return Float64Array;
    case 'int8': return Int8Array;
    case 'int16': return Int16Array;
    case 'uint16': case 'float16': case 'bfloat16': return Uint16Array;
    case 'int32': return Int32Array;
    case 'uint32': return Uint32Array;
    case 'int64': return BigInt64Array;
    case 'uint64': return BigUint64Array;
    case 'string': return undefined;
    default: return Uint8Array; // uint8, bool, float8*, sub-byte and block types
  }
}

/** Number of array slots that hold `count` elements of `type` (packed bytes for sub-byte and block types). */
export function storageLength(type: DType, count: number): number {
  const info = DTYPES[type];
  if (type === 'string') return count;
  if (type === 'complex64' || type === 'complex128') return count * 2;
  if (info.kind === 'block' || info.bits < 8) return byteLength(type, count);
  return count;
}

export function allocData(type: DType, count: number): TensorData {
  const C = arrayClassOf(type);
  if (!C) return new Array<string>(count).fill('');
  return new C(storageLength(type, count));
}

export const sizeOf = (dims: readonly number[]): number => {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
};

function inferType(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  if (Array.isArray(data) && data.every((x) => typeof x === 'string')) return 'string';
  if (Array.isArray(data) && data.every((x) => typeof x === 'boolean')) return 'bool';
  return undefined;
}

function coerceData(type: DType, data: unknown): TensorData {
  const C = arrayClassOf(type);
  if (!C) {
    if (Array.isArray(data) && data.every((x) => typeof x === 'string')) return data as string[];
    throw new KilnError('E_INPUT_INVALID', `a 'string' tensor needs a string[] as data`);
  }
  if (data instanceof C) return data as TensorData;
  if (Array.isArray(data)) {
    if (type === 'int64' || type === 'uint64') {
      return (C as BigInt64ArrayConstructor).from(data.map((x: unknown) => BigInt(x as number | bigint)));
    }
    if (type === 'bool') return Uint8Array.from(data.map((x: unknown) => (x ? 1 : 0)));
    return (C as Float32ArrayConstructor).from(data as number[]);
  }
  if (ArrayBuffer.isView(data) && C === Uint8Array && data instanceof Uint8Array) return data;
  throw new KilnError('E_INPUT_INVALID', `data for a '${type}' tensor must be a ${C.name} or an array, got ${describe(data)}`);
}

const describe = (x: unknown): string => (x === null ? 'null' : typeof x === 'object' ? (x as object).constructor?.name ?? 'object' : typeof x);

/** Where a tensor's elements live. 'cpu' tensors have `data`; others live in a backend's memory. */
export type TensorLocation = 'cpu' | 'gpu-buffer' | (string & {});

/** A tensor held by a backend outside the JS heap (a GPU buffer): how to read it back and free it. */
export interface DeviceStorage {
  readonly location: Exclude<TensorLocation, 'cpu'>;
  /** The backend's handle (a GPUBuffer for 'gpu-buffer'). */
  readonly handle: unknown;
  /** Name of the backend that owns the storage. */
  readonly backend: string;
  download(): Promise<TensorData>;
  /** Returns the memory to its owner (called once, when nothing needs the tensor any more). */
  dispose?(): void;
}

/**
 * A tensor: element type, dimensions and data. Shaped like onnxruntime-web's Tensor:
 * `new Tensor('float32', data, [1, 3, 224, 224])` or `new Tensor(float32Array, dims)`.
 * A tensor can also live in a backend's memory (`Tensor.fromDevice`, location 'gpu-buffer'): read it with
 * `await tensor.getData()`.
 */
export class Tensor {
  readonly type: DType;
  readonly dims: readonly number[];
  readonly size: number;
  readonly location: TensorLocation;
  private cpuData: TensorData | undefined;
  private device: DeviceStorage | undefined;

  constructor(type: DType, data: TensorData | readonly number[] | readonly bigint[] | readonly boolean[] | readonly string[], dims?: readonly number[]);
  constructor(data: TensorData | readonly boolean[], dims?: readonly number[]);
  constructor(a: unknown, b?: unknown, c?: unknown) {
    if (a === DEVICE) {
      const init = b as { type: DType; dims: readonly number[]; device: DeviceStorage };
      this.type = init.type;
      this.dims = Object.freeze([...init.dims]);
      this.size = sizeOf(this.dims);
      this.location = init.device.location;
      this.device = init.device;
      return;
    }
    let type: DType;
    let data: TensorData;
    let dims: readonly number[] | undefined;
    if (typeof a === 'string') {
      if (!isDType(a)) throw new KilnError('E_TYPE_UNSUPPORTED', `unknown tensor type '${a}'`);
      type = a;
      data = coerceData(type, b);
      dims = c as readonly number[] | undefined;
    } else {
      const t = inferType(a);
      if (!t) throw new KilnError('E_INPUT_INVALID', `cannot tell the tensor type of ${describe(a)}; pass the type first: new Tensor('float32', data, dims)`);
      type = t;
      data = coerceData(type, a);
      dims = b as readonly number[] | undefined;
    }
    const slots = data.length;
    const info = DTYPES[type];
    if (dims === undefined) {
      if (info.kind === 'block' || info.bits < 8) throw new KilnError('E_INPUT_INVALID', `a packed '${type}' tensor needs explicit dims`);
      dims = [type === 'complex64' || type === 'complex128' ? slots / 2 : slots];
    }
    for (const d of dims) {
      if (!Number.isInteger(d) || d < 0) throw new KilnError('E_SHAPE_MISMATCH', `tensor dims must be non-negative integers, got [${dims.join(', ')}]`);
    }
    const size = sizeOf(dims);
    if (storageLength(type, size) !== slots) {
      throw new KilnError('E_SHAPE_MISMATCH', `a '${type}' tensor of dims [${dims.join(', ')}] needs ${storageLength(type, size)} data slots, got ${slots}`);
    }
    this.type = type;
    this.dims = Object.freeze([...dims]);
    this.cpuData = data;
    this.size = size;
    this.location = 'cpu';
  }

  /** A tensor living in a backend's memory (used by backends; users get them as run() outputs). */
  static fromDevice(type: DType, dims: readonly number[], device: DeviceStorage): Tensor {
    return new Tensor(DEVICE as unknown as DType, { type, dims, device } as unknown as TensorData);
  }

  /** A tensor of zeros (or empty strings). */
  static zeros(type: DType, dims: readonly number[]): Tensor {
    return new Tensor(type, allocData(type, sizeOf(dims)), dims);
  }

  /** The elements, for CPU tensors. A device tensor throws: read it with `await getData()`. */
  get data(): TensorData {
    if (this.cpuData === undefined) {
      throw new KilnError('E_INPUT_INVALID', `this ${this.type} tensor lives in ${this.location}; read it with 'await tensor.getData()'`);
    }
    return this.cpuData;
  }

  /** The device storage of a non-CPU tensor (e.g. `.handle` is the GPUBuffer). */
  get deviceStorage(): DeviceStorage | undefined {
    return this.device;
  }

  /** Same data, other dims (element count must match). No copy. CPU tensors only. */
  reshape(dims: readonly number[]): Tensor {
    return new Tensor(this.type, this.data, dims);
  }

  /** The elements, downloading them from the device first when the tensor lives there. */
  async getData(): Promise<TensorData> {
    if (this.cpuData === undefined) this.cpuData = await this.device!.download();
    return this.cpuData;
  }

  /** A CPU tensor with the same elements (this one when already on the CPU). */
  async toCpu(): Promise<Tensor> {
    return this.location === 'cpu' ? this : new Tensor(this.type, await this.getData(), this.dims);
  }

  /** Frees device memory (no-op for CPU tensors). The tensor must not be used afterwards. */
  dispose(): void {
    const d = this.device;
    this.device = undefined;
    d?.dispose?.();
  }
}

/** Private marker for the device-tensor constructor path. */
const DEVICE = Symbol('device-tensor');
