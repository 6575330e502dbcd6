/** The ONNX reader on handcrafted models: every message kind it claims to read, and precise errors. */
import { describe, expect, it } from 'vitest';
import { InferenceSession, KilnError, Tensor } from '../../src/index.js';
import { loadOnnx, readTensorProto } from '../../src/formats/onnx/index.js';
import { float16ToNumber } from '../../src/engine/ir/minifloat.js';
import { attrFloat, attrInt, encode, graph, model, node, tensorProto, valueInfo, type Field } from './proto-encode.js';

const FLOAT = 1, INT64 = 7, STRING = 8, FLOAT16 = 10, BFLOAT16 = 16, INT4 = 22;
const f32Bytes = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

async function runAdd(bytes: Uint8Array, opts = {}) {
  const s = await InferenceSession.create(bytes, { backends: ['reference'], ...opts });
  const out = await s.run({ x: new Tensor('float32', [1, 2, 3], [3]) });
  return Array.from(out.y!.data as Float32Array);
}

const addModel = (init: Field[], extraGraph: Field[] = [], extraModel: Field[] = []) =>
  model(graph([node('Add', ['x', 'w'], ['y'])], [valueInfo('x', FLOAT, [3])], [valueInfo('y', FLOAT, [3])], [init], extraGraph), 17, extraModel);

describe('ONNX reader: tensors', () => {
  it('raw_data becomes a zero-copy view when aligned', async () => {
    // Place raw_data so that its payload is 4-byte aligned in the file.
    for (let pad = 0; pad < 4; pad++) {
      const bytes = addModel(tensorProto('w', FLOAT, [3], [[9, f32Bytes([10, 20, 30])], [12, 'x'.repeat(pad)]]));
      expect(await runAdd(bytes)).toEqual([11, 22, 33]);
    }
    const t = readTensorProto(encode(tensorProto('w', FLOAT, [2], [[9, f32Bytes([1, 2])]])));
    expect(Array.from(t.data as Float32Array)).toEqual([1, 2]);
  });

  it('float_data, int64_data (packed and unpacked), strings, float16 and bfloat16 in int32_data, int4 packed', () => {
    expect(Array.from(readTensorProto(encode(tensorProto('a', FLOAT, [2], [[4, { f32: 1.5 }], [4, { f32: -2 }]]))).data as Float32Array)).toEqual([1.5, -2]);
    const i64 = readTensorProto(encode(tensorProto('b', INT64, [3], [[7, { packed: [1, -5, 2 ** 40] }]])));
    expect(Array.from(i64.data as BigInt64Array)).toEqual([1n, -5n, 2n ** 40n]);
    const i64u = readTensorProto(encode(tensorProto('b', INT64, [2], [[7, -1], [7, 7]])));
    expect(Array.from(i64u.data as BigInt64Array)).toEqual([-1n, 7n]);
    const s = readTensorProto(encode(tensorProto('c', STRING, [2], [[6, 'héllo'], [6, '']])));
    expect(s.data).toEqual(['héllo', '']);
    const h = readTensorProto(encode(tensorProto('d', FLOAT16, [2], [[5, { packed: [0x3c00, 0xc000] }]])));
    expect(Array.from(h.data as Uint16Array).map(float16ToNumber)).toEqual([1, -2]);
    const bf = readTensorProto(encode(tensorProto('e', BFLOAT16, [1], [[5, { packed: [0x3f80] }]])));
    expect(bf.type).toBe('bfloat16');
    const i4 = readTensorProto(encode(tensorProto('f', INT4, [3], [[9, new Uint8Array([0x21, 0x0f])]])));
    expect(i4.type).toBe('int4');
    expect(Array.from(i4.data as Uint8Array)).toEqual([0x21, 0x0f]);
  });

  it('raw_data of the wrong length is E_MODEL_MALFORMED naming the tensor and offset', () => {
    const bytes = encode(tensorProto('w', FLOAT, [4], [[9, f32Bytes([1, 2])]]));
    expect(() => readTensorProto(bytes)).toThrow(/TensorProto 'w' at byte 0: raw_data holds 8 bytes, float32\[4\] needs 16/);
  });

  it('external data resolves through the callback, with offset and length', async () => {
    const side = new Uint8Array(64);
    side.set(f32Bytes([1, 1, 1]), 16);
    const ext: Field[] = [[13, [[1, 'location'], [2, 'w.bin']]], [13, [[1, 'offset'], [2, '16']]], [13, [[1, 'length'], [2, '12']]], [14, 1]];
    const bytes = addModel(tensorProto('w', FLOAT, [3], ext));
    expect(await runAdd(bytes, { externalData: { 'w.bin': side } })).toEqual([2, 3, 4]);
    expect(await runAdd(bytes, { externalData: async (loc: string) => (loc === 'w.bin' ? side : new Uint8Array()) })).toEqual([2, 3, 4]);
    await expect(runAdd(bytes)).rejects.toMatchObject({ code: 'E_EXTERNAL_DATA' });
    await expect(runAdd(bytes, { externalData: { 'w.bin': side.subarray(0, 20) } })).rejects.toThrow(/has 20 bytes, needs 28/);
    const escaping = addModel(tensorProto('w', FLOAT, [3], [[13, [[1, 'location'], [2, '../etc/passwd']]], [14, 1]]));
    await expect(runAdd(escaping, { externalData: () => side })).rejects.toThrow(/plain relative path/);
  });

  it('sparse initializers are densified', async () => {
    const values = tensorProto('w', FLOAT, [2], [[9, f32Bytes([5, 7])]]);
    const indices = tensorProto('', INT64, [2], [[7, { packed: [0, 2] }]]);
    const sparse: Field = [15, [[1, values], [2, indices], [3, { packed: [3] }]]];
    const bytes = model(graph([node('Add', ['x', 'w'], ['y'])], [valueInfo('x', FLOAT, [3])], [valueInfo('y', FLOAT, [3])], [], [sparse]));
    expect(await runAdd(bytes)).toEqual([6, 2, 10]);
  });
});

