/**
 * The LLM ops as WebGPU dispatches (LlmKernels' contract: src/engine/llm-kernels.ts). Each op checks its
 * arguments with the checks every backend shares (src/engine/llm-checks.ts; a KilnError names what is
 * wrong) and the WebGPU kernels' own limits, then records one or two dispatches
 * into the runtime's batch; nothing is submitted until `read` or `argmax`. Matmuls take a matrix-vector
 * kernel for a few token rows (decode) and a tiled one for more (prefill), one dispatch per weight part.
 */
import { KilnError } from '../../engine/errors.js';
import {
  attentionOperands, checkCopyRows, checkCols, checkEltwise, checkMatmul, checkNorm, checkRope, checkRow, checkToken, checkVector,
} from '../../engine/llm-checks.js';
import type { LlmActivation, LlmAttentionArgs, LlmWeight, RopeParams } from '../../engine/llm-kernels.js';
import { ropeKey } from '../../engine/llm-rope.js';
import type { Region } from '../buffer-pool.js';
import { LlmGpu, UniformWriter } from './gpu.js';
import { asAct, asCache, asWeight, GpuActivation, type GpuWeight } from './handles.js';
import { ropeTable } from './rope-table.js';

const bind = LlmGpu.bind;
const MAX_HEAD_DIM = 512;
/** Attention with at most this many position × head-dim products per (row, head) runs one thread each. */
const SERIAL_WORK = 8192;
const SERIAL_HEAD_DIM = 64;

/**
 * Threads that share one weight row in the decode kernel: one for short rows (no reduction, no barrier:
 * best for small models and on CPU-emulated adapters), up to 64 for rows of 8K values and more.
 */
export function threadsPerRow(cols: number): number {
  return cols < 512 ? 1 : cols < 2048 ? 4 : cols < 8192 ? 16 : 64;
}

export class LlmOps {
  private rope: { key: string; region: Region } | undefined;
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  constructor(readonly g: LlmGpu) {}

