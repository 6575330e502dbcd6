/**
 * Small image decoders for ImageDecoder: BMP, PNM (P1–P6), PNG (via the platform's DecompressionStream
 * for zlib) and baseline TIFF (uncompressed or PackBits). Each returns 8-bit RGB or grayscale pixels.
 * JPEG, JPEG 2000 and WebP are not decoded here.
 */
import { KilnError } from '../../engine/errors.js';

export interface RawImage {
  readonly width: number;
  readonly height: number;
  /** 1 (gray) or 3 (RGB), interleaved, row-major, top row first. */
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

const corrupt = (fmt: string, why: string): never => {
  throw new KilnError('E_INPUT_INVALID', `cannot decode the ${fmt} image: ${why}`);
};
const unsupported = (fmt: string, what: string): never => {
  throw new KilnError('E_TYPE_UNSUPPORTED', `${fmt} images with ${what} are not supported`);
};

function checkSize(fmt: string, w: number, h: number): void {
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0 && w * h <= 1 << 28)) corrupt(fmt, `bad size ${w}x${h}`);
}

// ---------------------------------------------------------------- BMP

export function decodeBmp(b: Uint8Array): RawImage {
  if (b.length < 54) corrupt('BMP', 'the file is too short');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dataAt = dv.getUint32(10, true);
  const dib = dv.getUint32(14, true);
  if (dib < 40) unsupported('BMP', `a ${dib}-byte (OS/2) header`);
  const width = dv.getInt32(18, true);
  const rawH = dv.getInt32(22, true);
  const bpp = dv.getUint16(28, true);
  const compression = dv.getUint32(30, true);
  const height = Math.abs(rawH);
  checkSize('BMP', width, height);
  let masks: number[] | undefined;
  if (compression === 3 && (bpp === 16 || bpp === 32)) {
    masks = [0, 1, 2].map((k) => dv.getUint32(54 + k * 4, true));
  } else if (compression !== 0) {
    unsupported('BMP', `compression ${compression}`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) unsupported('BMP', `${bpp} bits per pixel`);
  if (bpp === 16 && !masks) masks = [0x7c00, 0x03e0, 0x001f];
  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const count = dv.getUint32(46, true) || 1 << bpp;
    const at = 14 + dib;
    if (at + count * 4 > b.length) corrupt('BMP', 'the palette is truncated');
    palette = b.subarray(at, at + count * 4);
  }
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataAt + stride * height > b.length) corrupt('BMP', 'the pixel data is truncated');
  const out = new Uint8Array(width * height * 3);
  const field = (v: number, m: number): number => {
    if (!m) return 0;
    const shift = 31 - Math.clz32(m & -m);
    const max = m >>> shift;
    return Math.round((((v & m) >>> shift) * 255) / max);
  };
  for (let y = 0; y < height; y++) {
    const row = dataAt + (rawH > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const bit = x * bpp;
        const idx = (b[row + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        if (idx * 4 + 2 >= palette.length) corrupt('BMP', `palette index ${idx} is out of range`);
        out[o] = palette[idx * 4 + 2]!;
        out[o + 1] = palette[idx * 4 + 1]!;
        out[o + 2] = palette[idx * 4]!;
      } else if (masks) {
        const v = bpp === 16 ? dv.getUint16(row + x * 2, true) : dv.getUint32(row + x * 4, true);
        out[o] = field(v, masks[0]!);
        out[o + 1] = field(v, masks[1]!);
        out[o + 2] = field(v, masks[2]!);
      } else {
        const p = row + x * (bpp / 8);
        out[o] = b[p + 2]!;
        out[o + 1] = b[p + 1]!;
        out[o + 2] = b[p]!;
      }
    }
  }
  return { width, height, channels: 3, pixels: out };
}

// ---------------------------------------------------------------- PNM

