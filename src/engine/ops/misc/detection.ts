/** NonMaxSuppression: greedy per-(batch, class) box selection by score and overlap. */
import { freshDim, tensorType } from '../../ir/types.js';
import { attr, defineOp } from '../schema.js';

export interface NmsParams { readonly centerPointBox: boolean }

export const NonMaxSuppression = defineOp({
  since: 10,
  attrs: { center_point_box: attr.int(0) },
  inputs: [2, 5],
  infer: (ctx) => {
    const boxes = ctx.tensor(0);
    const scores = ctx.tensor(1);
    if (boxes.shape) {
      if (boxes.shape.length !== 3) ctx.fail(`boxes must be [batch, boxes, 4], got rank ${boxes.shape.length}`, 'E_SHAPE_MISMATCH');
      if (typeof boxes.shape[2] === 'number' && boxes.shape[2] !== 4) ctx.fail(`boxes must have 4 coordinates, got ${boxes.shape[2]}`, 'E_SHAPE_MISMATCH');
    }
    if (scores.shape && scores.shape.length !== 3) ctx.fail(`scores must be [batch, classes, boxes], got rank ${scores.shape.length}`, 'E_SHAPE_MISMATCH');
    if (boxes.shape?.length === 3 && scores.shape?.length === 3) {
      for (const [a, b, what] of [[boxes.shape[0], scores.shape[0], 'batch'], [boxes.shape[1], scores.shape[2], 'box count']] as const) {
        if (typeof a === 'number' && typeof b === 'number' && a !== b) ctx.fail(`boxes and scores disagree on the ${what} (${a} vs ${b})`, 'E_SHAPE_MISMATCH');
      }
    }
    if (ctx.attrs.center_point_box !== 0 && ctx.attrs.center_point_box !== 1) ctx.fail(`center_point_box must be 0 or 1`);
    return [tensorType('int64', [freshDim(), 3])];
  },
  params: (ctx): NmsParams => ({ centerPointBox: ctx.attrs.center_point_box === 1 }),
});
