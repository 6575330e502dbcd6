/**
 * The `executorch` engine: .pte programs through ExecuTorch's Python runtime, one worker process per
 * model (executorch-worker.ts holds the Python side and the framing). Where `python3` or the `executorch`
 * package is missing, the engine is unavailable and says which; nothing is emulated.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { KilnError } from '../../../engine/errors.js';
import type { DType } from '../../../engine/ir/dtype.js';
import { Tensor, arrayClassOf } from '../../../engine/tensor.js';
import { tensorToBinary } from '../../protocol/datatypes.js';
import { WORKER_SOURCE } from './executorch-worker.js';
import type { EngineStatus, HostEngine, IoSpec, LoadedModel, ModelFile } from './types.js';

export interface ExecutorchOptions {
  /** The Python interpreter (default: $KILN_PYTHON or python3). */
  readonly python?: string;
  /** Environment of the worker processes (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

interface Reply { ok: boolean; error?: string; inputs?: { name?: string; dtype: string; shape: number[] }[]; outputs?: { name?: string; dtype: string; shape: number[] }[]; sizes?: number[] }

const ET_DTYPES = new Set(['uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'bool', 'bfloat16']);

export function executorchEngine(o: ExecutorchOptions = {}): HostEngine {
  const python = o.python ?? process.env.KILN_PYTHON ?? 'python3';
  let statusPromise: Promise<EngineStatus> | undefined;
  const status = () => (statusPromise ??= new Promise<EngineStatus>((resolve) => {
    execFile(python, ['-c', 'import executorch.runtime, torch'], { env: o.env, timeout: 60_000 }, (err, _out, stderr) => {
      if (!err) return resolve({ name: 'executorch', available: true, providers: [{ name: 'executorch-runtime', available: true }] });
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? `the Python interpreter '${python}' was not found (set KILN_PYTHON)`
        : `the Python packages 'executorch' and 'torch' are not importable by ${python}: ${String(stderr).trim().split('\n').pop() ?? err.message}`;
      resolve({ name: 'executorch', available: false, reason: why });
    });
  }));
  return {
    name: 'executorch',
    kinds: ['pte'],
    status,
    async load(file: ModelFile): Promise<LoadedModel> {
      const st = await status();
      if (!st.available) throw new KilnError('E_BACKEND_UNAVAILABLE', st.reason!);
      if (!file.path) throw new KilnError('E_INPUT_INVALID', 'the executorch engine loads .pte files from the repository only');
      const worker = new Worker(python, o.env, file.path);
      const meta = await worker.start();
      return {
        inputs: meta.inputs,
        outputs: meta.outputs,
        platform: 'executorch_pte',
        report: { name: 'executorch', provider: 'executorch-runtime' },
        run: (feeds, wanted) => worker.run(meta, feeds, wanted),
        dispose: () => worker.stop(),
      };
    },
  };
}

/** One Python process serving one model; restarted on the next run if it dies. */
class Worker {
  private proc?: ChildProcessByStdio<Writable, Readable, Readable>;
  private buf = Buffer.alloc(0);
  private waiting?: { resolve: (r: { head: Reply; blobs: Buffer[] }) => void; reject: (e: Error) => void };
  private stderr = '';

  constructor(private readonly python: string, private readonly env: NodeJS.ProcessEnv | undefined, private readonly path: string) {}