describe('ONNX reader: graphs', () => {
  it('reads attributes of every scalar kind and symbolic dims', async () => {
    const bytes = model(graph(
      [node('Relu', ['x'], ['y'], [attrInt('unused_int', -3), attrFloat('unused_float', 0.5)])],
      [valueInfo('x', FLOAT, ['batch', 3])], [valueInfo('y', FLOAT, ['batch', 3])],
    ));
    const m = await loadOnnx(bytes);
    const n = m.graph.nodes[0]!;
    expect(n.attrs.get('unused_int')).toEqual({ type: 'int', value: -3 });
    expect(n.attrs.get('unused_float')).toEqual({ type: 'float', value: 0.5 });
    expect(m.graph.inputs[0]!.type).toEqual({ kind: 'tensor', dtype: 'float32', shape: ['batch', 3] });
    const s = await InferenceSession.fromModel(m);
    expect(s.inputMetadata).toEqual([{ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 3] }]);
  });

  it('inlines model-local functions, with attribute references', async () => {
    // function AddThenRelu(a, b) -> (c) { t = Add(a, b); c = Relu(t) }
    const fn: Field = [25, [[1, 'AddThenRelu'], [10, 'local'], [4, 'a'], [4, 'b'], [5, 'c'],
      [7, node('Add', ['a', 'b'], ['t'])], [7, node('Relu', ['t'], ['c'])], [9, [[1, ''], [2, 17]]]]];
    const bytes = model(graph([node('AddThenRelu', ['x', 'w'], ['y'], [], [[7, 'local']])],
      [valueInfo('x', FLOAT, [3])], [valueInfo('y', FLOAT, [3])], [tensorProto('w', FLOAT, [3], [[9, f32Bytes([-5, 0, 5])]])]), 17,
      [fn, [8, [[1, 'local'], [2, 1]]]]);
    const m = await loadOnnx(bytes);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Add', 'Relu']);
    expect(await runAdd(bytes)).toEqual([0, 2, 8]);
  });

  it('sorts nodes written out of order, and rejects cycles and undefined inputs', async () => {
    const g = (nodes: Field[][]) => model(graph(nodes, [valueInfo('x', FLOAT, [3])], [valueInfo('y', FLOAT, [3])]));
    expect(await runAdd(g([node('Relu', ['t'], ['y']), node('Add', ['x', 'x'], ['t'])]))).toEqual([2, 4, 6]);
    await expect(InferenceSession.create(g([node('Relu', ['t'], ['y']), node('Relu', ['y'], ['t'])]))).rejects.toThrow(/cycle/);
    await expect(InferenceSession.create(g([node('Relu', ['nope'], ['y'])]))).rejects.toThrow(/reads 'nope', which no input/);
    await expect(InferenceSession.create(g([node('Relu', ['x'], ['y']), node('Relu', ['x'], ['y'])]))).rejects.toThrow(/produced by both/);
  });
});

