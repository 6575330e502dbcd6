/**
 * `kiln inspect model.tflite`: what a TFLite file holds, read straight from the FlatBuffer (nothing is
 * lowered, planned or run, so it works for models Kiln cannot run): subgraphs, signatures, tensors
 * with their quantization, the op histogram, and metadata names.
 */
import { open, readFile } from 'node:fs/promises';
import { KilnError } from '../engine/errors.js';
import { builtinName, looksLikeTflite, quantOf, readModel, tfliteTypeName, type TensorRaw } from '../formats/tflite/index.js';

export interface TfliteTensorInfo {
  index: number; name: string; type: string; shape: number[]; shapeSignature?: number[];
  /** Bytes of constant data (0 for activations). */
  bytes: number;
  variable?: boolean; sparse?: boolean;
  /** "scale 0.0039 zp -128", or "per-channel (64 scales, axis 0)". */
  quant?: string;
}

export interface TfliteInspection {
  file: string;
  format: 'tflite';
  schemaVersion: number;
  description: string;
  subgraphs: { index: number; name: string; inputs: number[]; outputs: number[]; operators: number; tensors: TfliteTensorInfo[] }[];
  signatures: { key: string; subgraph: number; inputs: Record<string, number>; outputs: Record<string, number> }[];
  ops: Record<string, number>;
  metadata: { name: string; bytes: number }[];
  constantBytes: number;
}

const quantText = (t: TensorRaw): string | undefined => {
  if (t.quant && t.quant.detailsType !== 0) return `quantization details type ${t.quant.detailsType} (${t.quant.detailsType === 2 ? 'blockwise' : 'custom'})`;
  const q = quantOf(t);
  if (!q) return undefined;
  if (q.axis !== undefined) return `per-channel (${q.scale.length} scales, axis ${q.axis})`;
  return `scale ${q.scale[0]!.toPrecision(6)} zp ${q.zeroPoint[0]}`;
};

export function inspectTfliteBytes(file: string, bytes: Uint8Array): TfliteInspection {
  const m = readModel(bytes);
  const ops: Record<string, number> = {};
  let constantBytes = 0;
  const subgraphs = m.subgraphs.map((sg, index) => {
    for (const op of sg.operators) {
      const code = m.operatorCodes[op.opcodeIndex];
      const name = !code ? `(bad opcode ${op.opcodeIndex})` : code.builtin === 32 ? `CUSTOM:${code.custom ?? '?'}` : builtinName(code.builtin);
      ops[name] = (ops[name] ?? 0) + 1;
    }
    const tensors = sg.tensors.map((t): TfliteTensorInfo => {
      const data = m.buffers[t.buffer]?.byteLength ?? 0;
      constantBytes += data;
      return {
        index: t.index, name: t.name, type: tfliteTypeName(t.type), shape: t.shape,
        ...(t.shapeSignature && t.shapeSignature.some((d) => d < 0) ? { shapeSignature: t.shapeSignature } : {}),
        bytes: data, ...(t.isVariable ? { variable: true } : {}), ...(t.sparsity ? { sparse: true } : {}),
        ...(quantText(t) ? { quant: quantText(t) } : {}),
      };
    });
    return { index, name: sg.name, inputs: sg.inputs, outputs: sg.outputs, operators: sg.operators.length, tensors };
  });
  return {
    file, format: 'tflite', schemaVersion: m.version, description: m.description, subgraphs,
    signatures: m.signatures.map((s) => ({
      key: s.key, subgraph: s.subgraphIndex,
      inputs: Object.fromEntries(s.inputs.map((x) => [x.name, x.tensorIndex])), outputs: Object.fromEntries(s.outputs.map((x) => [x.name, x.tensorIndex])),
    })),
    ops: Object.fromEntries(Object.entries(ops).sort((a, b) => b[1] - a[1])),
    metadata: m.metadata.map((x) => ({ name: x.name, bytes: m.buffers[x.buffer]?.byteLength ?? 0 })),
    constantBytes,
  };
}

export async function inspectTflite(file: string): Promise<TfliteInspection> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new KilnError('E_IO', `cannot read '${file}': ${(e as Error).message}`);
  }
  return inspectTfliteBytes(file, bytes);
}

export const isTfliteFile = (bytes: Uint8Array): boolean => looksLikeTflite(bytes);

/** Whether a path names a .tflite file (by extension, else by its "TFL3" identifier). */
export async function isTflitePath(file: string): Promise<boolean> {
  if (file.toLowerCase().endsWith('.tflite')) return true;
  try {
    const h = await open(file, 'r');
    try {
      const head = new Uint8Array(8);
      await h.read(head, 0, 8, 0);
      return looksLikeTflite(head);
    } finally {
      await h.close();
    }
  } catch {
    return false;
  }
}

/** Human-readable report; `tensors` lists every tensor (otherwise only subgraph inputs and outputs). */
export function formatTfliteInspection(i: TfliteInspection, opts: { tensors?: boolean } = {}): string {
  const shape = (t: TfliteTensorInfo) => `${t.type.toLowerCase()}[${(t.shapeSignature ?? t.shape).map((d) => (d < 0 ? '?' : d)).join(',')}]`;
  const line = (t: TfliteTensorInfo) => `    #${t.index} ${t.name || '(unnamed)'}: ${shape(t)}${t.quant ? `  ${t.quant}` : ''}${t.bytes ? `  const ${t.bytes} B` : ''}${t.variable ? '  variable' : ''}${t.sparse ? '  sparse' : ''}`;
  const out = [`${i.file}: tflite (schema v${i.schemaVersion})${i.description ? `, ${i.description}` : ''}`];
  for (const sg of i.subgraphs) {
    out.push(`subgraph ${sg.index}${sg.name ? ` '${sg.name}'` : ''}: ${sg.operators} operators, ${sg.tensors.length} tensors`);
    const byIndex = (k: number) => sg.tensors[k];
    out.push('  inputs:', ...sg.inputs.map((k) => (byIndex(k) ? line(byIndex(k)!) : `    #${k} (missing)`)));
    out.push('  outputs:', ...sg.outputs.map((k) => (byIndex(k) ? line(byIndex(k)!) : `    #${k} (missing)`)));
    if (opts.tensors) out.push('  tensors:', ...sg.tensors.map(line));
  }
  out.push(`signatures: ${i.signatures.length ? '' : 'none'}`);
  for (const s of i.signatures) {
    const io = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k}=#${v}`).join(', ');
    out.push(`  ${s.key} (subgraph ${s.subgraph}): in ${io(s.inputs)}; out ${io(s.outputs)}`);
  }
  out.push(`ops: ${Object.values(i.ops).reduce((a, b) => a + b, 0)}`, ...Object.entries(i.ops).map(([op, n]) => `  ${String(n).padStart(5)}  ${op}`));
  out.push(`metadata: ${i.metadata.length ? i.metadata.map((m) => `${m.name} (${m.bytes} B)`).join(', ') : 'none'}`);
  out.push(`constant data: ${(i.constantBytes / 1048576).toFixed(2)} MiB (${i.constantBytes} bytes)`);
  return out.join('\n') + '\n';
}

/** The `kiln inspect` output for a .tflite path: text, or JSON with `json`; `tensors` lists every tensor. */
export async function inspectTfliteCommand(path: string, opts: { json?: boolean; tensors?: boolean } = {}): Promise<string> {
  const info = await inspectTflite(path);
  return opts.json ? JSON.stringify(info, null, 1) + '\n' : formatTfliteInspection(info, opts);
}
