/**
 * ConvTranspose (float32, 1-D and 2-D) as GEMM + col2im: per image and group, cols[(m, ky, kx), pixel] =
 * W_gᵀ · X_g on the packed GEMM core, then scattered and summed into Y (from the bias). Wᵀ is packed once.
 */
import type { Node } from '../../engine/ir/graph.js';
import type { ConvParams } from '../../engine/ops/conv.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Runtime } from '../runtime.js';
import { staticParams } from './prepare.js';
import { geo2d, writeEpi, writeGeo, type Geo2d } from './structs.js';
import { isTensorOf, type PrepareCtx, type RunCtx, type WasmOp } from './types.js';

interface State { readonly w: Tensor; readonly packed: number }

/** Rows of Wᵀ per group (mg·kh·kw) and its columns (input channels per group). */
const dimsOf = (g: Geo2d) => ({ K: (g.outC / g.group) * g.kH * g.kW, cg: g.inC / g.group });
const panels = (g: Geo2d) => {
  const { K, cg } = dimsOf(g);
  return Math.ceil(K / 4) * 4 * cg;
};

function packWt(rt: Runtime, g: Geo2d, wRaw: number, out: number): void {
  const { K, cg } = dimsOf(g);
  for (let gi = 0; gi < g.group; gi++) rt.par('pack_a', [wRaw + gi * cg * K * 4, K, cg, 1, K, out + gi * panels(g) * 4], K * cg);
}

const convTransposeOp: WasmOp<ConvParams> = {
  accepts: (inputs, p) => isTensorOf(inputs[0], 'float32') && isTensorOf(inputs[1], 'float32')
    && (inputs[2] === undefined || isTensorOf(inputs[2], 'float32')) && geo2d(p.batch, p.inC, p.outC, p.group, p.geo) !== undefined,
  prepare: (node: Node, pc: PrepareCtx): State | undefined => {
    const p = staticParams<ConvParams>(pc.graph, node);
    const w = pc.constant(node.inputs[1]!);
    const g = p && geo2d(p.batch, p.inC, p.outC, p.group, p.geo);
    if (!g || !w || w.type !== 'float32') return undefined;
    const packed = pc.alloc(panels(g) * g.group * 4);
    packWt(pc.rt, g, pc.place(w), packed);
    return { w, packed };
  },
  run: (ctx: RunCtx, p: ConvParams) => {
    const rt = ctx.rt;
    const g = geo2d(p.batch, p.inC, p.outC, p.group, p.geo)!;
    const y = ctx.out(0, 'float32', [p.batch, p.outC, ...p.geo.inDims]);
    const HW = g.inH * g.inW, P = g.outH * g.outW;
    if (p.batch * p.outC * HW === 0) return;
    const { K, cg } = dimsOf(g);
    const mg = g.outC / g.group;
    const st = ctx.state as State | undefined;
    let wp: number;
    if (st && ctx.inputs[1] === st.w) wp = st.packed;
    else {
      wp = ctx.scratch(panels(g) * g.group * 4);
      packWt(rt, g, ctx.in(1).ptr, wp);
    }
    const bias = ctx.inputs[2] !== undefined ? ctx.in(2).ptr : 0;
    const x = ctx.in(0).ptr;
    const bp = ctx.scratch(Math.ceil(P / 8) * 8 * Math.max(cg, 1) * 4);
    const cols = ctx.scratch(Math.max(K * P, 1) * 4);
    const epi = writeEpi(rt, 0, 0, 0, 0, undefined);
    const geo = writeGeo(rt, g);
    for (let b = 0; b < p.batch; b++) {
      for (let gi = 0; gi < g.group; gi++) {
        if (P > 0 && cg > 0) {
          rt.par('pack_b', [x + (b * p.inC + gi * cg) * P * 4, cg, P, P, 1, bp], cg * P);
          rt.par('gemm_pp', [K, P, cg, wp + gi * panels(g) * 4, bp, cols, P, epi], K * P * cg);
        } else {
          rt.f32.fill(0, cols / 4, cols / 4 + K * P);
        }
        rt.par('col2im', [geo, cols, y + (b * p.outC + gi * mg) * HW * 4, mg, bias ? bias + gi * mg * 4 : 0], mg * K * P / mg + HW * mg);
      }
    }
  },
};

export const convTransposeWasmOps = { ConvTranspose: convTransposeOp };
