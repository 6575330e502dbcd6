/**
 * A named list of broken GGUF files (after llama.cpp's tests/test-gguf.cpp): each must be refused with
 * a KilnError whose message names the byte offset and, where there is one, the key or tensor at fault.
 */
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../src/engine/errors.js';
import { openGguf, readGguf } from '../../src/formats/gguf/index.js';
import { buildGguf, V, type BuildOptions, type Val } from './gguf-build.js';

const f32 = (n: number) => new Uint8Array(n * 4);
const tensor = (name: string, ne: number[], ggmlType = 0, data = f32(ne.reduce((a, b) => a * b, 1)), offset?: number) => ({ name, ne, ggmlType, data, offset });
const good: BuildOptions = { kv: [['general.architecture', V.str('llama')], ['x', V.u32(1)]], tensors: [tensor('a', [4, 2]), tensor('b', [8])] };
const u64le = (v: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, v, true); return [...b]; };
const u32le = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return [...b]; };
const nest = (depth: number): Val => (depth === 0 ? V.arr('uint8', [V.u8(1)]) : V.arr('array', [nest(depth - 1)]));
const patch = (b: Uint8Array, at: number, bytes: number[]) => { const c = b.slice(); c.set(bytes, at); return c; };

interface Case { name: string; bytes: Uint8Array; code?: string; message: RegExp }
const goodBytes = buildGguf(good);

