/** The benchmark models of ../shared/models: paths and test inputs (NumPy .npy files, per io.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MODELS_DIR = new URL('../../shared/models/', import.meta.url).pathname;
export const MODELS = ['mobilenet_v2', 'resnet18', 'squeezenet1_1', 'bert_like'] as const;

export interface Input { name: string; type: 'float32' | 'int64'; dims: number[]; data: Float32Array | BigInt64Array }

interface IoEntry { name: string; file: string; dtype: string; shape: number[] }

function npyData(path: string): ArrayBuffer {
  const b = readFileSync(path);
  const headerLen = b.readUInt16LE(8);
  const body = b.subarray(10 + headerLen);
  return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
}

export function modelInputs(model: string): { path: string; inputs: Input[]; expected: Float32Array } {
  const dir = join(MODELS_DIR, model);
  const io = JSON.parse(readFileSync(join(dir, 'io.json'), 'utf8')) as { inputs: IoEntry[]; outputs: IoEntry[] };
  const inputs = io.inputs.map((e): Input => {
    const ab = npyData(join(dir, e.file));
    return e.dtype === 'int64'
      ? { name: e.name, type: 'int64', dims: e.shape, data: new BigInt64Array(ab) }
      : { name: e.name, type: 'float32', dims: e.shape, data: new Float32Array(ab) };
  });
  return { path: join(dir, 'model.onnx'), inputs, expected: new Float32Array(npyData(join(dir, io.outputs[0]!.file))) };
}
