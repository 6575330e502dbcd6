/** attention ops: schemas (attributes, shape inference, kernel params). One file per op in ./attention/. */
import type { OpSchema } from './schema.js';
import { linearAttentionOps } from './attention/linear.js';
import { rotaryOps } from './attention/rotary.js';
import { sdpaOps } from './attention/sdpa.js';

export const attentionOps = { ...sdpaOps, ...rotaryOps, ...linearAttentionOps } satisfies Record<string, OpSchema<any, any>>;
