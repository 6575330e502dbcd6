/**
 * GPU memory: tensors are regions of large storage buffers ("slabs"), at offsets aligned to the device's
 * minStorageBufferOffsetAlignment. Regions come in power-of-two size classes (256 B and up) and go back to
 * a free list per class when their tensor dies, so a model's second run allocates nothing. A tensor bigger
 * than a quarter slab gets a buffer of its own, also kept for reuse. `stats()` is what the leak test reads.
 */
import { KilnError } from '../engine/errors.js';

export interface Region {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  /** Bytes the tensor asked for (a multiple of 4, at least 4). */
  readonly size: number;
  /** Bytes reserved: the size class. */
  readonly capacity: number;
  readonly dedicated: boolean;
}

export interface PoolStats {
  /** Regions handed out and not yet freed. */
  readonly live: number;
  readonly liveBytes: number;
  /** Regions waiting in free lists. */
  readonly free: number;
  readonly slabs: number;
  /** All GPU memory the pool holds (slabs and dedicated buffers). */
  readonly reservedBytes: number;
  /** Calls to alloc() since the pool was made, and how many of them created a GPU buffer. */
  readonly allocs: number;
  readonly buffersCreated: number;
}

const USAGE = 0x80 /* STORAGE */ | 0x04 /* COPY_SRC */ | 0x08; /* COPY_DST */

export class BufferPool {
  private readonly slabs: GPUBuffer[] = [];
  private tail = 0;
  private readonly freeLists = new Map<number, Region[]>();
  private readonly dedicatedFree = new Map<number, Region[]>();
  private readonly dedicated = new Set<GPUBuffer>();
  private live = 0;
  private liveBytes = 0;
  private allocs = 0;
  private created = 0;
  private readonly slabSize: number;

  constructor(private readonly device: GPUDevice, private readonly alignment = 256, slabSize = 32 << 20, private readonly maxBinding = 1 << 30) {
    this.slabSize = Math.max(slabSize, alignment);
  }

  alloc(bytes: number): Region {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    if (size > this.maxBinding) {
      throw new KilnError('E_QUOTA', `a tensor of ${size} bytes exceeds this GPU's maxStorageBufferBindingSize (${this.maxBinding})`);
    }
    this.allocs++;
    this.live++;
    let r: Region;
    if (size > this.slabSize / 4) {
      const cap = Math.ceil(size / (1 << 20)) * (1 << 20);
      const reuse = this.dedicatedFree.get(cap)?.pop();
      if (reuse) r = { ...reuse, size };
      else {
        const buffer = this.create(cap, 'kiln-dedicated');
        this.dedicated.add(buffer);
        r = { buffer, offset: 0, size, capacity: cap, dedicated: true };
      }
    } else {
      const cap = Math.max(this.alignment, 2 ** Math.ceil(Math.log2(size)));
      const reuse = this.freeLists.get(cap)?.pop();
      if (reuse) r = { ...reuse, size };
      else {
        if (this.slabs.length === 0 || this.tail + cap > this.slabSize) {
          this.slabs.push(this.create(this.slabSize, `kiln-slab-${this.slabs.length}`));
          this.tail = 0;
        }
        r = { buffer: this.slabs[this.slabs.length - 1]!, offset: this.tail, size, capacity: cap, dedicated: false };
        this.tail += cap;
      }
    }
    this.liveBytes += r.capacity;
    return r;
  }

  free(r: Region): void {
    this.live--;
    this.liveBytes -= r.capacity;
    const lists = r.dedicated ? this.dedicatedFree : this.freeLists;
    let l = lists.get(r.capacity);
    if (!l) lists.set(r.capacity, (l = []));
    l.push(r);
  }

  stats(): PoolStats {
    let free = 0;
    let dedicatedBytes = 0;
    for (const l of this.freeLists.values()) free += l.length;
    for (const l of this.dedicatedFree.values()) free += l.length;
    for (const b of this.dedicated) dedicatedBytes += b.size;
    return {
      live: this.live, liveBytes: this.liveBytes, free, slabs: this.slabs.length,
      reservedBytes: this.slabs.length * this.slabSize + dedicatedBytes, allocs: this.allocs, buffersCreated: this.created,
    };
  }

  /** Destroys every buffer (the pool must not be used afterwards). */
  destroy(): void {
    for (const b of this.slabs) b.destroy();
    for (const b of this.dedicated) b.destroy();
    this.slabs.length = 0;
    this.dedicated.clear();
    this.freeLists.clear();
    this.dedicatedFree.clear();
  }

  private create(size: number, label: string): GPUBuffer {
    this.created++;
    return this.device.createBuffer({ size, usage: USAGE, label });
  }
}