  embed(table: LlmWeight, tokens: Int32Array, out: LlmActivation, scale: number): void {
    const w = asWeight(table);
    const o = asAct(out, tokens.length, 'embed');
    checkCols('embed', o, w.cols);
    const byPart = new Map<number, number[]>();
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      checkToken(t, w.rows);
      const at = w.locate(t);
      let l = byPart.get(at.index);
      if (!l) byPart.set(at.index, (l = []));
      l.push(i, at.local);
    }
    for (const [index, pairs] of byPart) {
      const part = w.parts[index]!;
      const ids = this.g.staged(Uint32Array.from(pairs));
      const count = pairs.length / 2;
      const grid = this.g.grid(Math.ceil((count * Math.ceil(w.cols / 4)) / 64));
      const u = new UniformWriter().u32(count).u32(w.cols).u32(w.rowBytes).f32(scale).u32(grid.x).u32(0).u32(0).u32(0);
      this.g.dispatch('llm-embed', { [w.define]: true }, u, [bind(part.region), bind(ids), bind(o.region, o.bytes)], grid.groups);
      this.g.pool.free(ids);
    }
  }

  norm(kind: 'rms' | 'layer', x: LlmActivation, weight: LlmWeight, bias: LlmWeight | undefined, eps: number, out: LlmActivation, n: number): void {
    const xa = asAct(x, n, 'norm');
    const oa = asAct(out, n, 'norm out');
    const w = this.vector(weight, 'norm weight');
    const b = bias ? this.vector(bias, 'norm bias', w.cols) : undefined;
    checkNorm(xa, oa, w.cols, weight.name);
    if (n === 0) return;
    const groups = (n * xa.cols) / w.cols;
    const grid = this.g.grid(groups);
    const inplace = oa === xa;
    const u = new UniformWriter().u32(groups).u32(w.cols).f32(eps).u32(grid.x);
    const bindings = [bind(xa.region, xa.bytes), bind(w.parts[0]!.region), ...(b ? [bind(b.parts[0]!.region)] : []), ...(inplace ? [] : [bind(oa.region, oa.bytes)])];
    this.g.dispatch('llm-norm', { LAYER: kind === 'layer', BIAS: b !== undefined, INPLACE: inplace }, u, bindings, grid.groups);
  }

  matmul(weight: LlmWeight, x: LlmActivation, out: LlmActivation, n: number, bias: LlmWeight | undefined, accumulate: boolean): void {
    const w = asWeight(weight);
    const xa = asAct(x, n, `matmul ${w.name}`);
    const oa = asAct(out, n, `matmul ${w.name} out`);
    checkMatmul(w, xa, oa);
    const b = bias ? this.vector(bias, `matmul ${w.name} bias`, w.rows) : undefined;
    if (n === 0) return;
    const tiled = n >= this.g.tiledFrom;
    const tpr = this.g.threadsPerRow ?? threadsPerRow(w.cols);
    const wg = tpr === 64 ? 64 : 256;
    const defines = { [w.define]: true, BIAS: b !== undefined, TPR: `${tpr}u`, WG: `${wg}u`, SUBGROUPS: tpr === 64 && this.g.subgroups };
    for (const part of w.parts) {
      const grid = this.g.grid(Math.ceil((part.rows * tpr) / wg));
      const u = new UniformWriter().u32(part.rows).u32(w.cols).u32(n).u32(w.rowBytes).u32(part.row0).u32(oa.cols)
        .u32(tiled ? 32 : grid.x).u32(accumulate ? 1 : 0);
      const bindings = [bind(part.region), bind(xa.region, xa.bytes), bind(oa.region, oa.bytes), ...(b ? [bind(b.parts[0]!.region)] : [])];
      if (tiled) this.g.dispatch('llm-matmul', { [w.define]: true, BIAS: b !== undefined }, u, bindings, [Math.ceil(part.rows / 64), Math.ceil(n / 32)]);
      else this.g.dispatch('llm-matvec', defines, u, bindings, [grid.groups[0], grid.groups[1], Math.ceil(n / 4)]);
    }
  }

  ropeOp(a: { x: LlmActivation; n: number; pos: number; heads: number; headDim: number } & RopeParams): void {
    const xa = asAct(a.x, a.n, 'rope');
    const f = a.freqFactors ? this.vector(a.freqFactors, 'rope frequency factors') : undefined;
    checkRope(a, xa, f && { name: f.name, count: f.cols });
    let factors: Float32Array | undefined;
    let factorsId = 0;
    if (f) {
      if (!f.host) throw new KilnError('E_INPUT_INVALID', `rope: frequency factors '${f.name}' are too large to keep on the host`);
      factors = f.host;
      factorsId = this.idOf(f);
    }
    if (a.n === 0 || a.dims === 0) return;
    const key = ropeKey(a, a.pos, a.n, factorsId);
    if (this.rope?.key !== key) {
      const table = ropeTable(a, a.pos, a.n, factors);
      if (this.rope && this.rope.region.capacity >= table.byteLength) {
        this.g.rt.upload(this.rope.region, table);
        this.rope = { key, region: { ...this.rope.region, size: table.byteLength } };
      } else {
        if (this.rope) this.g.pool.free(this.rope.region);
        this.rope = { key, region: this.g.staged(table) };
      }
    }
    const half = a.dims / 2;
    const grid = this.g.grid(Math.ceil((a.n * a.heads * half) / 64));
    const u = new UniformWriter().u32(a.n).u32(a.heads).u32(a.headDim).u32(half).u32(xa.cols).u32(grid.x).u32(0).u32(0);
    this.g.dispatch('llm-rope', { NEOX: a.mode === 'neox' }, u, [bind(xa.region, xa.bytes), bind(this.rope.region)], grid.groups);
  }

  attention(a: LlmAttentionArgs): void {
    const { c, q, k, v, out } = attentionOperands(a, asAct, asCache);
    const { heads, kvHeads, headDim, n, pos } = a;
    const kvw = kvHeads * headDim;
    if (headDim > MAX_HEAD_DIM) throw new KilnError('E_TYPE_UNSUPPORTED', `attention: head dim ${headDim} is over the WebGPU kernel's ${MAX_HEAD_DIM}`);
    if (new Set([q, k, v, out]).size !== 4) throw new KilnError('E_INPUT_INVALID', 'attention: q, k, v and out must be distinct activations');
    if (n === 0) return;
    const f16 = c.type === 'f16';
    const per = f16 ? 2 : 1;
    const count = (n * kvw) / per;
    const sg = this.g.grid(Math.ceil(count / 64));
    const su = new UniformWriter().u32(count).u32((pos * kvw) / per).u32(sg.x).u32(0);
    const kc = bind(c.k[a.layer]!);
    const vc = bind(c.v[a.layer]!);
    this.g.dispatch('llm-kv-store', { F16: f16 }, su, [bind(k.region, k.bytes), bind(v.region, v.bytes), kc, vc], sg.groups);
    const serial = headDim <= SERIAL_HEAD_DIM && (pos + n) * headDim <= SERIAL_WORK;
    const grid = this.g.grid(serial ? Math.ceil((n * heads) / 64) : n * heads);
    const u = new UniformWriter().u32(n).u32(pos).u32(heads).u32(kvHeads).u32(headDim).u32(a.window ?? 0).u32(heads * headDim).u32(kvw)
      .f32(a.scale).f32(a.softcap ?? 0).u32(grid.x).u32(0);
    this.g.dispatch('llm-attention', { F16: f16, SOFTCAP: Boolean(a.softcap), SERIAL: serial }, u, [bind(q.region, q.bytes), kc, vc, bind(out.region, out.bytes)], grid.groups);
  }

  /** add (out = a + b) and gated (out = act(a) · b) over n rows, binding aliases once. */
  eltwise(op: 'ADD' | 'SILU' | 'GELU', a: LlmActivation, b: LlmActivation, out: LlmActivation, n: number, what: 'add' | 'gated'): void {
    let x = asAct(a, n, what);
    let y = asAct(b, n, what);
    const o = asAct(out, n, `${what} out`);
    checkEltwise(what, x, y, o);
    if (n === 0) return;
    if (op === 'ADD' && o === y && o !== x) [x, y] = [y, x];
    const defines = { [op]: true, B_IS_A: x === y, Y_IS_A: o === x, Y_IS_B: o === y && o !== x };
    const bindings = [bind(x.region, x.bytes), ...(x === y ? [] : [bind(y.region, y.bytes)]), ...(o === x || o === y ? [] : [bind(o.region, o.bytes)])];
    this.elementwise(defines, n * x.cols, 0, 0, bindings);
  }

  copyRows(src: LlmActivation, srcRow: number, dst: LlmActivation, dstRow: number, n: number): void {
    const s = asAct(src, srcRow + n, 'copyRows');
    const d = asAct(dst, dstRow + n, 'copyRows');
    checkCopyRows(s, srcRow, d, dstRow);
    if (n === 0) return;
    const count = n * s.cols;
    if (s !== d) {
      this.elementwise({ COPY: true, B_IS_A: true }, count, srcRow * s.cols, dstRow * s.cols, [bind(s.region, s.bytes), bind(d.region, d.bytes)]);
      return;
    }
    if (srcRow === dstRow) return;
    // Overlapping rows of one activation: through a temporary, as memmove would.
    const tmp = new GpuActivation(n, s.cols, this.g.pool.alloc(count * 4));
    this.copyRows(s, srcRow, tmp, 0, n);
    this.copyRows(tmp, 0, d, dstRow, n);
    this.g.pool.free(tmp.region);
  }

  async read(x: LlmActivation, row: number, n: number): Promise<Float32Array> {
    const a = asAct(x, row + n, 'read');
    checkRow('read', row);
    const bytes = n * a.cols * 4;
    if (bytes === 0) return new Float32Array(0);
    return new Float32Array(await this.g.rt.read(bind(a.region, bytes, row * a.cols * 4), bytes));
  }

  async argmax(x: LlmActivation, row: number, n: number): Promise<Int32Array> {
    const a = asAct(x, row + n, 'argmax');
    checkRow('argmax', row);
    if (n === 0) return new Int32Array(0);
    const out = this.g.pool.alloc(4 * n);
    try {
      const u = new UniformWriter().u32(n).u32(a.cols).u32(row).u32(0);
      this.g.dispatch('llm-argmax', {}, u, [bind(a.region, a.bytes), bind(out, 4 * n)], [n]);
      return new Int32Array(await this.g.rt.read(bind(out, 4 * n), 4 * n));
    } finally {
      this.g.pool.free(out);
    }
  }

  /** Frees the cached rope table (before the pool goes). */
  reset(): void {
    if (this.rope) this.g.pool.free(this.rope.region);
    this.rope = undefined;
  }

  private elementwise(defines: Record<string, boolean>, count: number, src: number, dst: number, bindings: ReturnType<typeof bind>[]): void {
    const grid = this.g.grid(Math.ceil(count / 64));
    const u = new UniformWriter().u32(count).u32(grid.x).u32(src).u32(dst);
    this.g.dispatch('llm-eltwise', defines, u, bindings, grid.groups);
  }

  private vector(h: LlmWeight, what: string, len?: number): GpuWeight {
    const w = asWeight(h);
    checkVector(what, w, len);
    return w;
  }

  private idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }
}
