/** Demo inputs: random tensors from the model's input metadata, an image as a tensor, and top-k. */
import { Tensor, type ValueMetadata } from './kiln.js';
import { seeded } from './onnx-builder.js';

/** Concrete dims: symbolic or unknown dims become 1. */
export const dimsOf = (m: ValueMetadata): number[] => (m.shape ?? [1]).map((d) => (typeof d === 'number' && d >= 0 ? d : 1));

export function randomFeeds(meta: readonly ValueMetadata[], seed = 1): Record<string, Tensor> {
  const r = seeded(seed);
  const feeds: Record<string, Tensor> = {};
  for (const m of meta) {
    const dims = dimsOf(m);
    const n = dims.reduce((a, b) => a * b, 1);
    const t = m.type ?? 'float32';
    if (t === 'float32' || t === 'float64') {
      const imageLike = imageLayout(m) !== undefined;
      const data = t === 'float32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = imageLike ? r() : r() * 2 - 1;
      feeds[m.name] = new Tensor(t, data, dims);
    } else if (t === 'int64' || t === 'int32') {
      const mask = /mask/i.test(m.name);
      const vals = Array.from({ length: n }, () => (mask ? 1 : Math.floor(r() * 100)));
      feeds[m.name] = t === 'int64' ? new Tensor('int64', BigInt64Array.from(vals, BigInt), dims) : new Tensor('int32', Int32Array.from(vals), dims);
    } else if (t === 'bool' || t === 'uint8') {
      feeds[m.name] = new Tensor(t, Uint8Array.from({ length: n }, () => Math.floor(r() * (t === 'bool' ? 2 : 256))), dims);
    } else {
      feeds[m.name] = Tensor.zeros(t, dims);
    }
  }
  return feeds;
}

/** 'nchw' / 'nhwc' for a float input that looks like a batch of 1- or 3-channel images. */
export function imageLayout(m: ValueMetadata): 'nchw' | 'nhwc' | undefined {
  const s = m.shape;
  if (!s || s.length !== 4 || (m.type !== 'float32' && m.type !== undefined)) return undefined;
  if (s[1] === 3 || s[1] === 1) return 'nchw';
  if (s[3] === 3 || s[3] === 1) return 'nhwc';
  return undefined;
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** The image, resized to the input's H×W, as a float tensor in [0,1] (or ImageNet-normalised). */
export async function imageTensor(m: ValueMetadata, image: Blob, normalize: boolean, preview?: HTMLCanvasElement): Promise<Tensor> {
  const layout = imageLayout(m);
  if (!layout) throw new Error(`input '${m.name}' does not look like an image (want [1,3,H,W] or [1,H,W,3])`);
  const dims = dimsOf(m);
  const [c, h, w] = layout === 'nchw' ? [dims[1]!, dims[2]!, dims[3]!] : [dims[3]!, dims[1]!, dims[2]!];
  const bitmap = await createImageBitmap(image);
  const canvas = preview ?? document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0, w, h);
  const px = ctx.getImageData(0, 0, w, h).data;
  const out = new Float32Array(c * h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      for (let k = 0; k < c; k++) {
        const v = (c === 1 ? (px[p]! + px[p + 1]! + px[p + 2]!) / 3 : px[p + k]!) / 255;
        const val = normalize && c === 3 ? (v - MEAN[k]!) / STD[k]! : v;
        out[layout === 'nchw' ? k * h * w + y * w + x : (y * w + x) * c + k] = val;
      }
    }
  }
  return new Tensor('float32', out, dims);
}

export interface Stats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly first: readonly number[];
}

export function stats(t: Tensor): Stats | undefined {
  const d = t.data;
  if (Array.isArray(d) || d instanceof BigInt64Array || d instanceof BigUint64Array || t.type === 'float16' || t.type === 'bfloat16') return undefined;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / Math.max(1, d.length), first: Array.from(d.subarray(0, 6) as ArrayLike<number>) };
}

/**
 * Top-k classes of a [1,N] (or [N]) float output. Applies softmax unless the values already look like
 * probabilities. A label list one longer than N (a leading "background") is shifted.
 */
export function topK(t: Tensor, labels: readonly string[], k = 5): { label: string; p: number }[] | undefined {
  if (!(t.data instanceof Float32Array) || labels.length === 0) return undefined;
  const n = t.dims[t.dims.length - 1] ?? 0;
  if (t.size !== n || (labels.length !== n && labels.length !== n + 1)) return undefined;
  const offset = labels.length - n;
  const v = Array.from(t.data);
  const isProb = v.every((x) => x >= 0 && x <= 1) && Math.abs(v.reduce((a, b) => a + b, 0) - 1) < 1e-3;
  let p = v;
  if (!isProb) {
    const m = Math.max(...v);
    const e = v.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b, 0);
    p = e.map((x) => x / s);
  }
  return p.map((x, i) => ({ label: labels[i + offset]!, p: x })).sort((a, b) => b.p - a.p).slice(0, k);
}
