/**
 * Fusion: rewrites chains into Kiln's fused ops (ops/fused.ts). Runs after constant folding, before
 * planning, on float32 chains whose intermediate values nobody else reads:
 *
 *   Conv → BatchNormalization (inference)          Conv with the BN folded into W and B
 *   Div(x,√2) → Erf → Add 1 → Mul x → Mul ½        kiln.Gelu (and the Mul-by-1/√2 and ½-first orders)
 *   ReduceMean → Sub → Pow 2 → ReduceMean → Add ε → Sqrt → Div → Mul γ → Add β     kiln.LayerNorm
 *   Conv [→ Add (per-channel constant, or a same-shape residual)] [→ activation]    kiln.FusedConv
 *   MatMul [→ Mul/Div by a scalar] [→ Add (bias [N], or residual)] [→ activation]  kiln.FusedMatMul
 *   Gemm → activation                                                               kiln.FusedGemm
 *
 * A fused node takes the place of the last node of its chain, so every input it reads (a residual
 * computed after the Conv, say) already exists there.
 */
import { toNumbers } from '../elements.js';
import type { Attribute, Graph, Node } from '../ir/graph.js';
import { Node as GraphNode } from '../ir/graph.js';
import { getSchema, opKey, resolveAttrs } from '../ops/index.js';
import { Tensor } from '../tensor.js';
import { lookupConstant, lookupType } from './shape-inference.js';

/** Returns the number of rewrites made. */
export function fuseGraph(g: Graph): number {
  const f = new Fuser(g);
  let n = 0;
  n += f.each((x) => x.opType === 'BatchNormalization', (x) => f.foldBatchNorm(x));
  n += f.each((x) => x.opType === 'Erf', (x) => f.gelu(x));
  n += f.each((x) => x.opType === 'ReduceMean', (x) => f.layerNorm(x));
  n += f.each((x) => x.opType === 'Conv', (x) => f.chain(x, 'kiln', 'FusedConv'));
  n += f.each((x) => x.opType === 'MatMul', (x) => f.chain(x, 'kiln', 'FusedMatMul'));
  n += f.each((x) => x.opType === 'Gemm', (x) => f.chain(x, 'kiln', 'FusedGemm'));
  if (n > 0) g.opsets.set('kiln', 1);
  return n;
}

type Act = { kind: string; params: number[]; last: Node; out: string };

class Fuser {
  private readers = new Map<string, Node[]>();
  private readonly outputs: Set<string>;
  private names = new Set<string>();

  constructor(private readonly g: Graph) {
    this.outputs = new Set(g.outputs.map((o) => o.name));
    this.index();
  }

  private index(): void {
    this.readers.clear();
    for (const n of this.g.nodes) {
      for (const v of Graphdeps(n)) {
        const r = this.readers.get(v);
        if (r) r.push(n);
        else this.readers.set(v, [n]);
      }
      for (const o of n.outputs) this.names.add(o);
    }
    for (const k of this.g.initializers.keys()) this.names.add(k);
    for (const i of this.g.inputs) this.names.add(i.name);
  }

  /** Runs `rewrite` on every node matching `pick` (in order); returns how many rewrites succeeded. */
  each(pick: (n: Node) => boolean, rewrite: (n: Node) => boolean): number {
    let count = 0;
    for (const n of [...this.g.nodes]) {
      if (n.domain !== '' || !pick(n) || !this.g.nodes.includes(n)) continue;
      if (rewrite(n)) { count++; this.index(); }
    }
    return count;
  }

  /** The one node reading v, when v is read by exactly one node and is no graph output. */
  private only(v: string | undefined): Node | undefined {
    if (!v || this.outputs.has(v)) return undefined;
    const r = this.readers.get(v);
    return r && r.length === 1 ? r[0] : undefined;
  }

  private type(v: string) {
    const t = lookupType(this.g, v);
    return t?.kind === 'tensor' ? t : undefined;
  }

