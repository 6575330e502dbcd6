/**
 * misc ops: schemas (attributes, shape inference, kernel params). Each group lives in ./misc/:
 * detection (NonMaxSuppression), random generators, string ops and TfIdfVectorizer, ai.onnx.ml ops,
 * ai.onnx.preview.training optimizers, ImageDecoder.
 */
import type { OpSchema } from './schema.js';
import { NonMaxSuppression } from './misc/detection.js';
import { ImageDecoder } from './misc/image.js';
import { mlOps } from './misc/ml.js';
import { randomOps } from './misc/random.js';
import { stringOps } from './misc/strings.js';
import { trainingOps } from './misc/training.js';

export const miscOps = {
  NonMaxSuppression,
  ...randomOps,
  ...stringOps,
  ImageDecoder,
  ...mlOps,
  ...trainingOps,
} satisfies Record<string, OpSchema<any, any>>;
