/**
 * The uniform arena: every dispatch's uniforms (shapes, strides, scalars) go into a CPU mirror of a
 * few 64 KiB uniform buffers, at offsets aligned to minUniformBufferOffsetAlignment; one writeBuffer per
 * chunk publishes them right before the batch is submitted. The queue runs writes and submits in the order
 * issued, so the next batch may reuse the chunks at once.
 */
const CHUNK = 64 * 1024;

export interface UniformSlot {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly size: number;
}

export class UniformArena {
  private readonly chunks: { gpu: GPUBuffer; cpu: Uint8Array; used: number }[] = [];
  private current = 0;

  constructor(private readonly device: GPUDevice, private readonly alignment = 256) {}

  /** Copies `data` into the arena; the slot is valid until the next `publish()`'s submit. */
  push(data: ArrayBufferView): UniformSlot {
    const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
    let c = this.chunks[this.current];
    if (c && c.used + size > CHUNK) {
      this.current++;
      c = this.chunks[this.current];
    }
    if (!c) {
      c = { gpu: this.device.createBuffer({ size: CHUNK, usage: 0x40 /* UNIFORM */ | 0x08 /* COPY_DST */, label: 'kiln-uniforms' }), cpu: new Uint8Array(CHUNK), used: 0 };
      this.chunks.push(c);
    }
    const offset = c.used;
    c.cpu.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    c.cpu.fill(0, offset + data.byteLength, offset + size);
    c.used = Math.ceil((offset + size) / this.alignment) * this.alignment;
    return { buffer: c.gpu, offset, size };
  }

  /** Writes the used part of each chunk to the GPU and starts over. Call right before submit. */
  publish(queue: GPUQueue): void {
    for (const c of this.chunks) {
      if (c.used > 0) queue.writeBuffer(c.gpu, 0, c.cpu, 0, Math.min(c.used, CHUNK));
      c.used = 0;
    }
    this.current = 0;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  destroy(): void {
    for (const c of this.chunks) c.gpu.destroy();
    this.chunks.length = 0;
  }
}

/**
 * Builds a uniform block field by field with WGSL's layout: scalars (u32/i32/f32) take 4 bytes, `vec4`
 * arrays (shapes, strides: up to 8 dims as array<vec4<u32>, 2>) start at 16-byte boundaries.
 */
export class UniformWriter {
  private readonly buf = new ArrayBuffer(512);
  private readonly view = new DataView(this.buf);
  private pos = 0;

  u32(v: number): this {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.view.setInt32(this.pos, v | 0, true);
    this.pos += 4;
    return this;
  }

  f32(v: number): this {
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  /** `n`×4 u32 values (array<vec4<u32>, n>), 16-byte aligned; missing entries are `fill`. */
  vec4s(values: readonly number[], n: number, fill = 0, signed = false): this {
    this.pos = Math.ceil(this.pos / 16) * 16;
    for (let i = 0; i < n * 4; i++) {
      const v = i < values.length ? values[i]! : fill;
      if (signed) this.view.setInt32(this.pos, v | 0, true);
      else this.view.setUint32(this.pos, v >>> 0, true);
      this.pos += 4;
    }
    return this;
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.buf, 0, Math.ceil(this.pos / 16) * 16 || 16);
  }
}