export function decodePnm(b: Uint8Array): RawImage {
  const kind = b[1]! - 48;
  let at = 2;
  const token = (): string => {
    for (;;) {
      while (at < b.length && /\s/.test(String.fromCharCode(b[at]!))) at++;
      if (b[at] !== 35) break; // '#': comment to the end of the line
      while (at < b.length && b[at] !== 10 && b[at] !== 13) at++;
    }
    const start = at;
    while (at < b.length && !/\s/.test(String.fromCharCode(b[at]!)) && b[at] !== 35) at++;
    if (start === at) corrupt('PNM', 'the header is truncated');
    return String.fromCharCode(...b.subarray(start, at));
  };
  const int = (): number => {
    const t = token();
    if (!/^\d+$/.test(t)) corrupt('PNM', `'${t}' is not a number`);
    return Number(t);
  };
  const width = int();
  const height = int();
  checkSize('PNM', width, height);
  const bitmap = kind === 1 || kind === 4;
  const maxval = bitmap ? 1 : int();
  if (!(maxval >= 1 && maxval <= 65535)) corrupt('PNM', `bad maximum value ${maxval}`);
  const channels: 1 | 3 = kind === 3 || kind === 6 ? 3 : 1;
  const n = width * height * channels;
  const out = new Uint8Array(n);
  const scale = (v: number): number => {
    if (v > maxval) corrupt('PNM', `sample ${v} exceeds the maximum ${maxval}`);
    return Math.round((v * 255) / maxval);
  };
  if (kind <= 3) {
    for (let i = 0; i < n; i++) {
      if (kind === 1) {
        // Plain bitmaps may run digits together; 1 is black.
        while (at < b.length && b[at] !== 48 && b[at] !== 49) at++;
        if (at >= b.length) corrupt('PNM', 'the pixel data is truncated');
        out[i] = b[at++] === 49 ? 0 : 255;
      } else {
        out[i] = scale(int());
      }
    }
  } else {
    at++; // exactly one whitespace byte after the header
    if (kind === 4) {
      const stride = Math.ceil(width / 8);
      if (at + stride * height > b.length) corrupt('PNM', 'the pixel data is truncated');
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) out[y * width + x] = (b[at + y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 0 : 255;
      }
    } else {
      const wide = maxval > 255;
      if (at + n * (wide ? 2 : 1) > b.length) corrupt('PNM', 'the pixel data is truncated');
      for (let i = 0; i < n; i++) out[i] = scale(wide ? (b[at + 2 * i]! << 8) | b[at + 2 * i + 1]! : b[at + i]!);
    }
  }
  return { width, height, channels, pixels: out };
}

// ---------------------------------------------------------------- PNG

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') throw new KilnError('E_TYPE_UNSUPPORTED', 'PNG decoding needs DecompressionStream, which this platform lacks');
  try {
    const ds = new DecompressionStream('deflate');
    const writer = ds.writable.getWriter();
    // Failures surface on the reading side; the writer's own promises are only observed there.
    writer.write(new Uint8Array(data)).catch(() => undefined);
    writer.close().catch(() => undefined);
    return new Uint8Array(await new Response(ds.readable).arrayBuffer());
  } catch (e) {
    return corrupt('PNG', `the compressed data is damaged (${(e as Error).message})`);
  }
}

export async function decodePng(b: Uint8Array): Promise<RawImage> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  let ihdr: Uint8Array | undefined;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  while (at + 8 <= b.length) {
    const len = dv.getUint32(at);
    const type = String.fromCharCode(...b.subarray(at + 4, at + 8));
    if (at + 12 + len > b.length) corrupt('PNG', `chunk ${type} is truncated`);
    const body = b.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') ihdr = body;
    else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  if (!ihdr || ihdr.length < 13) return corrupt('PNG', 'there is no IHDR chunk');
  const h = new DataView(ihdr.buffer, ihdr.byteOffset, 13);
  const width = h.getUint32(0);
  const height = h.getUint32(4);
  const depth = ihdr[8]!;
  const color = ihdr[9]!;
  checkSize('PNG', width, height);
  if (ihdr[12] !== 0) unsupported('PNG', 'interlacing');
  const samples = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[color] ?? unsupported('PNG', `color type ${color}`);
  if (![1, 2, 4, 8, 16].includes(depth) || (depth > 8 && color === 3) || (depth < 8 && color !== 0 && color !== 3)) unsupported('PNG', `bit depth ${depth} for color type ${color}`);
  if (color === 3 && !palette) corrupt('PNG', 'a palette image has no PLTE chunk');
  const all = new Uint8Array(idat.reduce((s, c) => s + c.length, 0));
  idat.reduce((o, c) => (all.set(c, o), o + c.length), 0);
  const raw = await inflate(all);
  const bpp = Math.max(1, (samples * depth) >> 3); // bytes per complete pixel, for filtering
  const stride = Math.ceil((width * samples * depth) / 8);
  if (raw.length < (stride + 1) * height) corrupt('PNG', 'the image data is truncated');
  const cur = new Uint8Array(stride);
  const prev = new Uint8Array(stride);
  const channels: 1 | 3 = color === 0 || color === 4 ? 1 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp]! : 0;
      const up = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = up;
      else if (f === 3) pred = (a + up) >> 1;
      else if (f === 4) {
        const p = a + up - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      } else if (f !== 0) corrupt('PNG', `unknown filter ${f}`);
      cur[i] = (line[i]! + pred) & 255;
    }
    // Sample k of this row, as 8 bits (16-bit samples keep their high byte; low depths scale up).
    const sample = (k: number): number => {
      if (depth === 8) return cur[k]!;
      if (depth === 16) return cur[2 * k]!;
      const v = (cur[(k * depth) >> 3]! >> (8 - depth - ((k * depth) & 7))) & ((1 << depth) - 1);
      return color === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
    };
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (color === 3) {
        const idx = sample(x);
        if (idx * 3 + 2 >= palette!.length) corrupt('PNG', `palette index ${idx} is out of range`);
        out.set(palette!.subarray(idx * 3, idx * 3 + 3), o);
      } else {
        for (let ch = 0; ch < channels; ch++) out[o + ch] = sample(x * samples + ch); // alpha dropped
      }
    }
    prev.set(cur);
  }
  return { width, height, channels, pixels: out };
}

