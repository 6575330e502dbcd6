/**
 * Protocol conformance cases for the host, written from the Open Inference Protocol (KServe v2) REST
 * specification and Triton's binary tensor data and model repository extensions: each is one request
 * and the response the spec requires (status, and a subset of the JSON body, headers or binary tail).
 *
 * Models (see host-conformance.test.ts): add (x, y FP32[3,4,5] → sum), relu (x FP32[-1,4] → y),
 * two (x FP32[-1,3] → y = relu, z = -x), and (BOOL[3,4]), concat (BYTES[2]), argmax (FP32[2,2] → INT64[1,2]),
 * cast16 (FP32[3,4] → FP16[3,4]).
 */
const f32 = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
const u8 = (xs: number[]) => new Uint8Array(xs);
const bytesEl = (...ss: string[]) => {
  const parts = ss.map((s) => new TextEncoder().encode(s));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  let o = 0;
  for (const p of parts) { new DataView(out.buffer).setUint32(o, p.length, true); out.set(p, o + 4); o += 4 + p.length; }
  return out;
};
const range = <T = number>(n: number, f: (i: number) => T = (i) => i as T): T[] => Array.from({ length: n }, (_, i) => f(i));
const h16 = (xs: number[]) => new Uint8Array(new Uint16Array(xs).buffer);

export interface V2Case {
  readonly name: string;
  readonly request: {
    readonly method: 'GET' | 'POST' | 'PUT';
    readonly path: string;
    /** A JSON body, or a JSON head followed by binary tensor data. */
    readonly json?: unknown;
    readonly binary?: readonly Uint8Array[];
    readonly rawBody?: string;
    readonly headers?: Record<string, string>;
  };
  readonly response: {
    readonly status: number;
    /** Expected subset of the JSON body (toMatchObject); 'error' means {error: <non-empty string>}. */
    readonly json?: unknown;
    readonly error?: true;
    readonly empty?: true;
    /** Binary tail after the JSON head (needs the Inference-Header-Content-Length header). */
    readonly tail?: Uint8Array;
    readonly contentType?: string;
  };
}