  async start(): Promise<{ inputs: IoSpec[]; outputs: IoSpec[] }> {
    const p = spawn(this.python, ['-c', WORKER_SOURCE], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = p;
    this.buf = Buffer.alloc(0);
    p.stdout.on('data', (d: Buffer) => this.onData(d));
    p.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-2000); });
    p.on('error', (e) => this.fail(e));
    p.on('exit', (code, sig) => {
      if (this.proc === p) this.proc = undefined;
      this.fail(new Error(`the ExecuTorch worker exited (${sig ?? code})${this.stderr ? `: ${this.stderr.trim().split('\n').pop()}` : ''}`));
    });
    p.stdin.on('error', () => {});
    const { head } = await this.request({ op: 'load', path: this.path, method: 'forward' }, []);
    const io = (x: { name?: string; dtype: string; shape: number[] }, i: number, kind: string): IoSpec => {
      if (!ET_DTYPES.has(x.dtype)) throw new KilnError('E_TYPE_UNSUPPORTED', `${kind} ${i} of the program is ${x.dtype}, which this host cannot serve`);
      return { name: x.name ?? `${kind}_${i}`, dtype: x.dtype as DType, shape: x.shape };
    };
    return { inputs: (head.inputs ?? []).map((x, i) => io(x, i, 'input')), outputs: (head.outputs ?? []).map((x, i) => io(x, i, 'output')) };
  }

  async run(meta: { inputs: readonly IoSpec[]; outputs: readonly IoSpec[] }, feeds: ReadonlyMap<string, Tensor>, wanted: readonly string[]): Promise<Map<string, Tensor>> {
    if (!this.proc) await this.start();
    const ins = meta.inputs.map((i) => {
      const t = feeds.get(i.name);
      if (!t) throw new KilnError('E_INPUT_INVALID', `missing input '${i.name}'`);
      return t;
    });
    const { head, blobs } = await this.request({ op: 'run', inputs: ins.map((t) => ({ dtype: t.type, shape: t.dims })) }, ins.map((t) => tensorToBinary(t)));
    const out = new Map<string, Tensor>();
    (head.outputs ?? []).forEach((spec, i) => {
      const name = meta.outputs[i]?.name ?? `output_${i}`;
      if (!wanted.includes(name)) return;
      if (!ET_DTYPES.has(spec.dtype)) throw new KilnError('E_TYPE_UNSUPPORTED', `output ${i} came back as ${spec.dtype}`);
      const C = arrayClassOf(spec.dtype as DType)!;
      const b = blobs[i]!;
      out.set(name, new Tensor(spec.dtype as DType, new C(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer), spec.shape));
    });
    return out;
  }

  stop(): void {
    const p = this.proc;
    this.proc = undefined;
    p?.kill();
  }

  private request(head: Record<string, unknown>, blobs: Uint8Array[]): Promise<{ head: Reply; blobs: Buffer[] }> {
    const p = this.proc;
    if (!p) return Promise.reject(new KilnError('E_RUNTIME', 'the ExecuTorch worker is not running'));
    const json = Buffer.from(JSON.stringify({ ...head, sizes: blobs.map((b) => b.byteLength) }));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(json.byteLength);
    return new Promise((resolve, reject) => {
      this.waiting = {
        resolve: (r) => (r.head.ok ? resolve(r) : reject(new KilnError('E_RUNTIME', `ExecuTorch: ${r.head.error ?? 'failed'}`))),
        reject,
      };
      p.stdin.write(Buffer.concat([len, json, ...blobs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))]));
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.byteLength < 4) return;
      const n = this.buf.readUInt32LE(0);
      if (this.buf.byteLength < 4 + n) return;
      let head: Reply;
      try {
        head = JSON.parse(this.buf.subarray(4, 4 + n).toString('utf8')) as Reply;
      } catch {
        this.fail(new Error('the ExecuTorch worker wrote a malformed frame'));
        this.stop();
        return;
      }
      const sizes = head.sizes ?? [];
      const total = sizes.reduce((a, b) => a + b, 0);
      if (this.buf.byteLength < 4 + n + total) return;
      const blobs: Buffer[] = [];
      let o = 4 + n;
      for (const s of sizes) {
        blobs.push(this.buf.subarray(o, o + s));
        o += s;
      }
      this.buf = this.buf.subarray(o);
      const w = this.waiting;
      this.waiting = undefined;
      w?.resolve({ head, blobs });
    }
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(new KilnError('E_RUNTIME', e.message));
  }
}
