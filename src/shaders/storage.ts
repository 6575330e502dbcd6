/**
 * Tensors in GPU memory. A GpuStorage is the DeviceStorage of a webgpu tensor: its `handle` is the
 * GPUBuffer and `offset` the tensor's byte offset in it (buffers are sub-allocated). Uploads are lazy:
 * a tensor moved to the GPU keeps its CPU elements, is copied to the GPU only when a kernel binds it,
 * and downloads for free (so a Reshape's shape input, read by the schema, never travels). Reshape-like
 * kernels share one allocation between tensors; the allocation goes back to the pool with its last user.
 */
import type { DType } from '../engine/ir/dtype.js';
import { KilnError } from '../engine/errors.js';
import { Tensor, sizeOf, type DeviceStorage, type TensorData } from '../engine/tensor.js';
import type { Region } from './buffer-pool.js';
import { Unsupported, deviceBytes, packForDevice, unpackFromDevice, type Elem } from './dtypes.js';
import type { Binding, GpuRuntime } from './runtime.js';

/** A pool region shared by the tensors that alias it. */
export class Allocation {
  private refs = 1;
  constructor(readonly region: Region, private readonly rt: GpuRuntime) {}
  retain(): this {
    this.refs++;
    return this;
  }
  release(): void {
    if (--this.refs === 0 && !this.rt.ctx.lost) this.rt.pool.free(this.region);
  }
}

export class GpuStorage implements DeviceStorage {
  readonly location = 'gpu-buffer' as const;
  readonly backend = 'webgpu';
  private disposed = false;

  constructor(
    readonly rt: GpuRuntime,
    readonly type: DType,
    readonly elem: Elem,
    readonly count: number,
    private alloc: Allocation | undefined,
    /** CPU elements of an uploaded tensor (lazy upload; free download). */
    private cpu: TensorData | undefined,
    /** A type with no GPU layout (string, float16 without shader-f16): it rides along, kernels decline it. */
    readonly hostOnly = false,
  ) {}

  /** The GPUBuffer (uploading first when the tensor was not on the GPU yet). */
  get handle(): GPUBuffer {
    return this.region().buffer;
  }

  get offset(): number {
    return this.region().offset;
  }

  get bytes(): number {
    return deviceBytes(this.elem, this.count, this.type);
  }

  /** The tensor's region, materialised on the GPU. */
  region(): Region {
    if (this.disposed) throw new KilnError('E_INTERNAL', 'a disposed GPU tensor was used');
    if (this.hostOnly) throw new Unsupported(`${this.type} tensors have no GPU layout here`);
    if (!this.alloc) {
      this.alloc = new Allocation(this.rt.pool.alloc(this.bytes), this.rt);
      if (this.cpu && this.count > 0) this.rt.upload(this.alloc.region, packForDevice(this.type, this.cpu));
    }
    return this.alloc.region;
  }

  /** What a shader binds: the tensor's bytes (at least 4). */
  binding(): Binding {
    const r = this.region();
    return { buffer: r.buffer, offset: r.offset, size: Math.max(4, this.bytes) };
  }

  /** The allocation, for kernels that alias it (Reshape). */
  share(): Allocation {
    this.region();
    return this.alloc!.retain();
  }

  /** A storage for another view of the same elements (shares the allocation, or the CPU elements). */
  alias(type: DType, dims: readonly number[]): GpuStorage {
    if (!this.alloc && this.cpu) {
      const data = type === this.type ? this.cpu : undefined;
      if (data) return new GpuStorage(this.rt, type, this.elem, sizeOf(dims), undefined, data, this.hostOnly);
    }
    return new GpuStorage(this.rt, type, this.elem, sizeOf(dims), this.share(), undefined);
  }

  async download(): Promise<TensorData> {
    if (this.cpu) return this.cpu;
    if (this.count === 0) return unpackFromDevice(this.type, new ArrayBuffer(0), 0);
    const bytes = await this.rt.read(this.binding(), this.bytes);
    return unpackFromDevice(this.type, bytes, this.count);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.alloc?.release();
    this.alloc = undefined;
    this.cpu = undefined;
  }
}

/** The GpuStorage of a webgpu tensor (undefined for CPU tensors and other backends'). */
export function gpuStorageOf(t: Tensor): GpuStorage | undefined {
  const s = t.deviceStorage;
  return s instanceof GpuStorage ? s : undefined;
}

/** A new device tensor on a fresh region. */
export function allocTensor(rt: GpuRuntime, type: DType, elem: Elem, dims: readonly number[]): Tensor {
  const count = sizeOf(dims);
  const alloc = new Allocation(rt.pool.alloc(deviceBytes(elem, count, type)), rt);
  return Tensor.fromDevice(type, dims, new GpuStorage(rt, type, elem, count, alloc, undefined));
}

/** A device tensor holding CPU elements, uploaded when first bound (`elem` undefined: never uploadable). */
export function lazyTensor(rt: GpuRuntime, t: Tensor, elem: Elem | undefined): Tensor {
  return Tensor.fromDevice(t.type, t.dims, new GpuStorage(rt, t.type, elem ?? 'u32', t.size, undefined, t.data, elem === undefined));
}

/** Another view (dims, or a type with the same GPU layout) of the same memory. */
export function aliasTensor(src: GpuStorage, type: DType, dims: readonly number[]): Tensor {
  return Tensor.fromDevice(type, dims, src.alias(type, dims));
}