  private isF32(v: string): boolean {
    return this.type(v)?.dtype === 'float32';
  }

  private constant(v: string | undefined): Tensor | undefined {
    return v ? lookupConstant(this.g, v) : undefined;
  }

  /** The single value of a one-element float constant. */
  private scalar(v: string | undefined): number | undefined {
    const c = this.constant(v);
    return c && c.size === 1 && (c.type === 'float32' || c.type === 'float64') ? toNumbers(c)[0] : undefined;
  }

  private attrs(n: Node): Record<string, unknown> {
    return resolveAttrs(getSchema(opKey(n.domain, n.opType))!, n, this.g.opsets.get(n.domain) ?? 1);
  }

  private fresh(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  private addConstant(base: string, t: Tensor): string {
    const name = this.fresh(base);
    this.g.initializers.set(name, t);
    return name;
  }

  /** Replaces `last` by `fused` and removes the other nodes of the chain. */
  private replace(chain: readonly Node[], fused: Node): void {
    const last = chain[chain.length - 1]!;
    const nodes = this.g.nodes;
    nodes[nodes.indexOf(last)] = fused;
    this.g.nodes = nodes.filter((n) => n === fused || !chain.includes(n));
  }

  /** The other input of a two-input node, given one of them. */
  private other(n: Node, v: string): string | undefined {
    if (n.inputs.length !== 2) return undefined;
    if (n.inputs[0] === v) return n.inputs[1];
    if (n.inputs[1] === v) return n.inputs[0];
    return undefined;
  }

  // ------------------------------------------------------------ BatchNormalization into Conv

  foldBatchNorm(bn: Node): boolean {
    const y = bn.inputs[0]!;
    const conv = this.g.nodes.find((n) => n.outputs[0] === y);
    if (!conv || conv.opType !== 'Conv' || conv.domain !== '' || this.only(y) !== bn || bn.outputs.filter((o) => o).length !== 1) return false;
    const a = this.attrs(bn);
    if (a.training_mode === 1 || a.spatial === 0) return false;
    const w = this.constant(conv.inputs[1]);
    const b = conv.inputs[2] ? this.constant(conv.inputs[2]) : undefined;
    const [scale, beta, mean, varc] = bn.inputs.slice(1, 5).map((v) => this.constant(v));
    if (!w || w.type !== 'float32' || (conv.inputs[2] && (!b || b.type !== 'float32')) || !scale || !beta || !mean || !varc) return false;
    const M = w.dims[0]!;
    if ([scale, beta, mean, varc].some((t) => t.size !== M || t.type !== 'float32')) return false;
    const [s, bt, mu, vr] = [scale, beta, mean, varc].map((t) => toNumbers(t)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const eps = a.epsilon as number;
    const per = w.size / M;
    const wd = w.data as Float32Array;
    const nw = new Float32Array(w.size);
    const nb = new Float32Array(M);
    for (let m = 0; m < M; m++) {
      const k = s[m]! / Math.sqrt(vr[m]! + eps);
      for (let i = 0; i < per; i++) nw[m * per + i] = wd[m * per + i]! * k;
      nb[m] = ((b ? (b.data as Float32Array)[m]! : 0) - mu[m]!) * k + bt[m]!;
    }
    conv.inputs = [conv.inputs[0]!, this.addConstant(`${conv.name}_W_bn`, new Tensor('float32', nw, w.dims)), this.addConstant(`${conv.name}_B_bn`, new Tensor('float32', nb, [M]))];
    conv.outputs = [bn.outputs[0]!];
    this.g.nodes = this.g.nodes.filter((n) => n !== bn);
    return true;
  }

  // ------------------------------------------------------------ GELU (erf form)

  gelu(erf: Node): boolean {
    const pre = this.g.nodes.find((n) => n.outputs[0] === erf.inputs[0]);
    if (!pre || pre.domain !== '' || this.only(erf.inputs[0]) !== erf || pre.inputs.length !== 2) return false;
    const ci = this.scalar(pre.inputs[1]) !== undefined ? 1 : 0;
    const x = pre.inputs[1 - ci]!;
    const c = this.scalar(pre.inputs[ci]);
    const near = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) <= 1e-4 * Math.abs(b);
    if (!this.isF32(x) || !((pre.opType === 'Div' && near(c, Math.SQRT2)) || (pre.opType === 'Mul' && near(c, Math.SQRT1_2)))) return false;
    const add = this.only(erf.outputs[0]);
    if (!is(add, 'Add') || !near(this.scalar(this.other(add, erf.outputs[0]!)), 1)) return false;
    const mul = this.only(add.outputs[0]);
    if (!is(mul, 'Mul')) return false;
    const m = this.other(mul, add!.outputs[0]!);
    let chain: Node[];
    if (m === x) {
      // x · (1 + erf) then · ½
      const half = this.only(mul!.outputs[0]);
      if (!is(half, 'Mul') || !near(this.scalar(this.other(half!, mul!.outputs[0]!)), 0.5)) return false;
      chain = [pre, erf, add!, mul!, half!];
    } else {
      // (x · ½) · (1 + erf)
      const h = this.g.nodes.find((n) => n.outputs[0] === m);
      if (!h || h.opType !== 'Mul' || h.domain !== '' || this.only(m) !== mul || !h.inputs.includes(x) || !near(this.scalar(this.other(h, x)), 0.5)) return false;
      chain = [h, pre, erf, add!, mul!];
    }
    const last = chain[chain.length - 1]!;
    this.replace(chain, new GraphNode(erf.name, 'Gelu', [x], [last.outputs[0]!], new Map(), 'kiln'));
    return true;
  }

  // ------------------------------------------------------------ LayerNorm (opset < 17 exports)

  layerNorm(mean: Node): boolean {
    const x = mean.inputs[0]!;
    const rank = this.type(x)?.shape?.length;
    if (!this.isF32(x) || rank === undefined || !this.lastAxisMean(mean, rank)) return false;
    const m = mean.outputs[0]!;
    const sub = this.g.nodes.find((n) => is(n, 'Sub') && n.inputs[0] === x && n.inputs[1] === m);
    const mReaders = this.readers.get(m) ?? [];
    if (!sub || mReaders.length !== 1 || mReaders[0] !== sub || this.outputs.has(m)) return false;
    const d = sub.outputs[0]!;
    const dReaders = this.readers.get(d) ?? [];
    const pow = dReaders.find((n) => is(n, 'Pow') && n.inputs[0] === d && this.scalar(n.inputs[1]) === 2);
    const div = dReaders.find((n) => is(n, 'Div') && n.inputs[0] === d);
    if (dReaders.length !== 2 || !pow || !div || this.outputs.has(d)) return false;
    const mean2 = this.only(pow.outputs[0]);
    if (!is(mean2, 'ReduceMean') || !this.lastAxisMean(mean2!, rank)) return false;
    const addEps = this.only(mean2!.outputs[0]);
    const eps = is(addEps, 'Add') ? this.scalar(this.other(addEps!, mean2!.outputs[0]!)) : undefined;
    if (!addEps || eps === undefined) return false;
    const sqrt = this.only(addEps.outputs[0]);
    if (!is(sqrt, 'Sqrt') || !sqrt || this.only(sqrt.outputs[0]) !== div || div.inputs[1] !== sqrt.outputs[0]) return false;
    const mulG = this.only(div.outputs[0]);
    const gamma = is(mulG, 'Mul') ? this.other(mulG!, div.outputs[0]!) : undefined;
    const addB = mulG && this.only(mulG.outputs[0]);
    const beta = is(addB, 'Add') ? this.other(addB!, mulG!.outputs[0]!) : undefined;
    const last = this.type(x)!.shape![rank - 1];
    const fits = (v: string | undefined) => {
      const c = this.constant(v);
      return c !== undefined && c.type === 'float32' && c.dims.length === 1 && c.dims[0] === last;
    };
    if (!mulG || !addB || !fits(gamma) || !fits(beta)) return false;
    const attrs = new Map<string, Attribute>([['axis', { type: 'int', value: -1 }], ['epsilon', { type: 'float', value: eps }]]);
    this.replace([mean, sub, pow, mean2!, addEps, sqrt, div, mulG, addB], new GraphNode(mean.name, 'LayerNorm', [x, gamma!, beta!], [addB.outputs[0]!], attrs, 'kiln'));
    return true;
  }

  private lastAxisMean(n: Node, rank: number): boolean {
    const a = this.attrs(n);
    if (a.keepdims === 0) return false;
    const axes = (a.axes as number[] | undefined) ?? (n.inputs[1] ? this.constant(n.inputs[1]) && toNumbers(this.constant(n.inputs[1])!) : undefined);
    return axes !== undefined && axes.length === 1 && (axes[0] === -1 || axes[0] === rank - 1);
  }

  // ------------------------------------------------------------ Conv / MatMul / Gemm chains

  /** Absorbs [scale] [bias or residual] [activation] after a Conv, MatMul or Gemm. */
  chain(head: Node, domain: string, fusedType: 'FusedConv' | 'FusedMatMul' | 'FusedGemm'): boolean {
    const y = head.outputs[0]!;
    const outT = this.type(y);
    if (!outT || outT.dtype !== 'float32' || !outT.shape || head.inputs.slice(0, 2).some((v) => !this.isF32(v))) return false;
    if (head.outputs.filter((o) => o).length !== 1) return false;
    const shape = outT.shape;
    const chain: Node[] = [head];
    let out = y;
    const inputs = [...head.inputs];
    const extra = new Map<string, Attribute>();
    const concrete = shape.every((d) => typeof d === 'number');
    if (fusedType === 'FusedMatMul') {
      const next = this.only(out);
      const c = next ? this.scalar(next.inputs[1]) : undefined;
      if (next && next.inputs[0] === out && c !== undefined && c !== 0 && (is(next, 'Mul') || is(next, 'Div'))) {
        extra.set('alpha', { type: 'float', value: next.opType === 'Mul' ? c : 1 / c });
        chain.push(next);
        out = next.outputs[0]!;
      }
    }
    if (fusedType !== 'FusedGemm') {
      const add = this.only(out);
      const other = is(add, 'Add') ? this.other(add!, out) : undefined;
      const ot = other ? this.type(other) : undefined;
      const c = this.constant(other);
      const sameShape = concrete && ot?.dtype === 'float32' && ot.shape?.length === shape.length && ot.shape.every((d, i) => d === shape[i]);
      const n = shape[shape.length - 1];
      if (add && other && c && c.type === 'float32' && fusedType === 'FusedConv' && !head.inputs[2] && this.perChannel(c, shape)) {
        inputs[2] = this.addConstant(`${head.name}_B_add`, new Tensor('float32', (c.data as Float32Array).slice(), [c.size]));
      } else if (add && other && c && c.type === 'float32' && fusedType === 'FusedMatMul' && c.size === n && c.dims.every((d, i) => i === c.dims.length - 1 || d === 1) && c.dims.length <= shape.length) {
        inputs[2] = c.dims.length === 1 ? other : this.addConstant(`${head.name}_bias`, new Tensor('float32', (c.data as Float32Array).slice(), [n]));
      } else if (add && other && sameShape && other !== out) {
        while (inputs.length < 3) inputs.push('');
        inputs[3] = other;
      }
      if (add && (inputs[2] !== head.inputs[2] || inputs[3] !== undefined)) {
        chain.push(add);
        out = add.outputs[0]!;
      }
    }
    const act = this.activation(out);
    if (act) {
      chain.push(...this.actNodes(out, act));
      out = act.out;
      extra.set('activation', { type: 'string', value: act.kind });
      if (act.params.length) extra.set('activation_params', { type: 'floats', value: act.params });
    }
    if (chain.length === 1) return false;
    while (inputs.length > 2 && (inputs[inputs.length - 1] ?? '') === '') inputs.pop();
    const attrs = new Map(fusedType === 'FusedMatMul' ? [] : head.attrs);
    for (const [k, v] of extra) attrs.set(k, v);
    this.replace(chain, new GraphNode(head.name, fusedType, inputs.map((v) => v ?? ''), [out], attrs, domain));
    return true;
  }

  /** A constant that adds one value per channel of an [N, C, …] output ([C,1,…] or [1,C,1,…]). */
  private perChannel(c: Tensor, shape: readonly (number | string)[]): boolean {
    const C = shape[1];
    if (typeof C !== 'number' || c.size !== C || c.dims.length > shape.length || c.dims.length < shape.length - 1) return false;
    const off = shape.length - c.dims.length;
    return c.dims.every((d, i) => (i + off === 1 ? d === C : d === 1));
  }

  /** The activation reading v, if one can be fused (including x·sigmoid(x)). */
  private activation(v: string): Act | undefined {
    const r = this.readers.get(v) ?? [];
    if (this.outputs.has(v)) return undefined;
    if (r.length === 2) {
      const sig = r.find((n) => is(n, 'Sigmoid'));
      const mul = r.find((n) => is(n, 'Mul'));
      if (sig && mul && this.only(sig.outputs[0]) === mul && this.other(mul, v) === sig.outputs[0]) {
        return { kind: 'Silu', params: [1], last: mul, out: mul.outputs[0]! };
      }
      return undefined;
    }
    const n = this.only(v);
    if (!n || n.inputs[0] !== v || n.outputs.filter((o) => o).length !== 1) return undefined;
    const done = (kind: string, params: number[] = []): Act => ({ kind, params, last: n, out: n.outputs[0]! });
    if (n.domain === 'kiln' && n.opType === 'Gelu') return done(this.attrs(n).approximate === 'tanh' ? 'GeluTanh' : 'Gelu');
    if (n.domain !== '') return undefined;
    const a = this.attrs(n);
    switch (n.opType) {
      case 'Relu': case 'Sigmoid': case 'Tanh': case 'HardSwish': return done(n.opType);
      case 'LeakyRelu': return done('LeakyRelu', [a.alpha as number]);
      case 'HardSigmoid': return done('HardSigmoid', [a.alpha as number, a.beta as number]);
      case 'Swish': return done('Silu', [a.alpha as number]);
      case 'Gelu': return done(a.approximate === 'tanh' ? 'GeluTanh' : 'Gelu');
      case 'Clip': {
        if ((this.g.opsets.get('') ?? 1) < 11) return done('Clip', [a.min as number, a.max as number]);
        const lo = n.inputs[1] ? this.scalar(n.inputs[1]) : -Infinity;
        const hi = n.inputs[2] ? this.scalar(n.inputs[2]) : Infinity;
        return lo === undefined || hi === undefined ? undefined : done('Clip', [lo, hi]);
      }
    }
    return undefined;
  }

  private actNodes(v: string, act: Act): Node[] {
    if (act.kind === 'Silu' && act.last.opType === 'Mul') return [...(this.readers.get(v) ?? [])];
    return [act.last];
  }
}

const is = (n: Node | undefined, opType: string): n is Node => n !== undefined && n.domain === '' && n.opType === opType;

/** A node's inputs plus the outer values its subgraphs read. */
function Graphdeps(n: Node): string[] {
  const d = n.inputs.filter((i) => i !== '');
  for (const s of n.subgraphs()) d.push(...s.outerReferences());
  return d;
}
