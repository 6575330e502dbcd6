/** ImageDecoder: encoded image bytes (uint8, 1-D) → [height, width, channels] uint8. */
import { freshDim, tensorType } from '../../ir/types.js';
import { attr, defineOp } from '../schema.js';

export interface ImageDecoderParams { readonly format: 'RGB' | 'BGR' | 'Grayscale' }

export const ImageDecoder = defineOp({
  since: 20,
  attrs: { pixel_format: attr.string('RGB') },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (x.dtype !== 'uint8') ctx.fail(`encoded_stream must be uint8, got ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (x.shape && x.shape.length !== 1) ctx.fail(`encoded_stream must be 1-D, got rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
    const f = ctx.attrs.pixel_format;
    if (f !== 'RGB' && f !== 'BGR' && f !== 'Grayscale') ctx.fail(`pixel_format must be RGB, BGR or Grayscale, got '${f}'`);
    return [tensorType('uint8', [freshDim(), freshDim(), f === 'Grayscale' ? 1 : 3])];
  },
  params: (ctx): ImageDecoderParams => ({ format: ctx.attrs.pixel_format as ImageDecoderParams['format'] }),
});
