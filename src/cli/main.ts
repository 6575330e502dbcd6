/**
 * The `kiln` command line.
 *
 *   kiln inspect <model> [--json] [--tensors]   (.onnx, .tflite, .gguf)
 *   kiln run <model> --input [name=]file.npy|file.pb … [--backend reference] --out dir
 *   kiln tokenize <model.gguf> "text" | --file text.txt [--add-special] [--parse-special]
 *
 * `run` writes one .npy per output into --out and prints one JSON object to stdout:
 *   {"outputs":[{"name","file","dtype","dims"}],"backends":{"reference":12}}
 * (`file` relative to --out). Tools call it this way: keep that shape stable. Errors: one line on
 * stderr, exit code 1 (2 for usage errors).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession, KilnError, Tensor } from '../index.js';
import { readTensorProto } from '../formats/onnx/index.js';
import { inspectGguf, isGgufPath } from './gguf-inspect.js';
import { inspectModel, formatInspection } from './inspect.js';
import { inspectTfliteCommand, isTflitePath } from './tflite-inspect.js';
import { HOST_USAGE, hostCommand } from './host.js';
import { TOKENIZE_USAGE, tokenizeCommand } from './tokenize.js';
import { GENERATE_USAGE, generateCommand } from './generate.js';
import { isNpy, readNpy, writeNpy } from './npy.js';

const USAGE = `usage:
  kiln inspect <model> [--json] [--tensors]
  kiln run <model> --input [name=]file.npy|file.pb ... [--backend reference[,wasm,...]] --out <dir>
  ${TOKENIZE_USAGE}
  ${GENERATE_USAGE}
  ${HOST_USAGE}`;

class UsageError extends Error {}

interface RunArgs { model: string; inputs: { name?: string; file: string }[]; backends: string[]; out: string }

function parseRun(argv: string[]): RunArgs {
  const [model, ...rest] = argv;
  if (!model) throw new UsageError('run: missing <model>');
  const a: RunArgs = { model, inputs: [], backends: ['reference'], out: '' };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const value = rest[i + 1];
    if (flag === '--input' || flag === '-i') {
      if (!value) throw new UsageError('--input needs a value');
      const eq = value.indexOf('=');
      a.inputs.push(eq > 0 ? { name: value.slice(0, eq), file: value.slice(eq + 1) } : { file: value });
      i++;
    } else if (flag === '--backend' || flag === '-b') {
      if (!value) throw new UsageError('--backend needs a value');
      a.backends = value.split(',');
      i++;
    } else if (flag === '--out' || flag === '-o') {
      if (!value) throw new UsageError('--out needs a value');
      a.out = value;
      i++;
    } else throw new UsageError(`run: unknown argument '${flag}'`);
  }
  if (!a.out) throw new UsageError('run: --out <dir> is required');
  return a;
}

async function readInput(file: string): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new KilnError('E_IO', `cannot read input file '${file}': ${(e as Error).message}`);
  }
  if (isNpy(bytes)) return readNpy(bytes, file);
  if (file.endsWith('.pb')) return readTensorProto(bytes);
  throw new KilnError('E_INPUT_INVALID', `input '${file}' is neither a .npy file nor a TensorProto .pb`);
}

/** File name for an output: the value name made safe for any file system. */
const fileNameFor = (name: string, i: number): string => `${name.replace(/[^A-Za-z0-9._-]/g, '_') || `output_${i}`}.npy`;

async function run(argv: string[]): Promise<void> {
  const a = parseRun(argv);
  const session = await InferenceSession.create(a.model, { backends: a.backends });
  const names = session.inputNames;
  const feeds: Record<string, Tensor> = {};
  let positional = 0;
  for (const inp of a.inputs) {
    const name = inp.name ?? names[positional++];
    if (name === undefined) throw new KilnError('E_INPUT_INVALID', `more --input files than model inputs (${names.length}: ${names.join(', ')})`);
    if (feeds[name]) throw new KilnError('E_INPUT_INVALID', `input '${name}' given twice`);
    feeds[name] = await readInput(inp.file);
  }
  const result = await session.run(feeds);
  await mkdir(a.out, { recursive: true });
  const outputs = [];
  const used = new Set<string>();
  for (const [i, name] of session.outputNames.entries()) {
    const t = result[name];
    if (!(t instanceof Tensor)) throw new KilnError('E_TYPE_UNSUPPORTED', `output '${name}' is not a tensor; the CLI writes tensors only`);
    let file = fileNameFor(name, i);
    while (used.has(file)) file = file.replace(/\.npy$/, `_${i}.npy`);
    used.add(file);
    await writeFile(join(a.out, file), writeNpy(t));
    outputs.push({ name, file, dtype: t.type, dims: t.dims });
  }
  process.stdout.write(JSON.stringify({ outputs, backends: session.backendSummary }) + '\n');
  await session.release();
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'inspect') {
      const model = rest.find((x) => !x.startsWith('--'));
      if (!model) throw new UsageError('inspect: missing <model>');
      if (await isTflitePath(model)) {
        process.stdout.write(await inspectTfliteCommand(model, { json: rest.includes('--json'), tensors: rest.includes('--tensors') }));
        return 0;
      }
      if (await isGgufPath(model)) {
        process.stdout.write(await inspectGguf(model, { json: rest.includes('--json') }));
        return 0;
      }
      const info = await inspectModel(model);
      process.stdout.write(rest.includes('--json') ? JSON.stringify(info, null, 1) + '\n' : formatInspection(info));
      return 0;
    }
    if (cmd === 'run') {
      await run(rest);
      return 0;
    }
    if (cmd === 'host') return await hostCommand(rest);
    if (cmd === 'tokenize') {
      await tokenizeCommand(rest);
      return 0;
    }
    if (cmd === 'generate') {
      await generateCommand(rest);
      return 0;
    }
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(USAGE + '\n');
      return cmd === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${cmd}'`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`kiln: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    const msg = e instanceof KilnError ? e.message.split('\n').join(' | ') : `internal error: ${(e as Error)?.stack ?? e}`;
    process.stderr.write(`kiln: ${msg}\n`);
    return 1;
  }
}
