/**
 * GPU timestamps per node (with the `timestamp-query` feature): while profiling, each node's dispatches
 * go in their own compute pass whose begin and end are timestamped; the query set is resolved at each
 * submit and read back by `collect()`. Without the feature, profiling falls back to the executor's wall
 * times (encode and submit only).
 */
const MAX_QUERIES = 4096;

export class Profiler {
  enabled = false;
  private querySet: GPUQuerySet | undefined;
  private names: string[] = [];
  private readonly pending: { buffer: GPUBuffer; names: string[] }[] = [];

  constructor(private readonly device: GPUDevice, readonly supported: boolean) {}

  /** Turns GPU timing on or off (off when the feature is missing). */
  setEnabled(on: boolean): void {
    this.enabled = on && this.supported;
  }

  /** Timestamp writes for a new pass of `node`, or undefined when the query set is full. */
  passWrites(node: string): GPUComputePassTimestampWrites | undefined {
    if (this.names.length * 2 + 2 > MAX_QUERIES) return undefined;
    this.querySet ??= this.device.createQuerySet({ type: 'timestamp', count: MAX_QUERIES, label: 'kiln-timestamps' });
    const i = this.names.length;
    this.names.push(node);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Before submit: resolve this batch's queries into a readback buffer. */
  resolve(encoder: GPUCommandEncoder): void {
    if (!this.querySet || this.names.length === 0) return;
    const n = this.names.length * 2;
    const resolveBuf = this.device.createBuffer({ size: n * 8, usage: 0x200 /* QUERY_RESOLVE */ | 0x04 /* COPY_SRC */ });
    const read = this.device.createBuffer({ size: n * 8, usage: 0x01 /* MAP_READ */ | 0x08 /* COPY_DST */ });
    encoder.resolveQuerySet(this.querySet, 0, n, resolveBuf, 0);
    encoder.copyBufferToBuffer(resolveBuf, 0, read, 0, n * 8);
    this.pending.push({ buffer: read, names: this.names });
    setTimeout(() => resolveBuf.destroy(), 0);
  }

  afterSubmit(): void {
    this.names = [];
  }

  /** GPU milliseconds per node since the last collect (summed over the node's passes). */
  async collect(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const { buffer, names } of this.pending.splice(0)) {
      await buffer.mapAsync(0x01);
      const t = new BigUint64Array(buffer.getMappedRange());
      names.forEach((n, i) => {
        const ns = t[2 * i + 1]! - t[2 * i]!;
        out.set(n, (out.get(n) ?? 0) + (ns > 0n ? Number(ns) / 1e6 : 0));
      });
      buffer.destroy();
    }
    return out;
  }

  destroy(): void {
    this.querySet?.destroy();
    for (const p of this.pending) p.buffer.destroy();
    this.pending.length = 0;
  }
}
