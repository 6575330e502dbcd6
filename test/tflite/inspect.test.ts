/** `kiln inspect` for .tflite files: subgraphs, signatures, quantization, op histogram, metadata names. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTfliteInspection, inspectTfliteBytes } from '../../src/cli/tflite-inspect.js';
import { TFLITE_ROOT } from './seanet.js';

const read = (rel: string) => new Uint8Array(readFileSync(join(TFLITE_ROOT, rel)));

describe('kiln inspect (tflite)', () => {
  it('reports signatures, subgraphs and metadata of a multi-signature model', () => {
    const i = inspectTfliteBytes('multi_signature_model.tflite', read('litert/js/multi_signature_model.tflite'));
    expect(i.subgraphs.map((s) => s.name)).toEqual(['add', 'mul', 'sub']);
    expect(i.signatures.map((s) => [s.key, s.subgraph, Object.keys(s.inputs)])).toEqual([['add', 0, ['a', 'b']], ['mul', 1, ['a', 'b']], ['sub', 2, ['a', 'b']]]);
    expect(i.ops).toEqual({ ADD: 1, MUL: 1, SUB: 1 });
    expect(i.metadata.map((m) => m.name)).toEqual(['min_runtime_version', 'CONVERSION_METADATA']);
  });

  it('shows per-tensor and per-channel quantization and custom op names', () => {
    const i = inspectTfliteBytes('person_detect.tflite', read('tflite-micro/examples/person_detection/models/person_detect.tflite'));
    const tensors = i.subgraphs[0]!.tensors;
    expect(tensors.find((t) => t.name === 'input')!.quant).toBe('scale 0.00784314 zp -1');
    expect(tensors.some((t) => t.quant?.startsWith('per-channel'))).toBe(true);
    expect(i.ops).toEqual({ DEPTHWISE_CONV_2D: 14, CONV_2D: 14, AVERAGE_POOL_2D: 1, RESHAPE: 1, SOFTMAX: 1 });
    const text = formatTfliteInspection(inspectTfliteBytes('audio.tflite', read('tflite-micro/examples/micro_speech/models/audio_preprocessor_int8.tflite')), { tensors: true });
    expect(text).toContain('CUSTOM:SignalRfft');
    expect(text).toContain('tensors:');
  });
});

describe('kiln inspect (tflite) command helpers', () => {
  it('recognises .tflite paths by extension or identifier and prints JSON on request', async () => {
    const { inspectTfliteCommand, isTflitePath } = await import('../../src/cli/tflite-inspect.js');
    expect(await isTflitePath(join(TFLITE_ROOT, 'litert/tflite_testdata/add.bin'))).toBe(true);
    expect(await isTflitePath(join(TFLITE_ROOT, 'litert/java_testdata/invalid_model.bin'))).toBe(false);
    const json = JSON.parse(await inspectTfliteCommand(join(TFLITE_ROOT, 'litert/tflite_testdata/add.bin'), { json: true })) as { ops: Record<string, number> };
    expect(json.ops).toEqual({ ADD: 2 });
  });
});
