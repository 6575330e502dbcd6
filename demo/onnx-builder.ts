/**
 * A small ONNX writer, enough to build the demo's sample model (and the browser tests' models) as bytes
 * in code: protobuf wire format, and builders for the few ONNX messages a plain graph needs. Field numbers
 * are onnx.proto's.
 */

/** One protobuf message, built from parts so large weights are never copied into a number[]. */
export class Message {
  private readonly parts: Uint8Array[] = [];
  size = 0;

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.byteLength;
    return this;
  }

  private key(field: number, wire: number): this {
    return this.push(varint(field * 8 + wire));
  }

  int(field: number, v: number): this {
    return this.key(field, 0).push(varint(v));
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.key(field, 5).push(b);
  }

  bytes(field: number, b: Uint8Array): this {
    return this.key(field, 2).push(varint(b.byteLength)).push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Message): this {
    this.key(field, 2).push(varint(m.size));
    for (const p of m.parts) this.push(p);
    return this;
  }

  packedInts(field: number, vs: readonly number[]): this {
    const body = new Message();
    for (const v of vs) body.push(varint(v));
    return this.message(field, body);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
}

/** Varint of a non-negative safe integer, or of a negative one as 64-bit two's complement. */
function varint(v: number): Uint8Array {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return new Uint8Array(out);
}

export type Attr = number | readonly number[] | string;
const FLOAT = 1;
const INT64 = 7;

export function tensor(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): Message {
  const m = new Message();
  for (const d of dims) m.int(1, d);
  m.int(2, data instanceof Float32Array ? FLOAT : INT64).string(8, name);
  return m.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export function valueInfo(name: string, dims: readonly (number | string)[], elemType = FLOAT): Message {
  const shape = new Message();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
  const tensorType = new Message().int(1, elemType).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

/** Attributes: integers as INT, non-integers as FLOAT, arrays as INTS, strings as STRING. */
export function node(op: string, inputs: readonly string[], outputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}, name = outputs[0]!): Message {
  const m = new Message();
  for (const i of inputs) m.string(1, i);
  for (const o of outputs) m.string(2, o);
  m.string(3, name).string(4, op);
  for (const [k, v] of Object.entries(attrs)) {
    const a = new Message().string(1, k);
    if (typeof v === 'string') a.int(20, 3).string(4, v);
    else if (typeof v === 'number' && Number.isInteger(v)) a.int(20, 2).int(3, v);
    else if (typeof v === 'number') a.int(20, 1).float(2, v);
    else a.int(20, 7).packedInts(8, v);
    m.message(5, a);
  }
  return m;
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly Message[];
  readonly inputs: readonly Message[];
  readonly outputs: readonly Message[];
  readonly initializers: readonly Message[];
  readonly opset?: number;
  readonly doc?: string;
}

export function model(g: GraphSpec): Uint8Array {
  const graph = new Message();
  for (const n of g.nodes) graph.message(1, n);
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, t);
  if (g.doc) graph.string(10, g.doc);
  for (const i of g.inputs) graph.message(11, i);
  for (const o of g.outputs) graph.message(12, o);
  return new Message()
    .int(1, 8)
    .string(2, 'kiln-demo')
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, g.opset ?? 17))
    .finish();
}

/** Deterministic pseudo-random floats (mulberry32), so a model built twice is the same bytes. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal-ish weights with the given scale (sum of uniforms), from a seeded generator. */
export function weights(n: number, scale: number, rand: () => number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = (rand() + rand() + rand() - 1.5) * 2 * scale;
  return w;
}
