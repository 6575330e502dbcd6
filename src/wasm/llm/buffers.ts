/**
 * Scratch blocks of the wasm LLM kernels, kept between calls and grown on demand: quantized
 * activations, per-thread weight panels, attention scores, RoPE angles, argument structs. Their bytes
 * count as activations in `memory()`.
 */
import type { Runtime } from '../runtime.js';

export class Buffers {
  private readonly blocks = new Map<string, { ptr: number; size: number }>();
  private held = 0;

  constructor(private readonly rt: Runtime, private readonly onChange: (deltaBytes: number) => void) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held;
  }

  /** A block named `name` of at least `bytes` bytes (64-byte aligned); contents are kept only while it does not grow. */
  get(name: string, bytes: number): number {
    const b = this.blocks.get(name);
    if (b && b.size >= bytes) return b.ptr;
    const size = Math.ceil(Math.max(bytes, 64, b ? b.size * 1.25 : 0) / 64) * 64;
    if (b) this.release(name);
    const ptr = this.rt.heap.alloc(size);
    this.blocks.set(name, { ptr, size });
    this.held += size;
    this.onChange(size);
    return ptr;
  }

  private release(name: string): void {
    const b = this.blocks.get(name);
    if (!b) return;
    this.rt.heap.release(b.ptr);
    this.blocks.delete(name);
    this.held -= b.size;
    this.onChange(-b.size);
  }

  dispose(): void {
    for (const name of [...this.blocks.keys()]) this.release(name);
  }
}
