/** The TFLite reader and lowering on handcrafted models (built with tflite-build.ts). */
import { describe, expect, it } from 'vitest';
import { InferenceSession, KilnError, Tensor } from '../../src/index.js';
import { loadTflite, looksLikeTflite } from '../../src/formats/tflite/index.js';
import { buildTflite, f32Bytes, i32Bytes, type ModelSpec } from './tflite-build.js';

const ADD = 0, WHILE = 119, LESS = 58, GELU = 150, CUSTOM = 32;
const addOptions = { optionsType: 11, options: [{ s: 'u8' as const, v: 0 }] };

async function run(bytes: Uint8Array, feeds: Record<string, Tensor>, opts: { signature?: string } = {}): Promise<Record<string, Tensor>> {
  const s = await InferenceSession.fromModel(await loadTflite(bytes, opts), { backends: ['reference'] });
  return s.run(feeds);
}

const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: unknown) => (e instanceof KilnError ? e.code : `not a KilnError: ${e}`));

/** y = x + c, with the constant stored in the FlatBuffer or after it. */
const addModel = (external: boolean): ModelSpec => ({
  codes: [{ builtin: ADD }],
  buffers: [external ? { external: f32Bytes([10, 20]) } : f32Bytes([10, 20])],
  subgraphs: [{
    tensors: [{ name: 'x', shape: [2] }, { name: 'c', shape: [2], buffer: 1 }, { name: 'y', shape: [2] }],
    inputs: [0], outputs: [2], ops: [{ code: 0, inputs: [0, 1], outputs: [2], ...addOptions }],
  }],
});

