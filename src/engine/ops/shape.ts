/** shape ops: schemas (attributes, shape inference, kernel params). The ops live in ./shape/, by kind. */
import type { OpSchema } from './schema.js';
import { createOps } from './shape/create.js';
import { indexingOps } from './shape/indexing.js';
import { layoutOps } from './shape/layout.js';
import { padResizeOps } from './shape/pad-resize.js';
import { sliceOps } from './shape/slice.js';

export type { ReshapeParams, ShapeParams, SizeParams, SpaceDepthParams, TransposeParams } from './shape/layout.js';
export type { ConcatParams, SliceParams, SplitParams, TileParams } from './shape/slice.js';
export type { ConstantOfShapeParams, ConstantParams, EyeLikeParams, OneHotParams, RangeParams, TriluParams } from './shape/create.js';
export type { CompressParams, GatherNDParams, GatherParams, Reduction, ReverseSequenceParams, ScatterParams, TensorScatterParams, UniqueParams } from './shape/indexing.js';
export type { CropPadParams, PadMode, PadParams, ResizeMode, ResizeParams } from './shape/pad-resize.js';
export { sliceRange } from './shape/slice.js';

export const shapeOps = {
  ...layoutOps,
  ...sliceOps,
  ...createOps,
  ...indexingOps,
  ...padResizeOps,
} satisfies Record<string, OpSchema<any, any>>;
