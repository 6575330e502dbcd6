/**
 * The thread pool: workers (worker_threads in Node, Web Workers in browsers) that share the WASM memory
 * and run slices of one kernel at a time. The calling thread runs slice 0 itself and waits for the rest,
 * so a kernel call stays synchronous. Workers spin briefly before sleeping on Atomics.wait: kernels of one
 * inference follow each other within microseconds.
 */
import { KilnError } from '../engine/errors.js';
import { WORKER_SOURCE } from './worker-source.js';

const ARGS_MAX = 24;
/**
 * How long an idle worker keeps spinning before it sleeps, and how long the caller spins for the slices
 * of others before it sleeps (ms). Waking a sleeping thread costs tens to hundreds of microseconds on a
 * VM, more than many kernels take: measured on mobilenet_v2 with 2 threads, sleeping after 2 ms (worker)
 * or ~10 µs (caller) made the run 30% slower than one thread.
 */
const SPIN_MS = 20;
const JOIN_SPIN_MS = 5;

interface AnyWorker {
  postMessage(m: unknown): void;
  terminate(): unknown;
}

export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly canWait: boolean;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly ctrl: number,
    private readonly workers: AnyWorker[],
    private readonly ids: ReadonlyMap<string, number>,
    isNode: boolean,
  ) {
    this.ctl = new Int32Array(memory.buffer, ctrl, 16);
    this.args = new Float64Array(memory.buffer, ctrl + 64, ARGS_MAX);
    // Atomics.wait blocks; browsers forbid it on the main thread (we spin there instead).
    this.canWait = isNode || typeof (globalThis as { document?: unknown }).document === 'undefined';
  }

  /** Threads a job runs on, the caller included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts `count` workers. `ctrl` is 256 bytes of shared memory for the control block, `stacks[i]` the top
   * of worker i's stack. Resolves when every worker has instantiated the module.
   */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, ctrl: number, stacks: readonly number[], names: readonly string[], isNode: boolean): Promise<ThreadPool> {
    new Int32Array(memory.buffer, ctrl, 16).fill(0);
    const workers: AnyWorker[] = [];
    const ready: Promise<void>[] = [];
    let blobUrl: string | undefined;
    for (let i = 0; i < stacks.length; i++) {
      const init = { type: 'init', module, memory, ctrl, gen: 0, tid: i + 1, stackTop: stacks[i], names, spinMs: SPIN_MS };
      if (isNode) {
        const { Worker } = await import('node:worker_threads');
        const w = new Worker(WORKER_SOURCE, { eval: true });
        w.unref(); // idle workers sleep in Atomics.wait; they must not keep the process alive
        ready.push(new Promise((resolve, reject) => {
          w.once('message', (m: { type: string; message?: string }) => (m.type === 'ready' ? resolve() : reject(new Error(m.message))));
          w.once('error', reject);
        }));
        w.postMessage(init);
        workers.push(w);
      } else {
        blobUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const w = new Worker(blobUrl);
        ready.push(new Promise((resolve, reject) => {
          w.onmessage = (ev: MessageEvent<{ type: string; message?: string }>) => (ev.data.type === 'ready' ? resolve() : reject(new Error(ev.data.message)));
          w.onerror = (ev) => reject(new Error(ev.message));
        }));
        w.postMessage(init);
        workers.push(w);
      }
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      for (const w of workers) void w.terminate();
      throw new KilnError('E_BACKEND_UNAVAILABLE', `the WASM thread pool could not start: ${(e as Error).message}`);
    } finally {
      if (blobUrl) URL.revokeObjectURL(blobUrl);
    }
    return new ThreadPool(memory, ctrl, workers, new Map(names.map((n, i) => [n, i])), isNode);
  }

  /**
   * Runs fn(...args, c, n) for every chunk c of n, on whichever threads take them (the caller too);
   * `local` is the caller's own instance export. Returns when every chunk has run.
   */
  run(name: string, args: readonly number[], local: (...a: number[]) => unknown, chunks: number): void {
    const id = this.ids.get(name);
    if (id === undefined) throw new KilnError('E_INTERNAL', `the thread pool does not know kernel '${name}'`);
    if (args.length > ARGS_MAX) throw new KilnError('E_INTERNAL', `kernel '${name}': too many arguments`);
    const n = Math.max(1, Math.min(chunks, 0xffff));
    const ctl = this.ctl;
    this.args.set(args);
    ctl[2] = id;
    ctl[3] = args.length;
    ctl[6] = 0;
    Atomics.store(ctl, 7, 0);
    Atomics.store(ctl, 8, n << 16);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    let failed: unknown;
    const all = [...args, 0, n];
    try {
      for (;;) {
        const v = Atomics.load(ctl, 8);
        const c = v & 0xffff;
        if (c >= n) break;
        if (Atomics.compareExchange(ctl, 8, v, v + 1) !== v) continue;
        all[all.length - 2] = c;
        local(...all);
      }
    } catch (e) {
      failed = e;
      Atomics.store(ctl, 8, (n << 16) | n); // no more chunks for anyone
    }
    this.join();
    if (failed !== undefined) throw failed;
    if (Atomics.load(ctl, 6) !== 0) throw new KilnError('E_RUNTIME', `WASM kernel '${name}' failed on a worker thread`);
  }

  /** Waits until no worker is inside the job (spinning first: waking costs more than most kernels). */
  private join(): void {
    const ctl = this.ctl;
    let n = 0;
    let t0 = 0;
    for (;;) {
      const busy = Atomics.load(ctl, 1);
      if (busy === 0) return;
      if ((++n & 1023) !== 0 || !this.canWait) continue;
      if (t0 === 0) t0 = performance.now();
      else if (performance.now() - t0 > JOIN_SPIN_MS) Atomics.wait(ctl, 1, busy, 1);
    }
  }

  /** Lets the workers sleep at once instead of spinning for the next kernel (an inference has ended). */
  rest(): void {
    Atomics.store(this.ctl, 7, 1);
  }

  dispose(): void {
    const ctl = this.ctl;
    Atomics.store(ctl, 5, 1);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    if (this.memory.buffer.byteLength) this.join();
    for (const w of this.workers) void w.terminate();
  }
}
