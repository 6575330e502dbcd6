/**
 * The reference LlmKernels (src/engine/llm-kernels.ts): plain TypeScript, correct first, the answer key
 * for the wasm and WebGPU implementations. Weights stay in their GGUF bytes; a matmul decodes one
 * weight row at a time into a scratch row and dots it with every activation row (float64 sums), so a
 * batch of n tokens decodes each weight once. No f32 copy of a weight is ever kept.
 */
import { checkCopyRows, checkCols, checkEltwise, checkMatmul, checkNorm, checkRope, checkRow, checkToken, checkVector } from '../../engine/llm-checks.js';
import type { LlmActivation, LlmKernels, LlmKvCache, LlmWeight, RopeParams } from '../../engine/llm-kernels.js';
import { ropeAngles } from '../../engine/llm-rope.js';
import { attention } from './attention.js';
import { REFERENCE_WEIGHT_TYPES } from './blocks.js';
import { asAct, asWeight, RefActivation, RefKvCache, RefWeight, Tally } from './handles.js';
import { rotateHead } from './rope.js';

const f32 = Math.fround;
const GELU_C = Math.sqrt(2 / Math.PI);

/** A float32 vector weight's values (norm weights, biases), checked. */
function vector(h: LlmWeight, what: string, len?: number): Float32Array {
  const w = asWeight(h);
  checkVector(what, w, len);
  return w.vector();
}

