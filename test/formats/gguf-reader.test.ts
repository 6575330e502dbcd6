/**
 * The GGUF reader on handcrafted files (every version, every value type, nested arrays, alignment,
 * split files, Blob/URL/path sources, a >4 GiB virtual file) and on the real models in ../shared.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../src/engine/errors.js';
import { bytesSource, openGguf, readGguf, type ByteSource } from '../../src/formats/gguf/index.js';
import { buildGguf, V, walkGguf, type Val } from './gguf-build.js';

const LLM = new URL('../../../shared/models/llm/', import.meta.url).pathname;
const VOCAB = new URL('../../../shared/conformance/gguf-vocab/', import.meta.url).pathname;

const f32bytes = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const everyType: [string, Val][] = [
  ['u8', V.u8(250)], ['i8', V.i8(-7)], ['u16', V.u16(65535)], ['i16', V.i16(-300)], ['u32', V.u32(4000000000)],
  ['i32', V.i32(-123456)], ['f32', V.f32(1.5)], ['bool', V.bool(true)], ['str', V.str('héllo ▁ 🦙')],
  ['u64', V.u64(2n ** 63n + 5n)], ['i64', V.i64(-(2n ** 40n))], ['f64', V.f64(Math.PI)],
  ['arr.u8', V.arr('uint8', [V.u8(1), V.u8(2)])], ['arr.i64', V.arr('int64', [V.i64(-1n), V.i64(2n ** 62n)])],
  ['arr.str', V.strs(['a', '', 'ü'])], ['arr.bool', V.arr('bool', [V.bool(false), V.bool(true)])],
  ['arr.nested', V.arr('array', [V.arr('int32', [V.i32(1), V.i32(2)]), V.arr('string', [V.str('x')]), V.arr('array', [V.arr('float64', [V.f64(0.25)])])])],
  ['arr.empty', V.arr('float32', [])], ['bom', V.str('\uFEFFbom')],
];

describe('GGUF reader: versions and value types', () => {
  for (const version of [1, 2, 3] as const) {
    it(`reads every value type from a v${version} file`, () => {
      const bytes = buildGguf({
        version,
        kv: everyType,
        tensors: [{ name: 'w', ne: [3, 2], ggmlType: 0, data: f32bytes([1, 2, 3, 4, 5, 6]) }],
      });
      const f = readGguf(bytes, `v${version}`);
      expect(f.version).toBe(version);
      const m = f.metadata;
      expect(m.size).toBe(everyType.length);
      expect(m.get('u8')).toBe(250);
      expect(m.get('i8')).toBe(-7);
      expect(m.get('u16')).toBe(65535);
      expect(m.get('i16')).toBe(-300);
      expect(m.get('u32')).toBe(4000000000);
      expect(m.get('i32')).toBe(-123456);
      expect(m.get('f32')).toBe(1.5);
      expect(m.get('bool')).toBe(true);
      expect(m.string('str')).toBe('héllo ▁ 🦙');
      expect(m.get('u64')).toBe(2n ** 63n + 5n);
      expect(m.get('i64')).toBe(-(2n ** 40n));
      expect(m.optNumber('i64')).toBe(-(2 ** 40));
      expect(m.get('f64')).toBe(Math.PI);
      expect(m.typeOf('arr.u8')).toBe('array');
      expect([...(m.array('arr.u8', 'uint8').items as Uint8Array)]).toEqual([1, 2]);
      expect([...(m.array('arr.i64').items as BigInt64Array)]).toEqual([-1n, 2n ** 62n]);
      expect(m.optStrings('arr.str')).toEqual(['a', '', 'ü']);
      expect(m.array('arr.bool').items).toEqual([false, true]);
      expect(m.toJSON()['arr.nested']).toEqual([[1, 2], ['x'], [[0.25]]]);
      expect(m.array('arr.empty', 'float32').items.length).toBe(0);
      expect(m.string('bom')).toBe('\uFEFFbom'); // a leading BOM is part of the string
      const t = f.tensorInfo('w');
      expect(t).toMatchObject({ ne: [3, 2], shape: [2, 3], type: 'float32', elements: 6, byteLength: 24, offset: 0 });
      expect(t.fileOffset % 32).toBe(0);
      expect([...f.dequantizeSync('w')]).toEqual([1, 2, 3, 4, 5, 6]);
    });
  }

  it('typed getters name the key when a value has the wrong type or is missing', () => {
    const f = readGguf(buildGguf({ kv: [['s', V.str('x')], ['n', V.u32(1)]] }));
    expect(() => f.metadata.optNumber('s')).toThrow(/metadata 's' must be a number, got string/);
    expect(() => f.metadata.string('missing')).toThrow(/'missing' must be a string, got nothing/);
    expect(() => f.metadata.optArray('n', 'string')).toThrow(KilnError);
    expect(() => f.metadata.optBool('n')).toThrow(/'n' must be a bool/);
  });
});

describe('GGUF reader: tensors', () => {
  const q8 = new Uint8Array(34 * 2); // two Q8_0 blocks
  q8[0] = 0x00; q8[1] = 0x3c; // d = 1.0
  for (let j = 0; j < 32; j++) q8[2 + j] = (j - 16) & 0xff;

  it('honours general.alignment, reverses dims into a row-major shape, and hands out views', async () => {
    const bytes = buildGguf({
      alignment: 64,
      kv: [['general.alignment', V.u32(64)]],
      tensors: [
        { name: 'a', ne: [5], ggmlType: 0, data: f32bytes([1, 2, 3, 4, 5]) },
        { name: 'b', ne: [32, 2], ggmlType: 8, data: q8 },
        { name: 'c', ne: [2, 1, 3], ggmlType: 26, data: new Uint8Array(Int32Array.of(1, -2, 3, -4, 5, -6).buffer) },
      ],
    });
    const f = readGguf(bytes);
    expect(f.alignment).toBe(64);
    expect(f.tensors.map((t) => [t.name, t.offset, t.fileOffset % 64])).toEqual([['a', 0, 0], ['b', 64, 0], ['c', 192, 0]]);
    const view = f.tensorBytesSync('b');
    expect(view.buffer).toBe(bytes.buffer); // zero-copy
    expect(view.byteOffset).toBe(f.tensorInfo('b').fileOffset);
    const t = f.tensorSync('b');
    expect(t.type).toBe('q8_0');
    expect(t.dims).toEqual([2, 32]);
    expect(t.data).toBeInstanceOf(Uint8Array);
    const c = f.tensorSync('c');
    expect(c.type).toBe('int32');
    expect(c.dims).toEqual([3, 1, 2]);
    expect([...(c.data as Int32Array)]).toEqual([1, -2, 3, -4, 5, -6]);
    const deq = f.dequantizeSync('b');
    expect(deq[0]).toBe(-16);
    expect(deq[31]).toBe(15);
    expect(() => f.dequantizeSync('c')).toThrow(/cannot dequantize c: type 'int32' has no dequantizer/);
    expect(() => f.tensorInfo('nope')).toThrow(/no tensor named 'nope'/);
  });

  it('reads from a Blob, a path (growing a small first read), and a URL by range requests', async () => {
    const bytes = new Uint8Array(readFileSync(join(VOCAB, 'ggml-vocab-llama-spm.gguf')));
    const ref = readGguf(bytes);
    const fromBlob = await openGguf(new Blob([bytes]));
    expect(fromBlob.metadata.optStrings('tokenizer.ggml.tokens')).toEqual(ref.metadata.optStrings('tokenizer.ggml.tokens'));
    const fromPath = await openGguf(join(VOCAB, 'ggml-vocab-llama-spm.gguf'), { initialRead: 100 });
    expect(fromPath.metadata.keys()).toEqual(ref.metadata.keys());
    expect(fromPath.inMemory).toBe(false);
    await fromPath.close();

    const model = new Uint8Array(readFileSync(join(LLM, 'stories260K.gguf')));
    const requests: string[] = [];
    let served = 0;
    const server = createServer((req, res) => {
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')!;
      const [a, b] = [Number(m[1]), Math.min(Number(m[2]), model.length - 1)];
      requests.push(`${a}-${b}`);
      served += b - a + 1;
      res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${model.length}`, 'content-length': b - a + 1 });
      res.end(model.subarray(a, b + 1));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const f = await openGguf(`http://127.0.0.1:${port}/stories260K.gguf`, { initialRead: 4096 });
      expect(f.metadata.string('general.architecture')).toBe('llama');
      expect(f.tensors.length).toBe(48);
      const norm = await f.dequantize('output_norm.weight');
      expect([...norm]).toEqual([...readGguf(model).dequantizeSync('output_norm.weight')]);
      expect(served).toBeLessThan(model.length / 4); // header + one small tensor, not the whole file
      expect(requests.length).toBeGreaterThan(2);
    } finally {
      server.close();
    }
  });

  it('copes with servers that hide Content-Range (HEAD gives the size) or ignore ranges (whole body)', async () => {
    const model = new Uint8Array(readFileSync(join(LLM, 'stories260K-mixq.gguf')));
    for (const mode of ['no-content-range', 'no-ranges'] as const) {
      const server = createServer((req, res) => {
        if (req.method === 'HEAD') { res.writeHead(200, { 'content-length': model.length }); res.end(); return; }
        const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
        if (mode === 'no-ranges' || !m) { res.writeHead(200, { 'content-length': model.length }); res.end(model); return; }
        const [a, b] = [Number(m[1]), Math.min(Number(m[2]), model.length - 1)];
        res.writeHead(206, { 'content-length': b - a + 1 });
        res.end(model.subarray(a, b + 1));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const f = await openGguf(`http://127.0.0.1:${(server.address() as { port: number }).port}/m.gguf`);
        expect(f.shards[0]!.size).toBe(model.length);
        expect([...(await f.dequantize('token_embd.weight')).subarray(0, 64)]).toEqual([...readGguf(model).dequantizeSync('token_embd.weight').subarray(0, 64)]);
      } finally {
        server.close();
      }
    }
  });

  it('reads a tensor stored past 4 GiB in a virtual 5 GiB file, without a buffer that large', async () => {
    const far = 4.5 * 2 ** 30;
    const header = buildGguf({ headerOnly: true, tensors: [{ name: 'near', ne: [4], ggmlType: 0, data: f32bytes([1, 2, 3, 4]) }, { name: 'far', ne: [4], ggmlType: 0, data: new Uint8Array(0), offset: far }] });
    const dataOffset = walkGguf(header).dataOffset;
    expect(dataOffset).toBe(header.length);
    const size = 5 * 2 ** 30;
    let largest = 0;
    const src: ByteSource = {
      size,
      name: 'virtual-5GiB.gguf',
      read: async (offset, length) => {
        largest = Math.max(largest, length);
        const out = new Uint8Array(length);
        for (let i = 0; i < length; i++) {
          const p = offset + i;
          out[i] = p < header.length ? header[p]! : p >= dataOffset + far ? ((p - dataOffset - far) % 7) + 1 : 0;
        }
        return out;
      },
    };
    const f = await openGguf(src);
    const t = f.tensorInfo('far');
    expect(t.fileOffset).toBe(dataOffset + far);
    expect([...(await f.tensorBytes('far'))]).toEqual([...Array(16).keys()].map((i) => (i % 7) + 1));
    expect(largest).toBeLessThan(4 << 20);
  });
});

describe('GGUF reader: split models', () => {
  const shard = (no: number, count: number, tensors: { name: string; v: number[] }[], extra: [string, Val][] = []) => buildGguf({
    kv: [...extra, ['split.no', V.u16(no)], ['split.count', V.u16(count)], ['split.tensors.count', V.i32(3)]],
    tensors: tensors.map((t) => ({ name: t.name, ne: [t.v.length], ggmlType: 0, data: f32bytes(t.v) })),
  });
  const parts = [
    shard(0, 3, [{ name: 'a', v: [1, 2] }], [['general.architecture', V.str('llama')]]),
    shard(1, 3, [{ name: 'b', v: [3] }]),
    shard(2, 3, [{ name: 'c', v: [4, 5, 6] }]),
  ];

  it('finds the other files by name next to the first one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-gguf-split-'));
    parts.forEach((p, i) => writeFileSync(join(dir, `m-0000${i + 1}-of-00003.gguf`), p));
    const f = await openGguf(join(dir, 'm-00001-of-00003.gguf'));
    expect(f.shards.length).toBe(3);
    expect(f.metadata.string('general.architecture')).toBe('llama');
    expect(f.tensors.map((t) => [t.name, t.shard])).toEqual([['a', 0], ['b', 1], ['c', 2]]);
    expect([...(await f.dequantize('c'))]).toEqual([4, 5, 6]);
    await f.close();
  });

  it('takes the files as an array, and refuses a lone piece or a wrong order', async () => {
    const f = await openGguf(parts.map((p) => new Blob([p])));
    expect([...(await f.dequantize('b'))]).toEqual([3]);
    await expect(openGguf(new Blob([parts[0]!]))).rejects.toThrow(/split 3 ways; pass all of its files/);
    await expect(openGguf([parts[0]!, parts[2]!, parts[1]!].map((p) => bytesSource(p)))).rejects.toThrow(/expected split 2 of 3/);
    await expect(openGguf([parts[0]!, parts[1]!])).rejects.toThrow(/split 3 ways but 2 files were given/);
  });
});

describe('GGUF reader: the real models', () => {
  it('stories260K.gguf: llama metadata and 48 f32 tensors', () => {
    const f = readGguf(new Uint8Array(readFileSync(join(LLM, 'stories260K.gguf'))));
    expect(f.version).toBe(3);
    expect(f.metadata.string('general.architecture')).toBe('llama');
    expect(f.metadata.number('llama.embedding_length')).toBe(64);
    expect(f.tensors.length).toBe(48);
    expect(new Set(f.tensors.map((t) => t.type))).toEqual(new Set(['float32']));
    expect(f.tensorInfo('token_embd.weight').shape).toEqual([512, 64]);
  });

  it('stories260K-mixq.gguf: F32, F16, Q4_0, Q5_0 and Q8_0 tensors, all dequantizable', () => {
    const f = readGguf(new Uint8Array(readFileSync(join(LLM, 'stories260K-mixq.gguf'))));
    const hist: Record<string, number> = {};
    for (const t of f.tensors) hist[t.type] = (hist[t.type] ?? 0) + 1;
    expect(hist).toEqual({ float32: 11, float16: 5, q4_0: 1, q8_0: 3, q5_0: 28 });
    for (const t of f.tensors) expect(f.dequantizeSync(t.name).every(Number.isFinite)).toBe(true);
  });
});