const cases: Case[] = [
  { name: 'bad magic', bytes: patch(goodBytes, 0, [0x47, 0x47, 0x4a, 0x46]), message: /not a GGUF file: magic is 0x464a4747.*at byte 0/ },
  { name: 'version 0', bytes: patch(goodBytes, 4, u32le(0)), message: /GGUF version 0 is not 1, 2 or 3 at byte 4/ },
  { name: 'version 4', bytes: patch(goodBytes, 4, u32le(4)), message: /GGUF version 4 is not 1, 2 or 3/ },
  { name: 'big-endian', bytes: patch(goodBytes, 4, [0, 0, 0, 3]), code: 'E_TYPE_UNSUPPORTED', message: /big-endian GGUF files are not supported/ },
  { name: 'empty file', bytes: new Uint8Array(0), message: /magic needs 4 bytes but the file ends 0 bytes later at byte 0/ },
  { name: 'truncated in the counts', bytes: goodBytes.slice(0, 14), message: /tensor count needs 8 bytes but the file ends 6 bytes later at byte 8/ },
  { name: 'counts that cannot fit', bytes: goodBytes.slice(0, 40), message: /2 tensors and 2 metadata entries cannot fit in the 16 bytes left at byte 8/ },
  { name: 'truncated in a key', bytes: buildGguf({ kv: [['a.rather.long.key.name.here', V.u8(1)]] }).slice(0, 37), message: /key of metadata entry 0 length 27 runs past the end of the file \(5 bytes left\) at byte 24/ },
  { name: 'truncated in a value', bytes: buildGguf({ kv: [['x', V.u32(7)]] }).slice(0, 39), message: /value of 'x' runs past the end of the file at byte 37/ },
  { name: 'truncated tensor data', bytes: goodBytes.slice(0, goodBytes.length - 1), message: /tensor 'b' data \(32 bytes at file offset \d+\) runs past the end of the file/ },
  { name: 'metadata count 2^62', bytes: patch(goodBytes, 16, u64le(2n ** 62n)), message: /metadata count 4611686018427387904 is impossibly large at byte 16/ },
  { name: 'tensor count 2^40', bytes: patch(goodBytes, 8, u64le(2n ** 40n)), message: /1099511627776 tensors and 2 metadata entries cannot fit in the \d+ bytes left at byte 8/ },
  { name: 'key length 2^40', bytes: patch(goodBytes, 24, u64le(2n ** 40n)), message: /key of metadata entry 0 length 1099511627776 runs past the end of the file/ },
  { name: 'string value length 2^62', bytes: buildGguf({ kv: [['s', { t: 'raw-type', code: 8, bytes: u64le(2n ** 62n) }]] }), message: /string value of 's' length 4611686018427387904 is impossibly large/ },
  { name: 'v1 string length 2^32-1', bytes: buildGguf({ version: 1, kv: [['s', { t: 'raw-type', code: 8, bytes: u32le(0xffffffff) }]] }), message: /string value of 's' length 4294967295 runs past the end/ },
  { name: 'unknown value type', bytes: buildGguf({ kv: [['k', { t: 'raw-type', code: 13, bytes: [0, 0, 0, 0] }]] }), message: /value type of 'k' is 13, which is not a GGUF value type \(0–12\) at byte 33/ },
  { name: 'value type 2^32-1', bytes: buildGguf({ kv: [['k', { t: 'raw-type', code: 0xffffffff, bytes: [] }]] }), message: /value type of 'k' is 4294967295/ },
  { name: 'unknown array item type', bytes: buildGguf({ kv: [['arr', { t: 'raw-type', code: 9, bytes: [...u32le(99), ...u64le(1n), 0] }]] }), message: /array item type of 'arr' is 99/ },
  { name: 'array length 2^40', bytes: buildGguf({ kv: [['arr', { t: 'raw-type', code: 9, bytes: [...u32le(10), ...u64le(2n ** 40n)] }]] }), message: /array 'arr' claims 1099511627776 uint64 items \(at least 8796093022208 bytes\) but only 0 bytes are left/ },
  { name: 'array of strings, length 2^32-1 (v1)', bytes: buildGguf({ version: 1, kv: [['arr', { t: 'raw-type', code: 9, bytes: [...u32le(8), ...u32le(0xffffffff), 0, 0, 0, 0] }]] }), message: /array 'arr' claims 4294967295 string items/ },
  { name: 'arrays nested 9 deep', bytes: buildGguf({ kv: [['deep', nest(9)]] }), message: /arrays in 'deep' nest more than 8 deep/ },
  { name: 'bool 2', bytes: buildGguf({ kv: [['flag', V.bool(2)]] }), message: /bool value of 'flag' is 2 \(must be 0 or 1\)/ },
  { name: 'duplicate key', bytes: buildGguf({ kv: [['k', V.u8(1)], ['k', V.u8(2)]] }), message: /duplicate metadata key 'k' at byte 38/ },
  { name: 'duplicate tensor', bytes: buildGguf({ tensors: [tensor('w', [2]), tensor('w', [2])] }), message: /duplicate tensor name 'w'/ },
  { name: 'alignment 0', bytes: buildGguf({ kv: [['general.alignment', V.u32(0)]] }), message: /general.alignment must be a uint32 power of two, got 0/ },
  { name: 'alignment 48', bytes: buildGguf({ kv: [['general.alignment', V.u32(48)]] }), message: /power of two, got 48/ },
  { name: 'alignment as int32', bytes: buildGguf({ kv: [['general.alignment', V.i32(32)]] }), message: /got 32 \(int32\)/ },
  { name: '5 dims', bytes: buildGguf({ tensors: [tensor('t5', [1, 1, 1, 1, 1])] }), message: /tensor 't5' has 5 dims \(at most 4\)/ },
  { name: 'removed ggml type 4 (Q4_2)', bytes: buildGguf({ tensors: [tensor('old', [32], 4, new Uint8Array(20))] }), code: 'E_TYPE_UNSUPPORTED', message: /tensor 'old' has ggml type 4, which Kiln does not know/ },
  { name: 'ggml type 1000', bytes: buildGguf({ tensors: [tensor('new', [32], 1000, new Uint8Array(20))] }), code: 'E_TYPE_UNSUPPORTED', message: /ggml type 1000/ },
  { name: 'rows not a multiple of the block', bytes: buildGguf({ tensors: [tensor('q', [33], 2, new Uint8Array(36))] }), message: /tensor 'q' of type q4_0 has rows of 33 values, not a multiple of its block size 32/ },
  { name: 'more than 2^53 elements', bytes: buildGguf({ tensors: [tensor('big', [2 ** 30, 2 ** 30, 2 ** 30], 0, new Uint8Array(0))] }), message: /tensor 'big' has more than 2\^53 elements/ },
  { name: 'misaligned offset', bytes: buildGguf({ tensors: [tensor('a', [4]), tensor('m', [4], 0, f32(4), 36)] }), message: /tensor 'm' data offset 36 is not a multiple of the alignment 32/ },
  { name: 'overlapping tensors', bytes: buildGguf({ tensors: [tensor('a', [16]), tensor('o', [4], 0, f32(4), 32)] }), message: /tensor 'o' data \(offset 32\) overlaps tensor 'a' \(offset 0, 64 bytes\)/ },
  { name: 'offset 2^50', bytes: buildGguf({ headerOnly: true, tensors: [tensor('far', [4], 0, new Uint8Array(0), 2 ** 50)] }), message: /tensor 'far' data \(16 bytes at file offset \d+\) runs past the end of the file/ },
  { name: 'offset past 2^53', bytes: patch(buildGguf({ tensors: [tensor('z', [1])] }), 8 + 8 + 8 + 8 + 1 + 4 + 8 + 4, u64le(2n ** 60n)), message: /data offset of tensor 'z' 1152921504606846976 is impossibly large/ },
];

describe('broken GGUF files are refused with a KilnError naming the place', () => {
  for (const c of cases) {
    it(c.name, async () => {
      let err: unknown;
      try {
        readGguf(c.bytes, 'bad.gguf');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KilnError);
      const k = err as KilnError;
      expect(k.code).toBe(c.code ?? 'E_MODEL_MALFORMED');
      expect(k.message).toMatch(c.message);
      expect(k.message).toMatch(/bad\.gguf/);
      expect(k.message).toMatch(/at byte \d+/);
      expect(typeof k.details.offset).toBe('number');
      // The same through the async path with a tiny first read, so the header is fetched piecemeal.
      await expect(openGguf(new Blob([c.bytes as Uint8Array<ArrayBuffer>]), { initialRead: 7 })).rejects.toThrow(KilnError);
    });
  }

  it('the good file the list is made from loads', () => {
    const f = readGguf(goodBytes);
    expect(f.tensors.map((t) => t.name)).toEqual(['a', 'b']);
  });
});
