/**
 * One instantiated WASM build: its memory and exports, the heap allocator, the per-kernel scratch area
 * and (threads build) the pool. Shared by every wasm backend (session) of the same configuration;
 * kernel calls are synchronous, so sessions never interleave inside one.
 */
import type { DType } from '../engine/ir/dtype.js';
import { arrayClassOf, type TensorData } from '../engine/tensor.js';
import { Heap } from './heap.js';
import type { ThreadPool } from './pool.js';

export type BuildName = 'simd' | 'relaxed' | 'threads' | 'relaxed-threads';

/** Builds on shared memory, with a thread pool. */
export const isThreadedBuild = (b: BuildName): boolean => b === 'threads' || b === 'relaxed-threads';

/** Builds with relaxed SIMD (fused multiply-add). */
export const isRelaxedBuild = (b: BuildName): boolean => b === 'relaxed' || b === 'relaxed-threads';

/** Default work (roughly: multiply-adds or elements) below which a kernel runs on the calling thread alone. */
export const PARALLEL_MIN_WORK = 1 << 15;

type Fn = (...args: number[]) => number;

export class Runtime {
  readonly heap: Heap;
  private readonly fns = new Map<string, Fn>();
  private bufU8: Uint8Array;
  private bufF32: Float32Array;
  private bufI32: Int32Array;
  private chunks: { ptr: number; size: number }[] = [];
  private used = 0;
  /** Kernels with less work than this run on the calling thread (tests set 0 to exercise the pool). */
  minParallelWork = PARALLEL_MIN_WORK;
  /** Chunks per thread of a parallel kernel (see slices). */
  chunksPerThread = 2;

  constructor(
    readonly build: BuildName,
    readonly module: WebAssembly.Module,
    readonly instance: WebAssembly.Instance,
    readonly memory: WebAssembly.Memory,
    /** Why this build and thread count were chosen (shown by the backend). */
    readonly notes: readonly string[],
    private pool?: ThreadPool,
  ) {
    this.heap = new Heap(memory, (instance.exports.__heap_base as WebAssembly.Global).value as number);
    this.bufU8 = new Uint8Array(memory.buffer);
    this.bufF32 = new Float32Array(memory.buffer);
    this.bufI32 = new Int32Array(memory.buffer);
  }

  /** Threads a parallel kernel runs on (1 without the pool). */
  get threads(): number {
    return this.pool?.size ?? 1;
  }

  /**
   * Chunks a parallel kernel is cut into (its `nt`): a few per thread, so that a thread the OS runs late
   * delays nobody. Kernels that keep per-slice scratch size it by this.
   */
  get slices(): number {
    return this.pool ? this.pool.size * this.chunksPerThread : 1;
  }

  attachPool(pool: ThreadPool): void {
    this.pool = pool;
  }

  fn(name: string): Fn {
    let f = this.fns.get(name);
    if (!f) {
      f = this.instance.exports[name] as Fn | undefined;
      if (typeof f !== 'function') throw new Error(`WASM export '${name}' is missing`);
      this.fns.set(name, f);
    }
    return f;
  }

  /** Calls a non-parallel export. */
  call(name: string, ...args: number[]): number {
    return this.fn(name)(...args);
  }

  /** Calls a parallel export fn(...args, slice, slices): on the pool when `work` is worth it. */
  par(name: string, args: readonly number[], work: number): void {
    const f = this.fn(name);
    if (this.pool && work >= this.minParallelWork) this.pool.run(name, args, f, this.slices);
    else f(...args, 0, 1);
  }

  /** The last kernel of an inference has run: pool workers may sleep now rather than spin. */
  rest(): void {
    this.pool?.rest();
  }

  // ------------------------------------------------------------ views (refreshed after memory growth)

  private refresh(): void {
    if (this.bufU8.buffer !== this.memory.buffer || this.bufU8.byteLength === 0) {
      this.bufU8 = new Uint8Array(this.memory.buffer);
      this.bufF32 = new Float32Array(this.memory.buffer);
      this.bufI32 = new Int32Array(this.memory.buffer);
    }
  }

  get u8(): Uint8Array {
    this.refresh();
    return this.bufU8;
  }

  get f32(): Float32Array {
    this.refresh();
    return this.bufF32;
  }

  get i32(): Int32Array {
    this.refresh();
    return this.bufI32;
  }

  /** A typed-array view of `count` elements of `type` at ptr (valid until the memory next grows). */
  view(type: DType, ptr: number, count: number): TensorData {
    const C = arrayClassOf(type)!;
    return new C(this.memory.buffer, ptr, count) as TensorData;
  }

  // ------------------------------------------------------------ scratch

  /** Starts a kernel's use of scratch memory: what earlier kernels took is given back. */
  scratchBegin(): void {
    if (this.chunks.length > 1) {
      const total = this.chunks.reduce((a, c) => a + c.size, 0);
      for (const c of this.chunks) this.heap.release(c.ptr);
      this.chunks = [{ ptr: this.heap.alloc(total), size: total }];
    }
    this.used = 0;
  }

  /** `bytes` of scratch (64-byte aligned) for the current kernel. */
  scratch(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 1) / 64) * 64;
    const cur = this.chunks[this.chunks.length - 1];
    if (cur && this.used + size <= cur.size) {
      const p = cur.ptr + this.used;
      this.used += size;
      return p;
    }
    const chunk = Math.max(size, 1 << 20);
    this.chunks.push({ ptr: this.heap.alloc(chunk), size: chunk });
    this.used = size;
    return this.chunks[this.chunks.length - 1]!.ptr;
  }

  dispose(): void {
    this.pool?.dispose();
    this.pool = undefined;
  }
}
