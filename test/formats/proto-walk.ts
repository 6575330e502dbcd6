/**
 * Test-side protobuf walker: lists every field of an ONNX model with its byte positions, so the
 * malformed-model generator can mutate exactly a key, a length prefix or a count. Independent of the
 * reader under test (written from the wire format, not from src/).
 */

export interface FieldSpan {
  msg: string;
  field: number;
  wire: number;
  keyAt: number;
  lenAt: number;
  lenLen: number;
  valueAt: number;
  valueEnd: number;
  /** The wire type the ONNX schema gives this field, where it admits only one. */
  expectWire?: number;
  /** For TensorProto.dims entries: the tensor's element count. */
  tensorCount?: number;
}

const V = 0, L = 2, F32 = 5;
/** message → field → [wire, sub-message name?] */
const SCHEMA: Record<string, Record<number, [number, string?]>> = {
  ModelProto: { 1: [V], 2: [L], 3: [L], 4: [L], 5: [V], 6: [L], 7: [L, 'GraphProto'], 8: [L, 'OperatorSetIdProto'], 14: [L] },
  GraphProto: { 1: [L, 'NodeProto'], 2: [L], 5: [L, 'TensorProto'], 11: [L, 'ValueInfoProto'], 12: [L, 'ValueInfoProto'], 13: [L, 'ValueInfoProto'] },
  NodeProto: { 1: [L], 2: [L], 3: [L], 4: [L], 5: [L, 'AttributeProto'], 7: [L] },
  AttributeProto: { 1: [L], 2: [F32], 3: [V], 4: [L], 5: [L, 'TensorProto'], 6: [L, 'GraphProto'], 20: [V] },
  TensorProto: { 2: [V], 8: [L], 9: [L], 14: [V] },
  ValueInfoProto: { 1: [L], 2: [L] },
  OperatorSetIdProto: { 1: [L], 2: [V] },
};

function readVarint(b: Uint8Array, at: number): [number, number] {
  let v = 0, mul = 1, i = at;
  for (;;) {
    const x = b[i++]!;
    v += (x & 0x7f) * mul;
    if (!(x & 0x80)) return [v, i - at];
    mul *= 128;
  }
}

export function walkProto(b: Uint8Array, msg: string, start = 0, end = b.length, out: FieldSpan[] = []): FieldSpan[] {
  let at = start;
  const dims: FieldSpan[] = [];
  const dimValues: number[] = [];
  while (at < end) {
    const keyAt = at;
    const [key, kl] = readVarint(b, at);
    at += kl;
    const field = Math.floor(key / 8), wire = key & 7;
    let span: FieldSpan;
    if (wire === L) {
      const [len, ll] = readVarint(b, at);
      span = { msg, field, wire, keyAt, lenAt: at, lenLen: ll, valueAt: at + ll, valueEnd: at + ll + len };
    } else {
      const size = wire === V ? readVarint(b, at)[1] : wire === F32 ? 4 : 8;
      span = { msg, field, wire, keyAt, lenAt: at, lenLen: 0, valueAt: at, valueEnd: at + size };
      if (msg === 'TensorProto' && field === 1 && wire === V) { dims.push(span); dimValues.push(readVarint(b, at)[0]); }
    }
    const spec = SCHEMA[msg]?.[field];
    if (spec) span.expectWire = spec[0];
    out.push(span);
    if (spec?.[1] && wire === L) walkProto(b, spec[1], span.valueAt, span.valueEnd, out);
    at = span.valueEnd;
  }
  const count = dimValues.reduce((a, x) => a * x, 1);
  for (const d of dims) d.tensorCount = count;
  return out;
}

export { mulberry32 } from '../helpers/prng.js';
