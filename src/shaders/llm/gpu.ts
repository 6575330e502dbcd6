/**
 * What the WebGPU LLM ops share: the device runtime (its command batch, uniform arena and pipeline cache:
 * LLM dispatches join the same single encoder as everything else and are submitted at a read), a buffer
 * pool of the LLM's own (so `dispose` returns all of it at once), the binding limit, and helpers to
 * dispatch a program over a 1-D range of threads split across x and y.
 */
import { BufferPool, type Region } from '../buffer-pool.js';
import type { Defines } from '../preprocess.js';
import type { Binding, GpuRuntime } from '../runtime.js';
import { UniformWriter } from '../uniforms.js';

export interface LlmGpuOptions {
  /** Largest region per weight part, activation and KV cache layer (default: the device's binding limit). */
  readonly maxBindingBytes?: number;
  /** Use the subgroup variant of the decode matmul where the device has `subgroups` (default true). */
  readonly subgroups?: boolean;
  /** Token rows from which a matmul uses the tiled prefill kernel rather than the matrix-vector one (default 5). */
  readonly tiledFrom?: number;
  /** Threads per weight row in the decode kernel, 1, 4, 16 or 64 (default: by row length; tests force each path). */
  readonly threadsPerRow?: 1 | 4 | 16 | 64;
  /** At most this many rows per weight part (default: as many as fit the binding limit; tests force splits). */
  readonly maxPartRows?: number;
}

export class LlmGpu {
  readonly maxBinding: number;
  readonly subgroups: boolean;
  readonly tiledFrom: number;
  readonly threadsPerRow: number | undefined;
  readonly maxPartRows: number;
  /** The LLM's own memory (weights, activations, KV cache, temporaries). */
  pool: BufferPool;
  private readonly maxGroups: number;

  constructor(readonly rt: GpuRuntime, opts: LlmGpuOptions = {}) {
    const lim = rt.ctx.caps.limits;
    const device = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
    this.maxBinding = Math.floor(Math.min(device, opts.maxBindingBytes ?? device) / 4) * 4;
    this.subgroups = (opts.subgroups ?? true) && rt.ctx.caps.features.subgroups;
    this.tiledFrom = opts.tiledFrom ?? 5;
    this.threadsPerRow = opts.threadsPerRow;
    this.maxPartRows = opts.maxPartRows ?? Number.MAX_SAFE_INTEGER;
    this.maxGroups = lim.maxComputeWorkgroupsPerDimension || 65535;
    this.pool = this.newPool();
  }

  /** Submits recorded work, then destroys every buffer of the pool and starts a new one. */
  resetPool(): void {
    this.rt.flush();
    const old = this.pool;
    this.pool = this.newPool();
    old.destroy();
  }

  private newPool(): BufferPool {
    const align = Math.max(256, this.rt.ctx.caps.limits.minStorageBufferOffsetAlignment);
    return new BufferPool(this.rt.device, align, 32 << 20, this.maxBinding);
  }

  /** Workgroups for `count` workgroup-sized items: [x, y] and x (the shader's `groups_x`). */
  grid(count: number): { groups: [number, number]; x: number } {
    if (count <= this.maxGroups) return { groups: [Math.max(1, count), 1], x: Math.max(1, count) };
    const y = Math.ceil(count / this.maxGroups);
    const x = Math.ceil(count / y);
    return { groups: [x, y], x };
  }

  /** Records a dispatch of llm program `shader` (bindings 1…n after the uniforms). */
  dispatch(shader: string, defines: Defines, u: UniformWriter, bindings: readonly Binding[], groups: readonly [number, number?, number?]): void {
    if (groups.some((g) => g === 0)) return;
    this.rt.dispatch({ shader, defines }, u.bytes(), bindings, groups);
  }

  /** A pool region holding `data` (in order with the work recorded so far); free it after its dispatch. */
  staged(data: ArrayBufferView): Region {
    const r = this.pool.alloc(data.byteLength);
    this.rt.upload(r, data);
    return r;
  }

  /** A region's first `bytes` bytes (at least 4) as a binding. */
  static bind(r: Region, bytes = r.size, offset = 0): Binding {
    return { buffer: r.buffer, offset: r.offset + offset, size: Math.max(4, Math.ceil(bytes / 4) * 4) };
  }
}

export { UniformWriter };
