/**
 * Conv and kiln.FusedConv (1-D and 2-D, float32, and float16 through ops/f16.ts): depthwise convolutions
 * run the direct kernel, all others the GEMM kernel with implicit im2col. Weights are packed into A
 * panels (and biases padded) once, in prepare(), and only the panels are kept: float16 weights as
 * float16 panels (conv2d_h converts one panel at a time); a weight that is not a constant is packed into
 * scratch on every run. Depthwise weights (small) are kept as float32.
 */
import type { Node } from '../../engine/ir/graph.js';
import type { ConvParams } from '../../engine/ops/conv.js';
import type { FusedConvParams } from '../../engine/ops/fused.js';
import { Tensor } from '../../engine/tensor.js';
import type { Runtime } from '../runtime.js';
import { halfToFloat } from './f16.js';
import { staticParams } from './prepare.js';
import { BIAS_ROW, geo2d, writeEpi, writeGeo, type Geo2d } from './structs.js';
import { isTensorOf, type PrepareCtx, type RunCtx, type WasmOp } from './types.js';

interface ConvState {
  readonly w: Tensor;
  /** Packed A panels (GEMM path) or the raw weights (depthwise). */
  readonly wPtr: number;
  readonly b?: Tensor;
  readonly biasPtr: number;
  /** Float16 A panels (a float16 weight on the GEMM path). */
  readonly half: boolean;
}

const isDepthwise = (g: Geo2d) => g.group > 1 && g.group === g.inC && g.outC === g.inC && g.kH <= 16 && (g.kH - 1) * g.dH + 1 <= 64;
const K_OF = (g: Geo2d) => (g.inC / g.group) * g.kH * g.kW;
const packedFloats = (g: Geo2d) => Math.ceil(g.outC / g.group / 4) * 4 * K_OF(g) * g.group;

/** Packs the weights at wRaw (OIHW, 4 or 2 bytes per element) into A panels at out, one group after another. */
function packWeights(rt: Runtime, g: Geo2d, wRaw: number, out: number, elem = 4): void {
  const mg = g.outC / g.group;
  const K = K_OF(g);
  const mp = Math.ceil(mg / 4);
  for (let gi = 0; gi < g.group; gi++) {
    rt.par(elem === 2 ? 'pack_a_h' : 'pack_a', [wRaw + gi * mg * K * elem, mg, K, K, 1, out + gi * mp * 4 * K * elem], mg * K);
  }
}

const floats = (t: Tensor): Float32Array => (t.type === 'float16' ? halfToFloat(t.data as Uint16Array) : t.data as Float32Array);
const isFloat = (t: Tensor | undefined): t is Tensor => t !== undefined && (t.type === 'float32' || t.type === 'float16');

/** Bias padded for whole 4-row panels (and group offsets), in `ptr`. */
function writeBias(rt: Runtime, data: Float32Array, ptr: number, outC: number): void {
  const f = rt.f32;
  f.fill(0, ptr / 4, ptr / 4 + outC + 8);
  f.set(data, ptr / 4);
}

const accepts = (inputs: readonly unknown[], p: ConvParams): boolean =>
  isTensorOf(inputs[0] as never, 'float32') && isTensorOf(inputs[1] as never, 'float32')
  && (inputs[2] === undefined || isTensorOf(inputs[2] as never, 'float32'))
  && (inputs[3] === undefined || isTensorOf(inputs[3] as never, 'float32'))
  && geo2d(p.batch, p.inC, p.outC, p.group, p.geo) !== undefined;

function prepare(node: Node, pc: PrepareCtx): ConvState | undefined {
  const p = staticParams<ConvParams>(pc.graph, node);
  const w = pc.constant(node.inputs[1]!);
  if (!p || !isFloat(w)) return undefined;
  const g = geo2d(p.batch, p.inC, p.outC, p.group, p.geo);
  if (!g) return undefined;
  const b = node.inputs[2] ? pc.constant(node.inputs[2]) : undefined;
  const half = w.type === 'float16' && !isDepthwise(g);
  let wPtr: number;
  if (isDepthwise(g)) {
    wPtr = pc.alloc(w.size * 4);
    pc.rt.f32.set(floats(w), wPtr / 4);
  } else {
    // The raw weights only pass through the heap: the session keeps the packed panels.
    const src = w.data as Float32Array | Uint16Array;
    const raw = pc.rt.heap.alloc(src.byteLength);
    pc.rt.u8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), raw);
    wPtr = pc.alloc(packedFloats(g) * (half ? 2 : 4));
    packWeights(pc.rt, g, raw, wPtr, half ? 2 : 4);
    pc.rt.heap.release(raw);
  }
  let biasPtr = 0;
  if (isFloat(b)) {
    biasPtr = pc.alloc((p.outC + 8) * 4);
    writeBias(pc.rt, floats(b), biasPtr, p.outC);
  }
  return { w, wPtr, b: isFloat(b) ? b : undefined, biasPtr, half };
}

function run(ctx: RunCtx, p: ConvParams | FusedConvParams): void {
  const rt = ctx.rt;
  const g = geo2d(p.batch, p.inC, p.outC, p.group, p.geo)!;
  const st = ctx.state as ConvState | undefined;
  const N = g.outH * g.outW;
  const y = ctx.out(0, 'float32', [p.batch, p.outC, ...p.geo.outDims]);
  if (p.batch * p.outC * N === 0) return;
  const x = ctx.in(0).ptr;
  const dw = isDepthwise(g);
  let wPtr: number;
  const half = !!st && ctx.inputs[1] === st.w && st.half;
  if (st && ctx.inputs[1] === st.w) wPtr = st.wPtr;
  else {
    wPtr = ctx.in(1).ptr;
    if (!dw) {
      const packed = ctx.scratch(packedFloats(g) * 4);
      packWeights(rt, g, wPtr, packed);
      wPtr = packed;
    }
  }
  let bias = 0;
  if (ctx.inputs[2] !== undefined) {
    if (st && st.b && ctx.inputs[2] === st.b) bias = st.biasPtr;
    else {
      bias = ctx.scratch((p.outC + 8) * 4);
      writeBias(rt, rt.view('float32', ctx.in(2).ptr, p.outC) as Float32Array, bias, p.outC);
    }
  }
  const fused = 'activation' in p ? p : undefined;
  const z = fused?.hasZ ? ctx.in(3).ptr : 0;
  const epi = writeEpi(rt, bias, BIAS_ROW, z, N, fused?.activation);
  const geo = writeGeo(rt, g);
  const K = K_OF(g);
  const work = p.batch * p.outC * N * K;
  if (dw) {
    const per = rt.call('dwconv2d_scratch', geo);
    const s = ctx.scratch(rt.slices * per * 4);
    rt.par('dwconv2d', [geo, x, wPtr, y, epi, s], work);
  } else {
    const nc = Math.max(8, Math.min(Math.ceil(N / 8) * 8, Math.floor(65536 / Math.max(K, 1) / 8) * 8));
    const s = ctx.scratch(rt.slices * nc * Math.max(K, 1) * 4);
    if (half) rt.par('conv2d_h', [geo, x, wPtr, y, epi, s, ctx.scratch(rt.slices * K * 16), nc], work);
    else rt.par('conv2d', [geo, x, wPtr, y, epi, s, nc], work);
  }
}

const convOp: WasmOp<ConvParams> = { accepts, prepare, run };

export const convWasmOps = {
  Conv: convOp,
  'kiln.FusedConv': convOp,
};
