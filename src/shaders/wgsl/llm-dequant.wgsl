// GGUF weights read in their file layout (the LLM kernels' weights are never repacked or widened).
// The includer declares `w: array<u32>` (the weight bytes, little-endian) and defines exactly one weight
// type; `dq4(row, k, cols)` is then the 4 weights at columns k…k+3 (k a multiple of 4) of the row whose
// bytes start at byte `row`. Every type keeps 4 adjacent columns in adjacent bytes (or nibbles, or bit
// pairs) under one scale, so a call is one or two unaligned 4-byte loads and one scale.
//   F32, F16, BF16                        plain rows (columns past `cols` read as 0)
//   Q8_0 (34 B / 32)  Q4_0 (18)  Q4_1 (20)  Q5_0 (22)  Q5_1 (24)               ggml's 32-value blocks
//   Q2_K (84 B / 256) Q3_K (110) Q4_K (144) Q5_K (176) Q6_K (210)              ggml's K-quant super-blocks
// Products round as ggml's to_float does (f32(d·scale) first); a GPU may fuse a multiply-add.
// Defines: one of WT_F32 WT_F16 WT_BF16 WT_Q8_0 WT_Q4_0 WT_Q4_1 WT_Q5_0 WT_Q5_1 WT_Q2_K WT_Q3_K WT_Q4_K WT_Q5_K WT_Q6_K.

fn wbyte(b: u32) -> u32 {
  return (w[b >> 2u] >> ((b & 3u) * 8u)) & 0xffu;
}

// The 4 bytes at byte offset b (any alignment), as one little-endian u32.
fn wload4(b: u32) -> u32 {
  let s = (b & 3u) * 8u;
  let lo = w[b >> 2u];
  if (s == 0u) { return lo; }
  return (lo >> s) | (w[(b >> 2u) + 1u] << (32u - s));
}

// The f16 at an even byte offset.
fn wf16(b: u32) -> f32 {
  return unpack2x16float(w[b >> 2u] >> ((b & 2u) * 8u)).x;
}

fn bytes4(v: u32) -> vec4<f32> {
  return vec4<f32>(f32(v & 0xffu), f32((v >> 8u) & 0xffu), f32((v >> 16u) & 0xffu), f32(v >> 24u));
}

fn sbytes4(v: u32) -> vec4<f32> {
  return vec4<f32>(f32(i32(v << 24u) >> 24u), f32(i32(v << 16u) >> 24u), f32(i32(v << 8u) >> 24u), f32(i32(v) >> 24u));
}

// Bit `bit` of each of the 4 bytes of v, as 0/1.
fn bits4(v: u32, bit: u32) -> vec4<f32> {
  return bytes4((v >> bit) & 0x01010101u);
}

// v, the values at columns k…k+3 of a plain row, with those from `cols` on zeroed.
fn cut_cols(v: vec4<f32>, k: u32, cols: u32) -> vec4<f32> {
  if (k + 4u <= cols) { return v; }
  return select(vec4<f32>(0.0), v, vec4<u32>(k, k + 1u, k + 2u, k + 3u) < vec4<u32>(cols));
}

// Values j…j+3 (j % 4 = 0) of a 32-value block whose 16 bytes of nibbles start at `at` (low nibbles hold
// values 0…15, high nibbles 16…31), one per byte.
fn nibbles4(at: u32, j: u32) -> u32 {
  return (wload4(at + (j & 15u)) >> select(0u, 4u, j >= 16u)) & 0x0f0f0f0fu;
}

// The fifth bits of values j…j+3 of a Q5 block, from its 32-bit mask at byte `at`, times 16.
fn high4(at: u32, j: u32) -> vec4<f32> {
  let h = (wload4(at) >> j) & 0xfu;
  return vec4<f32>(f32(h & 1u), f32((h >> 1u) & 1u), f32((h >> 2u) & 1u), f32(h >> 3u)) * 16.0;
}

// ggml's get_scale_min_k4: the 6-bit scale and min of sub-block j, from the 12 bytes at o.
fn scale_min_k4(o: u32, j: u32) -> vec2<f32> {
  if (j < 4u) {
    return vec2<f32>(f32(wbyte(o + j) & 63u), f32(wbyte(o + j + 4u) & 63u));
  }
  let s = (wbyte(o + j + 4u) & 0xfu) | ((wbyte(o + j - 4u) >> 6u) << 4u);
  let m = (wbyte(o + j + 4u) >> 4u) | ((wbyte(o + j) >> 6u) << 4u);
  return vec2<f32>(f32(s), f32(m));
}

#ifdef WT_F32
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let i = (row >> 2u) + k;
  let v = vec4<f32>(bitcast<f32>(w[i]), bitcast<f32>(w[i + 1u]), bitcast<f32>(w[i + 2u]), bitcast<f32>(w[i + 3u]));
  return cut_cols(v, k, cols);
}
#endif

