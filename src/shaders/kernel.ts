/**
 * What a webgpu kernel sees: its inputs as GPU tensors, the schema's params, and a context to allocate
 * outputs and record dispatches. The same kernel code runs "dry" at session creation: outputs are
 * placeholders and dispatches only start compiling their pipelines, so every variant a model needs is
 * compiled before the first run.
 */
import type { DType } from '../engine/ir/dtype.js';
import { Tensor, sizeOf, type DeviceStorage, type TensorData } from '../engine/tensor.js';
import type { GpuCapabilities } from './device.js';
import { Unsupported, elemOf, type Elem } from './dtypes.js';
import type { ProgramKey } from './pipeline-cache.js';
import type { Region } from './buffer-pool.js';
import type { Binding, GpuRuntime } from './runtime.js';
import { aliasTensor, allocTensor, gpuStorageOf } from './storage.js';
import { UniformWriter } from './uniforms.js';

export { Unsupported };

/** A placeholder tensor for dry runs: dtype and dims, no memory. */
class DryStorage implements DeviceStorage {
  readonly location = 'gpu-buffer' as const;
  readonly backend = 'webgpu';
  readonly handle = undefined;
  constructor(readonly elem: Elem) {}
  download(): Promise<TensorData> {
    throw new Unsupported('dry tensor');
  }
}

export class KernelContext {
  constructor(
    readonly rt: GpuRuntime,
    readonly caps: GpuCapabilities,
    readonly dry = false,
    /** The node's output names ('' where an optional output is not asked for). */
    readonly outputNames: readonly string[] = [],
    /** Pipelines started by dry runs. */
    readonly warming: Promise<unknown>[] = [],
  ) {}

  /** Whether the node asks for output `k` (kernels skip optional outputs nobody reads). */
  wants(k: number): boolean {
    return (this.outputNames[k] ?? '') !== '';
  }

  /** The element a tensor of `type` has on the GPU; Unsupported when there is none. */
  elem(type: DType): Elem {
    const e = elemOf(type, this.caps.features.shaderF16);
    if (!e) throw new Unsupported(`${type} tensors have no GPU layout${type === 'float16' ? ' (no shader-f16 on this device)' : ''}`);
    return e;
  }

  /** The element of a tensor that is already on the GPU. */
  elemOf(t: Tensor): Elem {
    return gpuStorageOf(t)?.elem ?? (t.deviceStorage as DryStorage | undefined)?.elem ?? this.elem(t.type);
  }

  /** A dtype-and-dims-only stand-in for a dry run's inputs. */
  placeholder(type: DType, dims: readonly number[]): Tensor {
    return Tensor.fromDevice(type, dims, new DryStorage(this.elem(type)));
  }

  output(type: DType, dims: readonly number[]): Tensor {
    const elem = this.elem(type);
    if (this.dry) return Tensor.fromDevice(type, dims, new DryStorage(elem));
    return allocTensor(this.rt, type, elem, dims);
  }

  /** Same memory, other dims (Reshape, Squeeze, Identity…). */
  alias(t: Tensor, dims: readonly number[] = t.dims, type: DType = t.type): Tensor {
    if (this.dry) return Tensor.fromDevice(type, dims, new DryStorage(this.elemOf(t)));
    const s = gpuStorageOf(t);
    if (!s) throw new Unsupported('input is not a webgpu tensor');
    return aliasTensor(s, type, dims);
  }

  /**
   * Records a dispatch of `key` over `groups` workgroups, binding the uniforms and then `tensors` (inputs
   * before outputs, as the shader declares them). Nothing is dispatched for an empty grid.
   */
  dispatch(key: ProgramKey, uniforms: UniformWriter | Uint8Array, tensors: readonly Tensor[], groups: readonly [number, number?, number?]): void {
    if (this.dry) {
      this.warming.push(this.rt.pipelines.warm(key).catch((e: unknown) => e));
      return;
    }
    if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
    const bindings: Binding[] = tensors.map((t) => {
      const s = gpuStorageOf(t);
      if (!s) throw new Unsupported('input is not a webgpu tensor');
      return s.binding();
    });
    // WebGPU forbids two writable bindings over the same bytes (Mul(x, x), or x and a Reshape of x): bind a copy.
    const temps: Region[] = [];
    for (let i = 1; i < bindings.length; i++) {
      const b = bindings[i]!;
      if (!bindings.slice(0, i).some((o) => o.buffer === b.buffer && o.offset < b.offset + b.size && b.offset < o.offset + o.size)) continue;
      const r = this.rt.scratch.alloc(b.size);
      this.rt.copy(b, r);
      temps.push(r);
      bindings[i] = { buffer: r.buffer, offset: r.offset, size: b.size };
    }
    this.rt.dispatch(key, uniforms instanceof UniformWriter ? uniforms.bytes() : uniforms, bindings, groups);
    for (const r of temps) this.rt.scratch.free(r);
  }
}

/** A webgpu kernel: GPU tensors and the schema's params in, GPU tensors out. */
export type GpuKernel<P = any> = (ctx: KernelContext, inputs: readonly (Tensor | undefined)[], params: P) => Tensor[];

/** Workgroups for `n` threads in groups of `wg`, split over x and y past 65535. */
export function grid(n: number, wg = 64, maxPerDim = 65535): [number, number] {
  const groups = Math.ceil(n / wg);
  if (groups <= maxPerDim) return [groups, 1];
  return [maxPerDim, Math.ceil(groups / maxPerDim)];
}

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** Strides to read a tensor of `dims` broadcast to `outDims` (0 on broadcast axes). */
export function broadcastStrides(dims: readonly number[], outDims: readonly number[]): number[] {
  const st = stridesOf(dims);
  const off = outDims.length - dims.length;
  return outDims.map((_, k) => (k < off || dims[k - off] === 1 ? 0 : st[k - off]!));
}

/** The WGSL scalar a storage element is declared as in copy-like shaders (bits, not values). */
export const bitsType = (e: Elem): string => (e === 'f16' ? 'f16' : 'u32');

export const MAX_RANK = 8;

/** Fails the kernel (CPU fallback) for ranks the uniform layout cannot hold. */
export function checkRank(dims: readonly number[]): void {
  if (dims.length > MAX_RANK) throw new Unsupported(`rank ${dims.length} > ${MAX_RANK}`);
}

export const count = sizeOf;