// ---------------------------------------------------------------- TIFF

export function decodeTiff(b: Uint8Array): RawImage {
  const le = b[0] === 0x49;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (o: number) => (o + 2 <= b.length ? dv.getUint16(o, le) : corrupt('TIFF', 'a field lies outside the file'));
  const u32 = (o: number) => (o + 4 <= b.length ? dv.getUint32(o, le) : corrupt('TIFF', 'a field lies outside the file'));
  const ifd = u32(4);
  const tags = new Map<number, number[]>();
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    const type = u16(e + 2);
    const n = u32(e + 4);
    const size = type === 3 ? 2 : type === 4 ? 4 : type === 1 ? 1 : 0;
    if (!size) continue;
    const at = n * size <= 4 ? e + 8 : u32(e + 8);
    const vals: number[] = [];
    for (let k = 0; k < n; k++) vals.push(size === 2 ? u16(at + 2 * k) : size === 4 ? u32(at + 4 * k) : b[at + k] ?? corrupt('TIFF', 'a field lies outside the file'));
    tags.set(u16(e), vals);
  }
  const one = (tag: number, def?: number): number => tags.get(tag)?.[0] ?? def ?? corrupt('TIFF', `tag ${tag} is missing`);
  const width = one(256);
  const height = one(257);
  checkSize('TIFF', width, height);
  const bits = tags.get(258) ?? [1];
  const spp = one(277, 1);
  const compression = one(259, 1);
  const photometric = one(262);
  if (bits.some((x) => x !== 8)) unsupported('TIFF', `${bits.join('/')} bits per sample`);
  if (one(284, 1) !== 1) unsupported('TIFF', 'planar configuration');
  if (compression !== 1 && compression !== 32773) unsupported('TIFF', `compression ${compression}`);
  if (![0, 1, 2, 3].includes(photometric)) unsupported('TIFF', `photometric interpretation ${photometric}`);
  const offsets = tags.get(273) ?? corrupt('TIFF', 'there are no strips');
  const counts = tags.get(279) ?? corrupt('TIFF', 'there are no strip sizes');
  const data = new Uint8Array(width * height * spp);
  let w = 0;
  offsets.forEach((off, s) => {
    const strip = b.subarray(off, off + (counts[s] ?? 0));
    if (compression === 1) {
      const n = Math.min(strip.length, data.length - w);
      data.set(strip.subarray(0, n), w);
      w += n;
      return;
    }
    for (let i = 0; i < strip.length && w < data.length;) {
      const c = (strip[i++]! << 24) >> 24; // PackBits: signed run header
      if (c >= 0) for (let k = 0; k <= c && w < data.length; k++) data[w++] = strip[i++]!;
      else if (c !== -128) { const v = strip[i++]!; for (let k = 0; k < 1 - c && w < data.length; k++) data[w++] = v; }
    }
  });
  if (w < data.length) corrupt('TIFF', 'the pixel data is truncated');
  const channels: 1 | 3 = photometric >= 2 ? 3 : 1;
  const out = new Uint8Array(width * height * channels);
  const map = tags.get(320);
  for (let i = 0; i < width * height; i++) {
    if (photometric === 3) {
      const idx = data[i * spp]!;
      if (!map || map.length < 768) corrupt('TIFF', 'a palette image has no color map');
      for (let c = 0; c < 3; c++) out[i * 3 + c] = map![c * 256 + idx]! >> 8;
    } else if (photometric === 2) {
      out.set(data.subarray(i * spp, i * spp + 3), i * 3); // extra samples (alpha) dropped
    } else {
      out[i] = photometric === 0 ? 255 - data[i * spp]! : data[i * spp]!;
    }
  }
  return { width, height, channels, pixels: out };
}