export function createReferenceLlmKernels(): LlmKernels {
  const tally = new Tally();
  const live = new Set<RefWeight | RefActivation | RefKvCache>();
  let scratch = new Float32Array(0);
  const rowBuf = (cols: number): Float32Array => (scratch.length >= cols ? scratch : (scratch = new Float32Array(cols)));
  const kindOf = (h: RefWeight | RefActivation | RefKvCache) => (h instanceof RefWeight ? 'weights' : h instanceof RefKvCache ? 'kv' : 'activations');
  const bytesOf = (h: RefWeight | RefActivation | RefKvCache) => (h instanceof RefActivation ? h.data.byteLength : h.bytes);
  const track = <T extends RefWeight | RefActivation | RefKvCache>(h: T): T => {
    live.add(h);
    tally.add(kindOf(h), bytesOf(h));
    return h;
  };

  return {
    info: { weightTypes: REFERENCE_WEIGHT_TYPES, kvTypes: ['f32', 'f16'], maxBufferBytes: Number.MAX_SAFE_INTEGER },

    weight: (d) => track(new RefWeight(d.name, d.type, d.rows, d.cols, d.data)),
    activation: (rows, cols) => track(new RefActivation(rows, cols)),
    kvCache: (d) => track(new RefKvCache(d)),
    free(h: LlmWeight | LlmActivation | LlmKvCache) {
      const r = h as RefWeight | RefActivation | RefKvCache;
      if (live.delete(r)) tally.add(kindOf(r), -bytesOf(r));
    },

    embed({ table, tokens, out, scale = 1 }) {
      const w = asWeight(table);
      const o = asAct(out, tokens.length, 'embed');
      checkCols('embed', o, w.cols);
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        checkToken(t, w.rows);
        const row = o.data.subarray(i * w.cols, (i + 1) * w.cols);
        w.row(t, row);
        if (scale !== 1) for (let c = 0; c < w.cols; c++) row[c] = row[c]! * scale;
      }
    },

    norm({ kind, x, weight, bias, eps, out, n }) {
      const xa = asAct(x, n, 'norm');
      const oa = asAct(out, n, 'norm out');
      const w = vector(weight, 'norm weight');
      const g = w.length;
      const b = bias ? vector(bias, 'norm bias', g) : undefined;
      checkNorm(xa, oa, g, weight.name);
      for (let at = 0; at < n * xa.cols; at += g) {
        let mean = 0;
        if (kind === 'layer') {
          for (let c = 0; c < g; c++) mean += xa.data[at + c]!;
          mean /= g;
        }
        let sq = 0;
        for (let c = 0; c < g; c++) sq += (xa.data[at + c]! - mean) ** 2;
        const s = f32(1 / Math.sqrt(f32(sq / g) + eps));
        for (let c = 0; c < g; c++) oa.data[at + c] = f32(f32((xa.data[at + c]! - mean) * s) * w[c]!) + (b ? b[c]! : 0);
      }
    },

    matmul({ w, x, out, n, bias, accumulate }) {
      const wr = asWeight(w);
      const xa = asAct(x, n, `matmul ${w.name}`);
      const oa = asAct(out, n, `matmul ${w.name} out`);
      checkMatmul(wr, xa, oa);
      const b = bias ? vector(bias, `matmul ${w.name} bias`, wr.rows) : undefined;
      const row = rowBuf(wr.cols);
      const { cols, rows } = wr;
      for (let r = 0; r < rows; r++) {
        wr.row(r, row);
        for (let i = 0; i < n; i++) {
          let s = 0;
          const xi = i * cols;
          for (let c = 0; c < cols; c++) s += xa.data[xi + c]! * row[c]!;
          let y = f32(s);
          if (b) y = f32(y + b[r]!);
          const o = i * rows + r;
          oa.data[o] = accumulate ? oa.data[o]! + y : y;
        }
      }
    },

    rope(a: { x: LlmActivation; n: number; pos: number; heads: number; headDim: number } & RopeParams) {
      const xa = asAct(a.x, a.n, 'rope');
      const fw = a.freqFactors ? asWeight(a.freqFactors) : undefined;
      if (fw) checkVector('rope frequency factors', fw);
      checkRope(a, xa, fw && { name: fw.name, count: fw.cols });
      const factors = fw?.vector();
      const cs = new Float64Array(a.dims);
      for (let i = 0; i < a.n; i++) {
        ropeAngles(a, a.pos + i, factors, cs);
        for (let h = 0; h < a.heads; h++) rotateHead(xa.data, i * xa.cols + h * a.headDim, a.mode, a.dims, cs);
      }
    },

    attention,

    add({ a, b, out, n }) {
      const x = asAct(a, n, 'add');
      const y = asAct(b, n, 'add');
      const o = asAct(out, n, 'add out');
      checkEltwise('add', x, y, o);
      for (let i = 0; i < n * x.cols; i++) o.data[i] = x.data[i]! + y.data[i]!;
    },

    gated({ act, gate, up, out, n }) {
      const g = asAct(gate, n, 'gated');
      const u = asAct(up, n, 'gated');
      const o = asAct(out, n, 'gated out');
      checkEltwise('gated', g, u, o);
      for (let i = 0; i < n * g.cols; i++) {
        const v = g.data[i]!;
        const a = act === 'silu' ? v / (1 + Math.exp(-v)) : 0.5 * v * (1 + Math.tanh(GELU_C * v * (1 + 0.044715 * v * v)));
        o.data[i] = f32(a) * u.data[i]!;
      }
    },

    copyRows({ src, srcRow, dst, dstRow, n }) {
      const s = asAct(src, srcRow + n, 'copyRows');
      const d = asAct(dst, dstRow + n, 'copyRows');
      checkCopyRows(s, srcRow, d, dstRow);
      d.data.set(s.data.subarray(srcRow * s.cols, (srcRow + n) * s.cols), dstRow * d.cols);
    },

    async read(x, row, n) {
      const a = asAct(x, row + n, 'read');
      checkRow('read', row);
      return a.data.slice(row * a.cols, (row + n) * a.cols);
    },

    async argmax(x, row, n) {
      const a = asAct(x, row + n, 'argmax');
      checkRow('argmax', row);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const at = (row + i) * a.cols;
        let best = 0;
        for (let c = 1; c < a.cols; c++) if (a.data[at + c]! > a.data[at + best]!) best = c;
        out[i] = best;
      }
      return out;
    },

    memory: () => ({ weights: tally.weights, kv: tally.kv, activations: tally.activations, peak: tally.peak }),

    dispose() {
      for (const h of [...live]) this.free(h);
    },
  } satisfies LlmKernels & { attention: typeof attention };
}

export { REFERENCE_WEIGHT_TYPES } from './blocks.js';