describe('TFLite reader', () => {
  it('sniffs the TFL3 identifier', () => {
    expect(looksLikeTflite(buildTflite(addModel(false)))).toBe(true);
    expect(looksLikeTflite(new Uint8Array([8, 1, 2, 3, 0, 0, 0, 0]))).toBe(false);
  });

  it('reads constants stored inside the FlatBuffer and after it (Buffer.offset/size)', async () => {
    for (const external of [false, true]) {
      const y = (await run(buildTflite(addModel(external)), { x: new Tensor('float32', [1, 2], [2]) })).y!;
      expect(Array.from(y.data as Float32Array)).toEqual([11, 22]);
    }
  });

  it('takes the builtin code from builtin_code when deprecated_builtin_code holds the placeholder', async () => {
    const m = await loadTflite(buildTflite({
      codes: [{ builtin: GELU, deprecated: 127 }],
      subgraphs: [{ tensors: [{ name: 'x', shape: [1] }, { name: 'y', shape: [1] }], inputs: [0], outputs: [1], ops: [{ code: 0, inputs: [0], outputs: [1] }] }],
    }));
    expect(m.graph.nodes[0]!.opType).toBe('GELU');
  });

  it('lowers a signature: its subgraph, its input and output names, and refuses unknown keys', async () => {
    const spec: ModelSpec = {
      codes: [{ builtin: ADD }],
      subgraphs: [0, 1].map(() => ({
        tensors: [{ name: 't_b', shape: [1] }, { name: 't_a', shape: [1] }, { name: 't_out', shape: [1] }],
        inputs: [0, 1], outputs: [2], ops: [{ code: 0, inputs: [1, 0], outputs: [2], ...addOptions }],
      })),
      signatures: [{ key: 'first', subgraph: 0, inputs: [['a', 1], ['b', 0]], outputs: [['sum', 2]] }, { key: 'second', subgraph: 1, inputs: [['p', 1], ['q', 0]], outputs: [['r', 2]] }],
      metadata: [['min_runtime_version', 1]],
      buffers: [Array.from(new TextEncoder().encode('2.14.0\0\0'))],
    };
    const bytes = buildTflite(spec);
    const m = await loadTflite(bytes);
    expect(m.signature).toBe('first');
    expect(m.signatures.map((s) => s.key)).toEqual(['first', 'second']);
    expect(m.graph.inputs.map((i) => i.name)).toEqual(['b', 'a']);
    expect(m.metadata.get('min_runtime_version')).toBe('2.14.0');
    const out = await run(bytes, { p: new Tensor('float32', [1], [1]), q: new Tensor('float32', [2], [1]) }, { signature: 'second' });
    expect(Array.from(out.r!.data as Float32Array)).toEqual([3]);
    expect(await code(loadTflite(bytes, { signature: 'third' }))).toBe('E_INPUT_INVALID');
  });

  it('densifies a sparse (CSR) constant', async () => {
    // [[0, 1, 0], [2, 0, 3]] as CSR: row segments [0, 1, 3], column indices [1, 0, 2].
    const sparsity = [
      { vec: 'i32' as const, v: [0, 1] }, undefined,
      { tables: [[undefined, { s: 'i32' as const, v: 2 }], [{ s: 'i8' as const, v: 1 }, undefined, { s: 'u8' as const, v: 1 }, { table: [{ vec: 'i32' as const, v: [0, 1, 3] }] }, { s: 'u8' as const, v: 1 }, { table: [{ vec: 'i32' as const, v: [1, 0, 2] }] }]] },
    ];
    const bytes = buildTflite({
      codes: [{ builtin: ADD }], buffers: [f32Bytes([1, 2, 3])],
      subgraphs: [{
        tensors: [{ name: 'x', shape: [2, 3] }, { name: 'w', shape: [2, 3], buffer: 1, sparsity }, { name: 'y', shape: [2, 3] }],
        inputs: [0], outputs: [2], ops: [{ code: 0, inputs: [0, 1], outputs: [2], ...addOptions }],
      }],
    });
    const y = (await run(bytes, { x: new Tensor('float32', new Float32Array(6), [2, 3]) })).y!;
    expect(Array.from(y.data as Float32Array)).toEqual([0, 1, 0, 2, 0, 3]);
  });

  it('runs WHILE through its cond and body subgraphs, and rejects a subgraph that calls itself', async () => {
    const whileOp = (cond: number, body: number) => ({ code: 0, inputs: [0], outputs: [1], optionsType: 93, options: [{ s: 'i32' as const, v: cond }, { s: 'i32' as const, v: body }] });
    const spec = (cond: number, body: number): ModelSpec => ({
      codes: [{ builtin: WHILE }, { builtin: LESS }, { builtin: ADD }],
      buffers: [f32Bytes([10]), f32Bytes([1])],
      subgraphs: [
        { tensors: [{ name: 'x', shape: [] }, { name: 'y', shape: [] }], inputs: [0], outputs: [1], ops: [whileOp(cond, body)] },
        { tensors: [{ name: 'i', shape: [] }, { name: 'limit', shape: [], buffer: 1 }, { name: 'go', shape: [], type: 6 }], inputs: [0], outputs: [2], ops: [{ code: 1, inputs: [0, 1], outputs: [2] }] },
        { tensors: [{ name: 'i', shape: [] }, { name: 'one', shape: [], buffer: 2 }, { name: 'next', shape: [] }], inputs: [0], outputs: [2], ops: [{ code: 2, inputs: [0, 1], outputs: [2], ...addOptions }] },
      ],
    });
    const y = (await run(buildTflite(spec(1, 2)), { x: new Tensor('float32', [0.5], []) })).y!;
    expect(Array.from(y.data as Float32Array)).toEqual([10.5]);
    expect(await code(loadTflite(buildTflite(spec(1, 0))))).toBe('E_MODEL_INVALID');
  });

  it('runs IF on its then/else subgraphs', async () => {
    const IF = 118, MUL = 18;
    const branch = (k: number) => ({
      tensors: [{ name: 'v', shape: [1] }, { name: 'k', shape: [1], buffer: k }, { name: 'r', shape: [1] }], inputs: [0], outputs: [2],
      ops: [{ code: 1, inputs: [0, 1], outputs: [2], optionsType: 21, options: [{ s: 'u8' as const, v: 0 }] }],
    });
    const bytes = buildTflite({
      codes: [{ builtin: IF }, { builtin: MUL }], buffers: [f32Bytes([2]), f32Bytes([3])],
      subgraphs: [
        { tensors: [{ name: 'c', shape: [], type: 6 }, { name: 'x', shape: [1] }, { name: 'y', shape: [1] }], inputs: [0, 1], outputs: [2], ops: [{ code: 0, inputs: [0, 1], outputs: [2], optionsType: 92, options: [{ s: 'i32' as const, v: 1 }, { s: 'i32' as const, v: 2 }] }] },
        branch(1), branch(2),
      ],
    });
    for (const [c, want] of [[1, 10], [0, 15]] as const) {
      const y = (await run(bytes, { c: new Tensor('bool', [c], []), x: new Tensor('float32', [5], [1]) })).y!;
      expect(Array.from(y.data as Float32Array)).toEqual([want]);
    }
  });

  it('names an unknown custom op when it cannot run, and refuses resource tensors at load', async () => {
    const custom = buildTflite({
      codes: [{ builtin: CUSTOM, custom: 'MyVendorOp' }],
      subgraphs: [{ tensors: [{ name: 'x', shape: [1] }, { name: 'y', shape: [1] }], inputs: [0], outputs: [1], ops: [{ code: 0, inputs: [0], outputs: [1], custom: [1, 2, 3] }] }],
    });
    const err = await InferenceSession.fromModel(await loadTflite(custom)).catch((e: KilnError) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('E_OP_UNSUPPORTED');
    expect((err as KilnError).message).toContain('MyVendorOp');
    const resource = buildTflite({ codes: [], subgraphs: [{ tensors: [{ name: 'v', shape: [], type: 13 }], inputs: [0], outputs: [0], ops: [] }] });
    expect(await code(loadTflite(resource))).toBe('E_TYPE_UNSUPPORTED');
  });

  it('keeps constant int32 data exact and checks buffer sizes against shapes', async () => {
    const spec = (data: number[]): ModelSpec => ({
      codes: [{ builtin: ADD }], buffers: [data],
      subgraphs: [{ tensors: [{ name: 'x', type: 2, shape: [2] }, { name: 'c', type: 2, shape: [2], buffer: 1 }, { name: 'y', type: 2, shape: [2] }], inputs: [0], outputs: [2], ops: [{ code: 0, inputs: [0, 1], outputs: [2], ...addOptions }] }],
    });
    const y = (await run(buildTflite(spec(i32Bytes([2 ** 31 - 2, -5]))), { x: new Tensor('int32', [1, 1], [2]) })).y!;
    expect(Array.from(y.data as Int32Array)).toEqual([2 ** 31 - 1, -4]);
    expect(await code(loadTflite(buildTflite(spec(i32Bytes([1])))))).toBe('E_MODEL_MALFORMED');
  });
});
