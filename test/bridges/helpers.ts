/**
 * Shared pieces of the bridge tests: a model repository built in a temp folder from the ONNX conformance
 * data (copied at test time, never into the repo), a host on 127.0.0.1 port 0, raw HTTP requests (no URL
 * normalisation, any header), and each conformance case's inputs and expected outputs.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src/index.js';
import { loadOnnx, readTensorProto } from '../../src/formats/onnx/index.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { startHost, type HostOptions, type RunningHost } from '../../src/bridges/host/index.js';

export const ONNX = new URL('../../../shared/conformance/onnx/', import.meta.url).pathname;
export const TOKEN = 'test-token-0123456789abcdef';

/** A repository folder: model name → conformance case (e.g. 'node/test_add') or ONNX bytes. */
export function makeRepo(models: Readonly<Record<string, string | Uint8Array>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-repo-'));
  for (const [name, src] of Object.entries(models)) {
    mkdirSync(join(dir, name, '1'), { recursive: true });
    const target = join(dir, name, '1', 'model.onnx');
    if (typeof src === 'string') copyFileSync(modelFile(src), target);
    else writeFileSync(target, src);
  }
  return dir;
}

export const modelFile = (id: string): string => (id.startsWith('light/') ? join(ONNX, `${id}.onnx`) : join(ONNX, id, 'model.onnx'));

export async function testHost(repo: string, o: Partial<HostOptions> = {}): Promise<RunningHost> {
  return startHost({ repo, token: TOKEN, port: 0, ...o });
}

/** Inputs and expected outputs of a conformance case, by name. */
export async function conformanceCase(id: string): Promise<{ feeds: Record<string, Tensor>; expected: Record<string, Tensor> }> {
  const dir = join(ONNX, id);
  const model = await loadOnnx(new Uint8Array(readFileSync(join(dir, 'model.onnx'))));
  const g = model.graph;
  const data = join(dir, 'test_data_set_0');
  const inputs = g.inputs.filter((i) => !g.initializers.has(i.name));
  const feeds: Record<string, Tensor> = {};
  inputs.forEach((inp, i) => {
    const f = join(data, `input_${i}.pb`);
    if (existsSync(f)) feeds[inp.name] = readTensorProto(new Uint8Array(readFileSync(f)));
  });
  const expected: Record<string, Tensor> = {};
  const outs = readdirSync(data).filter((f) => f.startsWith('output_')).length;
  for (let i = 0; i < outs; i++) expected[g.outputs[i]!.name] = readTensorProto(new Uint8Array(readFileSync(join(data, `output_${i}.pb`))));
  return { feeds, expected };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): any;
}

/** One HTTP request exactly as given (path not normalised), with the test token unless `token: null`. */
export function raw(url: string, o: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array | string; token?: string | null }): Promise<RawAnswer> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...o.headers };
  const token = o.token === undefined ? TOKEN : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const body = typeof o.body === 'string' ? Buffer.from(o.body) : o.body ? Buffer.from(o.body) : undefined;
  if (body && headers['content-length'] === undefined) headers['content-length'] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: o.method ?? 'GET', path: o.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: b, json: () => JSON.parse(b.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Max |a - b| over two tensors of the same shape (NaN when shapes or types differ). */
export function maxDiff(a: Tensor, b: Tensor): number {
  if (a.type !== b.type || a.dims.join() !== b.dims.join()) return NaN;
  const x = a.data as ArrayLike<number | bigint | string>;
  const y = b.data as ArrayLike<number | bigint | string>;
  let d = 0;
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] === 'string' || typeof x[i] === 'bigint') { if (x[i] !== y[i]) return Infinity; continue; }
    d = Math.max(d, Math.abs((x[i] as number) - (y[i] as number)));
  }
  return d;
}
