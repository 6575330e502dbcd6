/** Reference kernel: ImageDecoder. BMP, PNM, PNG and TIFF are decoded; JPEG, JPEG 2000 and WebP are not. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import { ImageDecoder } from '../../engine/ops/misc/image.js';
import { Tensor } from '../../engine/tensor.js';
import { asTensor } from '../sequence/tensors.js';
import { decodeBmp, decodePng, decodePnm, decodeTiff, type RawImage } from './image-formats.js';

const starts = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);

async function decode(b: Uint8Array): Promise<RawImage> {
  if (starts(b, [0x42, 0x4d])) return decodeBmp(b);
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return decodePng(b);
  if (b[0] === 0x50 && b[1]! >= 0x31 && b[1]! <= 0x36) return decodePnm(b);
  if (starts(b, [0x49, 0x49, 0x2a, 0x00]) || starts(b, [0x4d, 0x4d, 0x00, 0x2a])) return decodeTiff(b);
  const name = starts(b, [0xff, 0xd8]) ? 'JPEG'
    : starts(b, [0, 0, 0, 12, 0x6a, 0x50]) || starts(b, [0xff, 0x4f, 0xff, 0x51]) ? 'JPEG 2000'
      : starts(b, [0x52, 0x49, 0x46, 0x46]) && starts(b, [0x57, 0x45, 0x42, 0x50], 8) ? 'WebP' : undefined;
  if (name) throw new KilnError('E_TYPE_UNSUPPORTED', `${name} decoding is not implemented (BMP, PNM, PNG and TIFF are)`);
  throw new KilnError('E_INPUT_INVALID', 'the bytes are not an image format ImageDecoder knows');
}

export const imageKernels: KernelMap = {
  ImageDecoder: kernel(ImageDecoder, async (inputs, p) => {
    const img = await decode(asTensor(inputs[0], 'encoded_stream').data as Uint8Array);
    const n = img.width * img.height;
    const src = img.pixels;
    let out: Uint8Array;
    if (p.format === 'Grayscale') {
      if (img.channels === 1) out = src;
      else {
        // ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B, in 16-bit fixed point with rounding.
        out = new Uint8Array(n);
        for (let i = 0; i < n; i++) out[i] = (src[3 * i]! * 19595 + src[3 * i + 1]! * 38470 + src[3 * i + 2]! * 7471 + 0x8000) >> 16;
      }
    } else {
      out = new Uint8Array(n * 3);
      const bgr = p.format === 'BGR';
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) out[3 * i + (bgr ? 2 - c : c)] = img.channels === 1 ? src[i]! : src[3 * i + c]!;
      }
    }
    return [new Tensor('uint8', out, [img.height, img.width, p.format === 'Grayscale' ? 1 : 3])];
  }),
};
