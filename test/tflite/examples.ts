/** Helpers for the tflite-micro example checks (hello_world, person_detection): model sessions and test inputs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from '../../src/index.js';
import { loadTflite } from '../../src/formats/tflite/index.js';
import { TFLITE_ROOT } from './seanet.js';

export const EXAMPLES = join(TFLITE_ROOT, 'tflite-micro/examples');

export async function exampleSession(rel: string): Promise<InferenceSession> {
  return InferenceSession.fromModel(await loadTflite(new Uint8Array(readFileSync(join(EXAMPLES, rel)))), { backends: ['reference'] });
}

/**
 * The 96x96 8-bit palettised test BMPs, rows top-down (the file stores them bottom-up), each byte
 * reinterpreted as int8, as the upstream test feeds them.
 */
export function personImage(name: string): Tensor {
  const b = new Uint8Array(readFileSync(join(EXAMPLES, 'person_detection/testdata', name)));
  const dv = new DataView(b.buffer, b.byteOffset);
  const offset = dv.getUint32(10, true);
  const w = dv.getInt32(18, true);
  const h = dv.getInt32(22, true);
  const out = new Int8Array(w * Math.abs(h));
  for (let y = 0; y < Math.abs(h); y++) {
    const src = h > 0 ? Math.abs(h) - 1 - y : y;
    for (let x = 0; x < w; x++) out[y * w + x] = (b[offset + src * w + x]! << 24) >> 24;
  }
  return new Tensor('int8', out, [1, Math.abs(h), w, 1]);
}
