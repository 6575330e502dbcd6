import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/cli/npy.js';
import { KilnError, Tensor } from '../../src/index.js';

describe('.npy', () => {
  it.each([
    new Tensor('float32', [1, 2.5, -3, 4, 5, 6], [2, 3]),
    new Tensor('int64', [1n, -2n, 3n], [3]),
    new Tensor('uint8', [1, 2, 3, 4], [2, 2, 1]),
    new Tensor('float64', [Math.PI], []),
  ])('round-trips %s', (t) => {
    const back = readNpy(writeNpy(t));
    expect(back.type).toBe(t.type);
    expect(back.dims).toEqual(t.dims);
    expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
  });

  it('header is 64-byte aligned', () => {
    const b = writeNpy(new Tensor('float32', [1, 2, 3], [3]));
    expect((10 + new DataView(b.buffer).getUint16(8, true)) % 64).toBe(0);
  });

  it('reads Fortran-order arrays', () => {
    // np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)): memory order 0 3 1 4 2 5
    const header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
    const h = new TextEncoder().encode(header.padEnd(117, ' ') + '\n');
    const bytes = new Uint8Array(10 + h.length + 24);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, h.length, true);
    bytes.set(h, 10);
    new Float32Array(bytes.buffer, 10 + h.length, 6).set([0, 3, 1, 4, 2, 5]);
    expect(Array.from(readNpy(bytes).data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects junk with a KilnError', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3]))).toThrow(KilnError);
    const t = writeNpy(new Tensor('float32', [1, 2, 3], [3]));
    expect(() => readNpy(t.subarray(0, t.length - 4))).toThrow(/needs 12/);
  });
});
