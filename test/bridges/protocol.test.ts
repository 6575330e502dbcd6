/** The wire codecs on their own: every datatype both ways, and the checks that guard allocation. */
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../src/engine/errors.js';
import { Tensor } from '../../src/engine/tensor.js';
import { binaryToTensor, jsonToTensor, tensorToBinary, tensorToJson, toV2Datatype } from '../../src/bridges/protocol/datatypes.js';
import { decodeMessage, encodeMessage } from '../../src/bridges/protocol/v2.js';
import { decodePredictRequest, encodePredictRequest, encodePredictResponse, nestedToTensor, tensorToNested } from '../../src/bridges/protocol/tfserving.js';

const SAMPLES: Tensor[] = [
  new Tensor('float32', new Float32Array([1.5, -2, 0, 3.25]), [2, 2]),
  new Tensor('float64', new Float64Array([1e-300, -2]), [2]),
  new Tensor('float16', new Uint16Array([0x3c00, 0xc000, 0x0000]), [3]),
  new Tensor('bfloat16', new Uint16Array([0x3f80, 0xc000]), [2]),
  new Tensor('int8', new Int8Array([-128, 127]), [2]),
  new Tensor('uint8', new Uint8Array([0, 255]), [2]),
  new Tensor('int16', new Int16Array([-32768, 7]), [2]),
  new Tensor('uint16', new Uint16Array([65535, 1]), [2]),
  new Tensor('int32', new Int32Array([-2147483648, 5]), [1, 2]),
  new Tensor('uint32', new Uint32Array([4294967295, 0]), [2]),
  new Tensor('int64', new BigInt64Array([-(2n ** 40n), 3n]), [2]),
  new Tensor('uint64', new BigUint64Array([2n ** 50n, 0n]), [2]),
  new Tensor('bool', new Uint8Array([1, 0, 1]), [3]),
  new Tensor('string', ['', 'héllo', 'a\u0000b'], [3]),
  new Tensor('float32', new Float32Array(0), [0, 4]),
  new Tensor('float32', new Float32Array([7]), []),
];
const same = (a: Tensor, b: Tensor) => {
  expect(b.type).toBe(a.type);
  expect(b.dims).toEqual(a.dims);
  expect(Array.from(b.data as ArrayLike<unknown>)).toEqual(Array.from(a.data as ArrayLike<unknown>));
};

describe('v2 datatypes', () => {
  it.each(SAMPLES.map((t) => [`${t.type}[${t.dims.join(',')}]`, t] as const))('%s: binary and JSON round trips', (_n, t) => {
    const d = toV2Datatype(t.type);
    same(t, binaryToTensor(d, t.dims, tensorToBinary(t), 'x'));
    same(t, jsonToTensor(d, t.dims, JSON.parse(JSON.stringify(tensorToJson(t))), 'x'));
  });

  it('types that cannot cross the wire are refused by name', () => {
    expect(() => toV2Datatype('int4')).toThrow(/int4.*cannot be sent/);
    expect(() => toV2Datatype('q4_0')).toThrow(KilnError);
  });

  it('malformed BYTES data is refused before any large allocation', () => {
    const bad = new Uint8Array([5, 0, 0, 0, 97]);
    expect(() => binaryToTensor('BYTES', [1], bad, 'x')).toThrow(/runs past the end/);
    expect(() => binaryToTensor('BYTES', [1e9], new Uint8Array(8), 'x')).toThrow(/cannot hold 1000000000/);
    expect(() => binaryToTensor('BYTES', [1], new Uint8Array([0, 0, 0, 0, 1]), 'x')).toThrow(/left over/);
  });

  it('a whole message: JSON head, binary tail, tensors in order; JSON refuses NaN', () => {
    const tensors = SAMPLES.slice(0, 4).map((tensor, i) => ({ name: `t${i}`, tensor, binary: i % 2 === 0 }));
    const { body, headerLength } = encodeMessage({ id: '7' }, 'inputs', tensors);
    const got = decodeMessage<{ id: string }>(body, headerLength, 'inputs', { maxTensorBytes: 1 << 20 });
    expect(got.json.id).toBe('7');
    got.tensors.forEach((t, i) => same(tensors[i]!.tensor, t.tensor));
    expect(() => decodeMessage(body, headerLength, 'inputs', { maxTensorBytes: 8 })).toThrow(/larger than the limit/);
    const nan = new Tensor('float32', new Float32Array([NaN]), [1]);
    expect(() => encodeMessage({}, 'inputs', [{ name: 'n', tensor: nan, binary: false }])).toThrow(/NaN, which JSON cannot carry/);
    const viaBinary = encodeMessage({}, 'inputs', [{ name: 'n', tensor: nan }]);
    expect(Number.isNaN((decodeMessage(viaBinary.body, viaBinary.headerLength, 'inputs', { maxTensorBytes: 64 }).tensors[0]!.tensor.data as Float32Array)[0])).toBe(true);
  });
});

describe('TensorFlow Serving forms', () => {
  const x = new Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const ids = new Tensor('int64', new BigInt64Array([7n, 8n]), [2]);

  it('nested lists ↔ tensors', () => {
    expect(tensorToNested(x)).toEqual([[1, 2, 3], [4, 5, 6]]);
    same(x, nestedToTensor([[1, 2, 3], [4, 5, 6]], 'float32', 'x', 100));
    expect(() => nestedToTensor([[1, 2], [3]], 'float32', 'x', 100)).toThrow(/rectangular/);
    expect(nestedToTensor([{ b64: btoa('hi') }], 'string', 's', 10).data).toEqual(['hi']);
  });

  it('row and column requests decode to the same tensors', () => {
    const decl = [{ name: 'x', type: 'float32' as const }, { name: 'ids', type: 'int64' as const }];
    for (const format of ['row', 'column'] as const) {
      const body = JSON.parse(JSON.stringify(encodePredictRequest([{ name: 'x', tensor: x }, { name: 'ids', tensor: ids }], format)));
      const got = decodePredictRequest(body, decl, 1000);
      expect(got.format).toBe(format);
      same(x, got.tensors.get('x')!);
      same(ids, got.tensors.get('ids')!);
    }
    expect(encodePredictResponse([{ name: 'x', tensor: x }], 'row')).toEqual({ predictions: [[1, 2, 3], [4, 5, 6]] });
    expect(encodePredictResponse([{ name: 'x', tensor: x }, { name: 'ids', tensor: ids }], 'column')).toEqual({ outputs: { x: [[1, 2, 3], [4, 5, 6]], ids: [7, 8] } });
    expect(() => encodePredictRequest([{ name: 'x', tensor: x }, { name: 'ids', tensor: new Tensor('int64', new BigInt64Array(3), [3]) }], 'row')).toThrow(/share their first dim/);
  });
});
