/** Reference kernel: NonMaxSuppression. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { int64Tensor, toBigInts, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { NonMaxSuppression } from '../../engine/ops/misc/detection.js';
import { asTensor } from '../sequence/tensors.js';

/** The single value of an optional scalar input (an empty tensor counts as absent). */
function optScalar(v: unknown, what: string, read: 'int' | 'float'): number | undefined {
  if (v === undefined) return undefined;
  const t = asTensor(v as never, what);
  if (t.size === 0) return undefined;
  if (t.size !== 1) throw new KilnError('E_INPUT_INVALID', `${what} must hold one value, got ${t.size}`);
  return read === 'int' ? Number(toBigInts(t)[0]!) : toNumbers(t)[0]!;
}

export const detectionKernels: KernelMap = {
  NonMaxSuppression: kernel(NonMaxSuppression, (inputs, p) => {
    const boxes = asTensor(inputs[0], 'boxes');
    const scores = asTensor(inputs[1], 'scores');
    const [batch, n] = boxes.dims as [number, number];
    const classes = scores.dims[1]!;
    if (scores.dims[0] !== batch || scores.dims[2] !== n || boxes.dims[2] !== 4) {
      throw new KilnError('E_SHAPE_MISMATCH', `boxes [${boxes.dims.join(',')}] and scores [${scores.dims.join(',')}] do not fit [B, N, 4] and [B, C, N]`);
    }
    const maxOut = Math.max(0, optScalar(inputs[2], 'max_output_boxes_per_class', 'int') ?? 0);
    const iouMax = optScalar(inputs[3], 'iou_threshold', 'float') ?? 0;
    const minScore = optScalar(inputs[4], 'score_threshold', 'float');
    const bv = toNumbers(boxes);
    const sv = toNumbers(scores);
    // Corners (ymin, xmin, ymax, xmax) of every box.
    const corners = new Float64Array(batch * n * 4);
    for (let i = 0; i < batch * n; i++) {
      const [a, b, c, d] = [bv[i * 4]!, bv[i * 4 + 1]!, bv[i * 4 + 2]!, bv[i * 4 + 3]!];
      if (p.centerPointBox) corners.set([b - d / 2, a - c / 2, b + d / 2, a + c / 2], i * 4);
      else corners.set([Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)], i * 4);
    }
    const overlaps = (i: number, j: number): boolean => {
      const [y1, x1, y2, x2] = corners.subarray(i * 4, i * 4 + 4);
      const [v1, u1, v2, u2] = corners.subarray(j * 4, j * 4 + 4);
      const a1 = (y2! - y1!) * (x2! - x1!);
      const a2 = (v2! - v1!) * (u2! - u1!);
      if (a1 <= 0 || a2 <= 0) return false;
      const ih = Math.min(y2!, v2!) - Math.max(y1!, v1!);
      const iw = Math.min(x2!, u2!) - Math.max(x1!, u1!);
      if (ih <= 0 || iw <= 0) return false;
      const inter = ih * iw;
      return inter / (a1 + a2 - inter) > iouMax;
    };
    const out: number[] = [];
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < classes; c++) {
        if (maxOut === 0) continue;
        const base = (b * classes + c) * n;
        const cand: number[] = [];
        for (let i = 0; i < n; i++) if (minScore === undefined || sv[base + i]! > minScore) cand.push(i);
        cand.sort((x, y) => sv[base + y]! - sv[base + x]! || x - y);
        const kept: number[] = [];
        for (const i of cand) {
          if (kept.length >= maxOut) break;
          if (kept.every((j) => !overlaps(b * n + i, b * n + j))) kept.push(i);
        }
        for (const i of kept) out.push(b, c, i);
      }
    }
    return [int64Tensor(out, [out.length / 3, 3])];
  }),
};
