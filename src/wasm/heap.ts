/**
 * The allocator of the WASM heap, kept in JS (C never allocates): first fit over a sorted free list,
 * neighbours merged on free, the memory grown when nothing fits. Every block is 64-byte aligned (a cache
 * line; SIMD needs 16).
 */
import { KilnError } from '../engine/errors.js';

const ALIGN = 64;
const PAGE = 65536;
const MAX_BYTES = 4 * 1024 * 1024 * 1024;

const up = (n: number, a: number) => Math.ceil(n / a) * a;

export class Heap {
  /** Free blocks sorted by address. */
  private free: { ptr: number; size: number }[] = [];
  private readonly used = new Map<number, number>();
  private end: number;

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    const start = up(base, ALIGN);
    this.end = memory.buffer.byteLength;
    if (this.end > start) this.free.push({ ptr: start, size: this.end - start });
  }

  /** Bytes currently allocated. */
  get inUse(): number {
    let n = 0;
    for (const s of this.used.values()) n += s;
    return n;
  }

  alloc(bytes: number): number {
    const size = up(Math.max(bytes, 1), ALIGN);
    let i = this.free.findIndex((b) => b.size >= size);
    if (i < 0) i = this.grow(size);
    const b = this.free[i]!;
    const ptr = b.ptr;
    if (b.size === size) this.free.splice(i, 1);
    else { b.ptr += size; b.size -= size; }
    this.used.set(ptr, size);
    return ptr;
  }

  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) return;
    this.used.delete(ptr);
    let i = this.free.findIndex((b) => b.ptr > ptr);
    if (i < 0) i = this.free.length;
    this.free.splice(i, 0, { ptr, size });
    const next = this.free[i + 1];
    if (next && ptr + size === next.ptr) { this.free[i]!.size += next.size; this.free.splice(i + 1, 1); }
    const prev = this.free[i - 1];
    if (prev && prev.ptr + prev.size === ptr) { prev.size += this.free[i]!.size; this.free.splice(i, 1); }
  }

  /** Grows the memory so that a block of `size` fits at the end; returns its free-list index. */
  private grow(size: number): number {
    const last = this.free[this.free.length - 1];
    const tail = last && last.ptr + last.size === this.end ? last : undefined;
    const need = size - (tail?.size ?? 0);
    // Grow by at least a quarter of the current size, so repeated growth stays rare.
    const bytes = up(Math.max(need, this.end / 4), PAGE);
    if (this.end + bytes > MAX_BYTES) {
      throw new KilnError('E_QUOTA', `the WASM heap cannot grow by ${bytes} bytes (at ${this.end} of 4 GiB)`);
    }
    try {
      this.memory.grow(bytes / PAGE);
    } catch (e) {
      throw new KilnError('E_QUOTA', `the WASM heap could not grow to ${this.end + bytes} bytes: ${(e as Error).message}`);
    }
    if (tail) tail.size += bytes;
    else this.free.push({ ptr: this.end, size: bytes });
    this.end += bytes;
    return this.free.length - 1;
  }
}
