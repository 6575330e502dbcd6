/** Test-side protobuf encoder for handcrafted ONNX models (field numbers from onnx.proto). */

export type Field = [field: number, value: number | bigint | string | Uint8Array | Field[] | { f32: number } | { packed: number[] }];

const varint = (v: bigint): number[] => {
  let x = BigInt.asUintN(64, v);
  const out: number[] = [];
  while (x >= 0x80n) { out.push(Number(x & 0x7fn) | 0x80); x >>= 7n; }
  out.push(Number(x));
  return out;
};

export function encode(fields: Field[]): Uint8Array {
  const out: number[] = [];
  for (const [f, v] of fields) {
    if (typeof v === 'number' || typeof v === 'bigint') {
      out.push(...varint(BigInt(f) << 3n), ...varint(BigInt(v)));
    } else if (typeof v === 'string' || v instanceof Uint8Array || Array.isArray(v)) {
      const body = typeof v === 'string' ? new TextEncoder().encode(v) : v instanceof Uint8Array ? v : encode(v);
      out.push(...varint((BigInt(f) << 3n) | 2n), ...varint(BigInt(body.length)), ...body);
    } else if ('f32' in v) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v.f32, true);
      out.push(...varint((BigInt(f) << 3n) | 5n), ...b);
    } else {
      const body = v.packed.flatMap((x) => varint(BigInt(x)));
      out.push(...varint((BigInt(f) << 3n) | 2n), ...varint(BigInt(body.length)), ...body);
    }
  }
  return new Uint8Array(out);
}

// ONNX message builders (only the fields the tests use).
export const tensorProto = (name: string, dataType: number, dims: number[], extra: Field[] = []): Field[] =>
  [...dims.map((d): Field => [1, d]), [2, dataType], [8, name], ...extra];
export const valueInfo = (name: string, elemType: number, dims: (number | string)[]): Field[] => [
  [1, name],
  [2, [[1, [[1, elemType], [2, dims.map((d): Field => [1, typeof d === 'number' ? [[1, d]] : [[2, d]]])]]]]],
];
export const node = (op: string, inputs: string[], outputs: string[], attrs: Field[][] = [], extra: Field[] = []): Field[] =>
  [...inputs.map((i): Field => [1, i]), ...outputs.map((o): Field => [2, o]), [4, op], ...attrs.map((a): Field => [5, a]), ...extra];
export const attrInt = (name: string, v: number): Field[] => [[1, name], [20, 2], [3, v]];
export const attrFloat = (name: string, v: number): Field[] => [[1, name], [20, 1], [2, { f32: v }]];
export const graph = (nodes: Field[][], inputs: Field[][], outputs: Field[][], inits: Field[][] = [], extra: Field[] = []): Field[] => [
  ...nodes.map((n): Field => [1, n]), [2, 'g'], ...inits.map((t): Field => [5, t]),
  ...inputs.map((i): Field => [11, i]), ...outputs.map((o): Field => [12, o]), ...extra,
];
export const model = (g: Field[], opset = 17, extra: Field[] = []): Uint8Array =>
  encode([[1, 8], [2, 'kiln-test'], [7, g], [8, [[1, ''], [2, opset]]], ...extra]);
