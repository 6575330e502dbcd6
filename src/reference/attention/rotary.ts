/** Reference kernel: RotaryEmbedding. */
import type { RuntimeValue } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import type { RotaryParams } from '../../engine/ops/attention/rotary.js';
import type { Tensor } from '../../engine/tensor.js';

export function rotaryEmbedding(inputs: readonly (RuntimeValue | undefined)[], p: RotaryParams): RuntimeValue[] {
  const xt = inputs[0] as Tensor;
  const x = toNumbers(xt);
  const cos = toNumbers(inputs[1] as Tensor);
  const sin = toNumbers(inputs[2] as Tensor);
  const pos = inputs[3] ? toNumbers(inputs[3] as Tensor) : undefined;
  const { batch: B, seq: S, heads: H, headSize: D, rotDim } = p;
  const half = rotDim / 2;
  const y = Float64Array.from(x);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      let row: number; // cache row of (b, s)
      if (pos) {
        row = pos[b * S + s]!;
        if (!(Number.isInteger(row) && row >= 0 && row < p.maxPos)) {
          throw new KilnError('E_INPUT_INVALID', `position_ids value ${row} is outside [0, ${p.maxPos})`);
        }
      } else row = b * S + s;
      for (let h = 0; h < H; h++) {
        const o = p.packed ? ((b * S + s) * H + h) * D : ((b * H + h) * S + s) * D;
        for (let i = 0; i < half; i++) {
          const c = cos[row * half + i]!;
          const sn = sin[row * half + i]!;
          const [i1, i2] = p.interleaved ? [o + 2 * i, o + 2 * i + 1] : [o + i, o + i + half];
          const x1 = x[i1]!;
          const x2 = x[i2]!;
          y[i1] = c * x1 - sn * x2;
          y[i2] = sn * x1 + c * x2;
        }
      }
    }
  }
  return [fromNumbers(p.dtype, y, xt.dims)];
}
