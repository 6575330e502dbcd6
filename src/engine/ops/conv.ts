/**
 * conv ops: schemas (attributes, shape inference, kernel params) of the convolution, pooling and
 * sampling ops. The schemas live in ./conv/ by kind; window geometry (auto_pad, ceil_mode, output
 * sizes) is shared in ./conv/geometry.ts.
 */
import type { OpSchema } from './schema.js';
import { convSchemas } from './conv/conv-schemas.js';
import { poolSchemas } from './conv/pool-schemas.js';
import { sampleSchemas } from './conv/sample-schemas.js';

export type { Geometry } from './conv/geometry.js';
export type { ConvParams, DeformConvParams, Col2ImParams, CausalConvParams } from './conv/conv-schemas.js';
export type { PoolParams, GlobalPoolParams, MaxUnpoolParams, RoiParams } from './conv/pool-schemas.js';
export type { GridSampleParams, AffineGridParams } from './conv/sample-schemas.js';

export const convOps = {
  ...convSchemas,
  ...poolSchemas,
  ...sampleSchemas,
} satisfies Record<string, OpSchema<any, any>>;
