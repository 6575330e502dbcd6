/** A MatMul model Y = X · W (W an initializer), as ONNX bytes, for the GEMM benchmark of both runtimes. */

const varint = (v: number): number[] => {
  const out: number[] = [];
  let x = v;
  while (x >= 0x80) { out.push((x % 0x80) | 0x80); x = Math.floor(x / 0x80); }
  out.push(x);
  return out;
};

type Part = Uint8Array | number[];
const cat = (parts: Part[]): Uint8Array => {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const bytesField = (f: number, body: Uint8Array): Uint8Array => cat([varint((f << 3) | 2), varint(body.length), body]);
const intField = (f: number, v: number): number[] => [...varint(f << 3), ...varint(v)];
const str = (f: number, s: string): Uint8Array => bytesField(f, new TextEncoder().encode(s));

const FLOAT = 1;

function valueInfo(name: string, dims: number[]): Uint8Array {
  const shape = cat(dims.map((d) => bytesField(1, cat([intField(1, d)]))));
  const tensorType = cat([intField(1, FLOAT), bytesField(2, shape)]);
  return cat([str(1, name), bytesField(2, bytesField(1, tensorType))]);
}

/** MatMul of [M, K] input 'x' by a [K, N] initializer 'w' (values from `w`). */
export function matmulModel(M: number, K: number, N: number, w: Float32Array): Uint8Array {
  const node = cat([str(1, 'x'), str(1, 'w'), str(2, 'y'), str(4, 'MatMul')]);
  const init = cat([intField(1, K), intField(1, N), intField(2, FLOAT), str(8, 'w'), bytesField(9, new Uint8Array(w.buffer, w.byteOffset, w.byteLength))]);
  const graph = cat([bytesField(1, node), str(2, 'gemm'), bytesField(5, init), bytesField(11, valueInfo('x', [M, K])), bytesField(12, valueInfo('y', [M, N]))]);
  const opset = cat([str(1, ''), intField(2, 13)]);
  return cat([intField(1, 8), str(2, 'kiln-bench'), bytesField(7, graph), bytesField(8, opset)]);
}