describe('ONNX reader: malformed bytes', () => {
  const expectMalformed = async (bytes: Uint8Array, pattern: RegExp) => {
    const e = await loadOnnx(bytes).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('E_MODEL_MALFORMED');
    expect((e as KilnError).message).toMatch(pattern);
    expect(typeof (e as KilnError).details.offset).toBe('number');
  };

  it('a sub-message may not run past its parent', async () => {
    // graph field (the last one here) claims more bytes than the file has
    const full = encode([[1, 8], [8, [[1, ''], [2, 17]]], [7, graph([node('Relu', ['x'], ['y'])], [], [])]]);
    const b = full.slice(0, full.length - 3);
    await expectMalformed(b, /ModelProto\.graph: length \d+ runs past the end/);
  });

  it('a nested length that overruns the enclosing message names the field', async () => {
    // GraphProto inside ModelProto with a node whose length prefix is 1 too long for the graph
    const inner = encode([[1, node('Relu', ['x'], ['y'])]]);
    inner[1] = inner[1]! + 1; // node length +1: now ends past the graph
    const bytes = encode([[1, 8], [7, inner], [8, [[1, ''], [2, 17]]]]);
    await expectMalformed(bytes, /GraphProto\.node: length \d+ runs past the end of the enclosing message/);
  });

  it('wrong wire type for a known field', async () => {
    const b = encode([[1, 8], [7, 5]]); // graph as a varint
    await expectMalformed(b, /ModelProto\.graph: wrong wire type varint \(expected length-delimited\) at byte 2/);
    expect(() => readTensorProto(encode([[2, 'x']]))).toThrow(/TensorProto\.data_type: wrong wire type/);
  });

  it('truncated varints, bad field numbers and obsolete group wire types', async () => {
    await expectMalformed(new Uint8Array([0x08, 0x80]), /truncated varint/);
    await expectMalformed(new Uint8Array([0x08, 0x07, 0x03]), /field number 0/);
    await expectMalformed(new Uint8Array([0x08, 0x07, 0x0b]), /unsupported wire type group-start/);
    await expectMalformed(new Uint8Array([0x08, 0x07, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), /longer than 10 bytes/);
  });

  it('a model without a graph, or a node without an op type', async () => {
    await expect(loadOnnx(encode([[1, 8]]))).rejects.toThrow(/has no graph/);
    await expectMalformed(model(graph([[[1, 'x'], [2, 'y']]], [], [])), /node has no op_type/);
  });

  it('dims too large to exist are rejected before any allocation', () => {
    const bytes = encode(tensorProto('w', FLOAT, [1 << 30, 1 << 30, 1 << 30]));
    expect(() => readTensorProto(bytes)).toThrow(/more elements than any model can hold/);
  });

  it('subgraphs nested beyond the limit', async () => {
    let g: Field[] = graph([], [], []);
    for (let i = 0; i < 70; i++) g = graph([node('If', ['c'], ['y'], [[[1, 'then_branch'], [20, 5], [6, g]]])], [], []);
    await expectMalformed(model(g), /nested deeper than 64/);
  });
});

describe('planning errors', () => {
  it('an op no backend supports lists the op types and the backends asked', async () => {
    const bytes = model(graph([node('FrobnicateOp', ['x'], ['t']), node('Relu', ['t'], ['u']), node('OtherMissingOp', ['u'], ['y'])],
      [valueInfo('x', FLOAT, [3])], [valueInfo('y', FLOAT, [3])]));
    const e = (await InferenceSession.create(bytes, { backends: ['reference'] }).catch((x: unknown) => x)) as KilnError;
    expect(e).toBeInstanceOf(KilnError);
    expect(e.code).toBe('E_OP_UNSUPPORTED');
    expect(e.message).toMatch(/FrobnicateOp, OtherMissingOp/);
    expect(e.message).toMatch(/backends asked \(reference\)/);
    expect(e.details).toMatchObject({ ops: ['FrobnicateOp', 'OtherMissingOp'], backends: ['reference'] });
  });

  it('an unknown backend is E_BACKEND_UNAVAILABLE', async () => {
    const bytes = model(graph([node('Relu', ['x'], ['y'])], [valueInfo('x', FLOAT, [3])], [valueInfo('y', FLOAT, [3])]));
    await expect(InferenceSession.create(bytes, { backends: ['tpu'] })).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
  });
});
