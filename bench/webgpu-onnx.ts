/** A one-MatMul ONNX model for the benchmark, encoded by hand (field numbers from onnx.proto). */
type Field = [number, number | string | Uint8Array | Field[]];

function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function encode(fields: Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [f, v] of fields) {
    if (typeof v === 'number') {
      parts.push(Uint8Array.from([...varint(f << 3), ...varint(v)]));
      continue;
    }
    const body = typeof v === 'string' ? new TextEncoder().encode(v) : v instanceof Uint8Array ? v : encode(v);
    parts.push(Uint8Array.from([...varint((f << 3) | 2), ...varint(body.length)]), body);
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const valueInfo = (name: string, dims: number[]): Field[] => [[1, name], [2, [[1, [[1, 1], [2, dims.map((d): Field => [1, [[1, d]]])]]]]]];

/** Y[M, N] = A[M, K] · B[K, N], A fed, B an initializer (float32). */
export function matmulOnnx(M: number, K: number, N: number, b: Float32Array): Uint8Array {
  const init: Field[] = [[1, K], [1, N], [2, 1], [8, 'B'], [9, new Uint8Array(b.buffer, b.byteOffset, b.byteLength)]];
  const g: Field[] = [[1, [[1, 'A'], [1, 'B'], [2, 'Y'], [4, 'MatMul']]], [2, 'matmul'], [5, init], [11, valueInfo('A', [M, K])], [12, valueInfo('Y', [M, N])]];
  return encode([[1, 8], [7, g], [8, [[2, 13]]]]);
}