#ifdef WT_F16
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let b = row + 2u * k;
  let v = vec4<f32>(unpack2x16float(wload4(b)), unpack2x16float(wload4(b + 4u)));
  return cut_cols(v, k, cols);
}
#endif

#ifdef WT_BF16
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let b = row + 2u * k;
  let lo = wload4(b);
  let hi = wload4(b + 4u);
  let v = vec4<f32>(bitcast<f32>(lo << 16u), bitcast<f32>(lo & 0xffff0000u), bitcast<f32>(hi << 16u), bitcast<f32>(hi & 0xffff0000u));
  return cut_cols(v, k, cols);
}
#endif

#ifdef WT_Q8_0
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 32u) * 34u;
  return sbytes4(wload4(base + 2u + k % 32u)) * wf16(base);
}
#endif

#ifdef WT_Q4_0
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 32u) * 18u;
  return (bytes4(nibbles4(base + 2u, k % 32u)) - 8.0) * wf16(base);
}
#endif

#ifdef WT_Q4_1
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 32u) * 20u;
  return bytes4(nibbles4(base + 4u, k % 32u)) * wf16(base) + wf16(base + 2u);
}
#endif

#ifdef WT_Q5_0
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 32u) * 22u;
  let j = k % 32u;
  return (bytes4(nibbles4(base + 6u, j)) + high4(base + 2u, j) - 16.0) * wf16(base);
}
#endif

#ifdef WT_Q5_1
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 32u) * 24u;
  let j = k % 32u;
  return (bytes4(nibbles4(base + 8u, j)) + high4(base + 4u, j)) * wf16(base) + wf16(base + 2u);
}
#endif

#ifdef WT_Q2_K
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 256u) * 84u;
  let i = k % 256u;
  let sc = wbyte(base + i / 16u);
  let dl = wf16(base + 80u) * f32(sc & 0xfu);
  let ml = wf16(base + 82u) * f32(sc >> 4u);
  let at = base + 16u + (i / 128u) * 32u + ((i / 16u) & 1u) * 16u + i % 16u;
  let q = (wload4(at) >> (((i / 32u) & 3u) * 2u)) & 0x03030303u;
  return dl * bytes4(q) - ml;
}
#endif

#ifdef WT_Q3_K
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 256u) * 110u;
  let i = k % 256u;
  let n = i / 128u;
  let s = (i / 32u) & 3u;
  let h = (i / 16u) & 1u;
  let l = i % 16u;
  let j = i / 16u;
  let o = base + 96u;
  let low = select(wbyte(o + j - 8u) >> 4u, wbyte(o + j) & 0xfu, j < 8u);
  let high = (wbyte(o + 8u + (j & 3u)) >> (2u * (j >> 2u))) & 3u;
  let dl = wf16(base + 108u) * (f32(low | (high << 4u)) - 32.0);
  let q = (wload4(base + 32u + n * 32u + h * 16u + l) >> (2u * s)) & 0x03030303u;
  let hm = bits4(wload4(base + h * 16u + l), 4u * n + s);
  return dl * (bytes4(q) - 4.0 * (1.0 - hm));
}
#endif

#ifdef WT_Q4_K
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 256u) * 144u;
  let i = k % 256u;
  let c = i / 64u;
  let hi = (i / 32u) & 1u;
  let sm = scale_min_k4(base + 4u, 2u * c + hi);
  let q = (wload4(base + 16u + 32u * c + i % 32u) >> (4u * hi)) & 0x0f0f0f0fu;
  return (wf16(base) * sm.x) * bytes4(q) - wf16(base + 2u) * sm.y;
}
#endif

#ifdef WT_Q5_K
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 256u) * 176u;
  let i = k % 256u;
  let c = i / 64u;
  let hi = (i / 32u) & 1u;
  let l = i % 32u;
  let sm = scale_min_k4(base + 4u, 2u * c + hi);
  let q = (wload4(base + 48u + 32u * c + l) >> (4u * hi)) & 0x0f0f0f0fu;
  let qh = bits4(wload4(base + 16u + l), 2u * c + hi);
  return (wf16(base) * sm.x) * (bytes4(q) + 16.0 * qh) - wf16(base + 2u) * sm.y;
}
#endif

#ifdef WT_Q6_K
fn dq4(row: u32, k: u32, cols: u32) -> vec4<f32> {
  let base = row + (k / 256u) * 210u;
  let i = k % 256u;
  let n = i / 128u;
  let qq = (i / 32u) & 3u;
  let l = i % 32u;
  let lo = (wload4(base + 64u * n + 32u * (qq & 1u) + l) >> (4u * (qq >> 1u))) & 0x0f0f0f0fu;
  let hb = (wload4(base + 128u + 32u * n + l) >> (2u * qq)) & 0x03030303u;
  let sc = f32(i32(wbyte(base + 192u + 8u * n + l / 16u + 2u * qq) << 24u) >> 24u);
  return (wf16(base + 208u) * sc) * (bytes4(lo | (hb << 4u)) - 32.0);
}
#endif