const x34 = range(12, (i) => i - 5.5);
export const V2_CASES: readonly V2Case[] = [
  // Health: 200 true, 4xx false, empty body.
  { name: 'server live', request: { method: 'GET', path: '/v2/health/live' }, response: { status: 200, empty: true } },
  { name: 'server ready', request: { method: 'GET', path: '/v2/health/ready' }, response: { status: 200, empty: true } },
  { name: 'model ready', request: { method: 'GET', path: '/v2/models/add/ready' }, response: { status: 200, empty: true } },
  { name: 'model version ready', request: { method: 'GET', path: '/v2/models/add/versions/1/ready' }, response: { status: 200, empty: true } },
  { name: 'unknown version is not ready', request: { method: 'GET', path: '/v2/models/add/versions/7/ready' }, response: { status: 404, error: true } },
  // Server metadata.
  { name: 'server metadata', request: { method: 'GET', path: '/v2' }, response: { status: 200, json: { name: 'kiln', extensions: expectArrayContaining(['binary_tensor_data', 'model_repository']) } } },
  // Model metadata: name, versions, platform, inputs/outputs with datatype and shape (-1 variable).
  {
    name: 'model metadata',
    request: { method: 'GET', path: '/v2/models/add' },
    response: { status: 200, json: { name: 'add', versions: ['1'], inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4, 5] }, { name: 'y', datatype: 'FP32', shape: [3, 4, 5] }], outputs: [{ name: 'sum', datatype: 'FP32', shape: [3, 4, 5] }] } },
  },
  { name: 'model metadata by version', request: { method: 'GET', path: '/v2/models/relu/versions/1' }, response: { status: 200, json: { name: 'relu', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }] } } },
  { name: 'metadata of an unknown model', request: { method: 'GET', path: '/v2/models/nope' }, response: { status: 404, error: true } },
  // Inference, JSON: nested and flat data, the id echoed, all outputs by default.
  {
    name: 'infer JSON, nested data, id echoed',
    request: { method: 'POST', path: '/v2/models/relu/infer', json: { id: '42', inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [[1, -2, 3, -4], [-5, 6, -7, 8]] }] } },
    response: { status: 200, contentType: 'application/json', json: { id: '42', model_name: 'relu', outputs: [{ name: 'y', shape: [2, 4], datatype: 'FP32', data: [1, 0, 3, 0, 0, 6, 0, 8] }] } },
  },
  {
    name: 'infer JSON, flat data, versioned URL',
    request: { method: 'POST', path: '/v2/models/relu/versions/1/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [-1, 2, -3, 4] }] } },
    response: { status: 200, json: { model_name: 'relu', model_version: '1', outputs: [{ name: 'y', shape: [1, 4], datatype: 'FP32', data: [0, 2, 0, 4] }] } },
  },
  {
    name: 'infer JSON, one output requested',
    request: { method: 'POST', path: '/v2/models/two/infer', json: { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, -2, 3] }], outputs: [{ name: 'z' }] } },
    response: { status: 200, json: { outputs: [{ name: 'z', shape: [1, 3], datatype: 'FP32', data: [-1, 2, -3] }] } },
  },
  {
    name: 'infer JSON, two inputs',
    request: { method: 'POST', path: '/v2/models/add/infer', json: { inputs: [{ name: 'x', shape: [3, 4, 5], datatype: 'FP32', data: range(60) }, { name: 'y', shape: [3, 4, 5], datatype: 'FP32', data: range(60, (i) => 2 * i) }] } },
    response: { status: 200, json: { outputs: [{ name: 'sum', shape: [3, 4, 5], datatype: 'FP32', data: range(60, (i) => 3 * i) }] } },
  },
  { name: 'BOOL as JSON booleans', request: { method: 'POST', path: '/v2/models/and/infer', json: { inputs: [{ name: 'x', shape: [3, 4], datatype: 'BOOL', data: range(12, (i) => i % 2 === 0) }, { name: 'y', shape: [3, 4], datatype: 'BOOL', data: range(12, (i) => i % 3 === 0) }] } }, response: { status: 200, json: { outputs: [{ name: 'and', datatype: 'BOOL', shape: [3, 4], data: range(12, (i) => i % 6 === 0) }] } } },
  { name: 'BYTES as JSON strings', request: { method: 'POST', path: '/v2/models/concat/infer', json: { inputs: [{ name: 'x', shape: [2], datatype: 'BYTES', data: ['ab', 'ü'] }, { name: 'y', shape: [2], datatype: 'BYTES', data: ['c', '!'] }] } }, response: { status: 200, json: { outputs: [{ name: 'result', datatype: 'BYTES', shape: [2], data: ['abc', 'ü!'] }] } } },
  { name: 'INT64 output as JSON numbers', request: { method: 'POST', path: '/v2/models/argmax/infer', json: { inputs: [{ name: 'data', shape: [2, 2], datatype: 'FP32', data: [2, 1, 3, 10] }] } }, response: { status: 200, json: { outputs: [{ name: 'result', datatype: 'INT64', shape: [1, 2], data: [1, 1] }] } } },
  // Binary tensor data extension.
  {
    name: 'binary in, binary out (binary_data_output)',
    request: { method: 'POST', path: '/v2/models/relu/infer', json: { parameters: { binary_data_output: true }, inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }] }, binary: [f32([1, -2, 3, -4, -5, 6, -7, 8])] },
    response: { status: 200, contentType: 'application/octet-stream', json: { outputs: [{ name: 'y', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }] }, tail: f32([1, 0, 3, 0, 0, 6, 0, 8]) },
  },
  {
    name: 'binary in, JSON out (no binary_data parameter)',
    request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }, binary: [f32([-1, 2, -3, 4])] },
    response: { status: 200, contentType: 'application/json', json: { outputs: [{ name: 'y', data: [0, 2, 0, 4] }] } },
  },
  {
    name: 'JSON in, per-output binary_data',
    request: { method: 'POST', path: '/v2/models/two/infer', json: { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, -2, 3] }], outputs: [{ name: 'y', parameters: { binary_data: true } }, { name: 'z' }] } },
    response: { status: 200, json: { outputs: [{ name: 'y', parameters: { binary_data_size: 12 } }, { name: 'z', data: [-1, 2, -3] }] }, tail: f32([1, 0, 3]) },
  },
  { name: 'BOOL binary: one byte per element', request: { method: 'POST', path: '/v2/models/and/infer', json: { parameters: { binary_data_output: true }, inputs: [{ name: 'x', shape: [3, 4], datatype: 'BOOL', parameters: { binary_data_size: 12 } }, { name: 'y', shape: [3, 4], datatype: 'BOOL', parameters: { binary_data_size: 12 } }] }, binary: [u8(range(12, (i) => +(i % 2 === 0))), u8(range(12, (i) => +(i % 3 === 0)))] }, response: { status: 200, json: { outputs: [{ name: 'and', datatype: 'BOOL', parameters: { binary_data_size: 12 } }] }, tail: u8(range(12, (i) => +(i % 6 === 0))) } },
  { name: 'BYTES binary: 4-byte length prefixes', request: { method: 'POST', path: '/v2/models/concat/infer', json: { parameters: { binary_data_output: true }, inputs: [{ name: 'x', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: 12 } }, { name: 'y', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: 9 } }] }, binary: [bytesEl('ab', 'cd'), bytesEl('e', '')] }, response: { status: 200, json: { outputs: [{ name: 'result', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: 13 } }] }, tail: bytesEl('abe', 'cd') } },
  { name: 'FP16 binary output', request: { method: 'POST', path: '/v2/models/cast16/infer', json: { parameters: { binary_data_output: true }, inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', parameters: { binary_data_size: 48 } }] }, binary: [f32(x34)] }, response: { status: 200, json: { outputs: [{ name: 'output', datatype: 'FP16', shape: [3, 4], parameters: { binary_data_size: 24 } }] }, tail: h16(x34.map(f16bits)) } },
  // Errors: v2 error object {error} with a 4xx status.
  { name: 'infer on an unknown model', request: { method: 'POST', path: '/v2/models/nope/infer', json: { inputs: [] } }, response: { status: 404, error: true } },
  { name: 'wrong datatype', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'INT32', data: [1, 2, 3, 4] }] } }, response: { status: 400, error: true } },
  { name: 'wrong shape', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 5], datatype: 'FP32', data: [1, 2, 3, 4, 5] }] } }, response: { status: 400, error: true } },
  { name: 'data count does not fit the shape', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3] }] } }, response: { status: 400, error: true } },
  { name: 'non-number in FP32 data', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 'a', 3, 4] }] } }, response: { status: 400, error: true } },
  { name: 'unknown datatype', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP8', data: [1, 2, 3, 4] }] } }, response: { status: 400, error: true } },
  { name: 'missing input', request: { method: 'POST', path: '/v2/models/add/infer', json: { inputs: [{ name: 'x', shape: [3, 4, 5], datatype: 'FP32', data: range(60) }] } }, response: { status: 400, error: true } },
  { name: 'unknown input', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'q', shape: [1], datatype: 'FP32', data: [1] }] } }, response: { status: 400, error: true } },
  { name: 'unknown output requested', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }], outputs: [{ name: 'w' }] } }, response: { status: 400, error: true } },
  { name: 'binary_data_size past the body', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }, binary: [f32([1, 2])] }, response: { status: 400, error: true } },
  { name: 'binary bytes nobody claims', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }, binary: [f32([1, 2, 3, 4, 5])] }, response: { status: 400, error: true } },
  { name: 'binary size does not fit the shape', request: { method: 'POST', path: '/v2/models/relu/infer', json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 12 } }] }, binary: [f32([1, 2, 3])] }, response: { status: 400, error: true } },
  { name: 'body is not JSON', request: { method: 'POST', path: '/v2/models/relu/infer', rawBody: '{"inputs": [' }, response: { status: 400, error: true } },
  { name: 'header length past the body', request: { method: 'POST', path: '/v2/models/relu/infer', rawBody: '{"inputs": []}', headers: { 'inference-header-content-length': '999' } }, response: { status: 400, error: true } },
  { name: 'GET on infer', request: { method: 'GET', path: '/v2/models/relu/infer' }, response: { status: 405, error: true } },
  { name: 'unknown endpoint', request: { method: 'GET', path: '/v3/anything' }, response: { status: 404, error: true } },
  // Model repository extension.
  { name: 'repository index', request: { method: 'POST', path: '/v2/repository/index', json: {} }, response: { status: 200, json: expectArrayContaining([{ name: 'add', version: '1', state: 'READY', reason: '' }]) } },
  { name: 'load without --allow-upload', request: { method: 'POST', path: '/v2/repository/models/x/load', json: {} }, response: { status: 403, error: true } },
];

function f16bits(x: number): number {
  // Exact for the small halves used above (multiples of 0.5 below 8).
  const f = new Float32Array([x]);
  const b = new Uint32Array(f.buffer)[0]!;
  const sign = (b >>> 16) & 0x8000;
  if (x === 0) return sign;
  const exp = ((b >>> 23) & 0xff) - 127 + 15;
  return sign | (exp << 10) | ((b >>> 13) & 0x3ff);
}

/** A marker for "an array containing these" (turned into expect.arrayContaining by the test). */
function expectArrayContaining(items: unknown[]): unknown {
  return { $arrayContaining: items };
}
