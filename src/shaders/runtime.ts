/**
 * Per-device state shared by every webgpu backend on that device: the buffer pool, the uniform arena, the
 * pipeline cache, and the command batch. Dispatches are recorded into one command encoder (one compute
 * pass) and submitted together: when something must be read back, before an upload would race pending
 * work, or on the next macrotask after the last dispatch (so a run that leaves its outputs on the GPU still
 * gets submitted). A whole run is usually one submit.
 */
import { KilnError } from '../engine/errors.js';
import { BufferPool, type PoolStats, type Region } from './buffer-pool.js';
import type { GpuContext } from './device.js';
import { PipelineCache, type ProgramKey } from './pipeline-cache.js';
import { Profiler } from './profiler.js';
import { UniformArena } from './uniforms.js';

export interface RuntimeStats {
  readonly pool: PoolStats;
  readonly pipelines: number;
  readonly submits: number;
  readonly dispatches: number;
  readonly uploads: number;
  readonly downloads: number;
}

/** A buffer range bound to a shader: a tensor's region (or a sub-range of it). */
export interface Binding {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly size: number;
}

export class GpuRuntime {
  readonly pool: BufferPool;
  /** Temporary copies for bindings that would alias (kept in buffers of their own: a copy needs two buffers). */
  readonly scratch: BufferPool;
  readonly uniforms: UniformArena;
  readonly pipelines: PipelineCache;
  readonly profiler: Profiler;
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private passNode: string | undefined;
  private staging: GPUBuffer[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Name of the node being encoded (for GPU timestamps). */
  currentNode: string | undefined;
  private counts = { submits: 0, dispatches: 0, uploads: 0, downloads: 0 };

  constructor(readonly ctx: GpuContext) {
    const d = ctx.device;
    const lim = ctx.caps.limits;
    this.pool = new BufferPool(d, Math.max(256, lim.minStorageBufferOffsetAlignment), 32 << 20, lim.maxStorageBufferBindingSize);
    this.scratch = new BufferPool(d, Math.max(256, lim.minStorageBufferOffsetAlignment), 4 << 20, lim.maxStorageBufferBindingSize);
    this.uniforms = new UniformArena(d, Math.max(256, lim.minUniformBufferOffsetAlignment));
    this.pipelines = new PipelineCache(d, ctx.caps.features.shaderF16);
    this.profiler = new Profiler(d, ctx.caps.features.timestampQuery);
  }

  get device(): GPUDevice {
    return this.ctx.device;
  }

  /** Records one dispatch: `bindings` are storage buffers 1…n in declaration order, uniforms binding 0. */
  dispatch(key: ProgramKey, uniforms: Uint8Array, bindings: readonly Binding[], groups: readonly [number, number?, number?]): void {
    this.ctx.check();
    const pipeline = this.pipelines.get(key);
    const u = this.uniforms.push(uniforms);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: u.buffer, offset: u.offset, size: u.size } }];
    bindings.forEach((b, i) => entries.push({ binding: i + 1, resource: { buffer: b.buffer, offset: b.offset, size: b.size } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    this.counts.dispatches++;
    this.scheduleFlush();
  }

  /** Writes `data` into a region, in order with the dispatches recorded so far. */
  upload(r: Region, data: ArrayBufferView): void {
    this.ctx.check();
    this.counts.uploads++;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (!this.encoder) {
      this.writeRange(r.buffer, r.offset, bytes);
      return;
    }
    // Pending work may still read this region's old contents: copy through a staging buffer, in order.
    const size = Math.ceil(bytes.byteLength / 4) * 4;
    const staging = this.device.createBuffer({ size, usage: 0x04 /* COPY_SRC */, mappedAtCreation: true, label: 'kiln-upload' });
    new Uint8Array(staging.getMappedRange()).set(bytes);
    staging.unmap();
    this.endPass();
    this.encoder.copyBufferToBuffer(staging, 0, r.buffer, r.offset, size);
    this.staging.push(staging);
  }

  /** Copies a binding's bytes into a region, in order with the dispatches recorded so far. */
  copy(src: Binding, dst: Region): void {
    this.ctx.check();
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src.buffer, src.offset, dst.buffer, dst.offset, src.size);
    this.scheduleFlush();
  }

  /** Reads `bytes` bytes of a region back (submits pending work first). */
  async read(r: Binding, bytes: number): Promise<ArrayBuffer> {
    this.ctx.check();
    this.counts.downloads++;
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const dst = this.device.createBuffer({ size, usage: 0x01 /* MAP_READ */ | 0x08 /* COPY_DST */, label: 'kiln-readback' });
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(r.buffer, r.offset, dst, 0, size);
    this.flush();
    try {
      await dst.mapAsync(0x01 /* READ */);
      this.checkErrors();
      return dst.getMappedRange().slice(0, bytes);
    } catch (e) {
      if (e instanceof KilnError) throw e;
      if (this.ctx.lost) this.ctx.check();
      throw new KilnError('E_RUNTIME', `reading a tensor back from the GPU failed: ${(e as Error).message}`, { backend: 'webgpu' }, { cause: e });
    } finally {
      dst.destroy();
    }
  }

  /** Submits everything recorded. */
  flush(): void {
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (!this.encoder) return;
    this.endPass();
    this.profiler.resolve(this.encoder);
    this.uniforms.publish(this.device.queue);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    this.counts.submits++;
    for (const b of this.staging) b.destroy();
    this.staging = [];
    this.profiler.afterSubmit();
  }

  /** Throws when the device reported validation or out-of-memory errors (a bug, or a tensor too big). */
  checkErrors(): void {
    if (!this.ctx.errors.length) return;
    const errs = this.ctx.errors.splice(0);
    const oom = errs.some((e) => /out of memory|OutOfMemory/i.test(e));
    throw new KilnError(oom ? 'E_QUOTA' : 'E_INTERNAL', `WebGPU reported ${errs.length} error(s): ${errs.join(' | ')}`, { backend: 'webgpu' });
  }

  /** Waits until the GPU has finished everything submitted so far. */
  async idle(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  stats(): RuntimeStats {
    return { pool: this.pool.stats(), pipelines: this.pipelines.size, ...this.counts };
  }

  destroy(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.encoder = undefined;
    this.pass = undefined;
    this.pool.destroy();
    this.scratch.destroy();
    this.uniforms.destroy();
    this.profiler.destroy();
  }

  private writeRange(buffer: GPUBuffer, offset: number, bytes: Uint8Array): void {
    const whole = bytes.byteLength - (bytes.byteLength % 4);
    if (whole > 0) this.device.queue.writeBuffer(buffer, offset, bytes, 0, whole);
    if (whole < bytes.byteLength) {
      const tail = new Uint8Array(4);
      tail.set(bytes.subarray(whole));
      this.device.queue.writeBuffer(buffer, offset + whole, tail);
    }
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder({ label: 'kiln-batch' }));
  }

  private computePass(): GPUComputePassEncoder {
    // With GPU timestamps on, each node gets its own pass so its time can be measured.
    if (this.pass && this.profiler.enabled && this.passNode !== this.currentNode) this.endPass();
    if (!this.pass) {
      const enc = this.commandEncoder();
      const timestampWrites = this.profiler.enabled ? this.profiler.passWrites(this.currentNode ?? '?') : undefined;
      this.pass = enc.beginComputePass(timestampWrites ? { timestampWrites } : {});
      this.passNode = this.currentNode;
    }
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = undefined;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (!this.ctx.lost) this.flush();
    }, 0);
  }
}

const runtimes = new WeakMap<GpuContext, GpuRuntime>();

export function runtimeFor(ctx: GpuContext): GpuRuntime {
  let rt = runtimes.get(ctx);
  if (!rt) {
    rt = new GpuRuntime(ctx);
    runtimes.set(ctx, rt);
    const made = rt;
    ctx.onLost(() => made.destroy());
  }
  return rt;
}
