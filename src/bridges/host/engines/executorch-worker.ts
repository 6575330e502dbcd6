/**
 * The Python side of the `executorch` engine, run as `python3 -c WORKER_SOURCE`, one process per model.
 * It loads one .pte program with ExecuTorch's runtime (executorch.runtime) and answers requests on
 * stdin/stdout. Framing, both directions: a 4-byte little-endian length, that many bytes of JSON, then
 * the binary blobs whose byte sizes the JSON lists in "sizes" (tensor data: little-endian, row-major).
 *
 *   → {"op":"load","path":…,"method":"forward"}      ← {"ok":true,"inputs":[{name,dtype,shape}],"outputs":[…]}
 *   → {"op":"run","inputs":[{dtype,shape}],sizes}+blobs  ← {"ok":true,"outputs":[{dtype,shape}],sizes}+blobs
 *   ← {"ok":false,"error":"…"} on any failure (no traceback crosses the pipe)
 */
export const WORKER_SOURCE = String.raw`
import json, struct, sys

def read_exact(n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sys.stdin.buffer.read(n - len(buf))
        if not chunk:
            sys.exit(0)
        buf += chunk
    return bytes(buf)

def read_msg():
    (n,) = struct.unpack('<I', read_exact(4))
    head = json.loads(read_exact(n).decode('utf-8'))
    return head, [read_exact(s) for s in head.get('sizes', [])]

def write_msg(head, blobs=()):
    head = dict(head)
    head['sizes'] = [len(b) for b in blobs]
    data = json.dumps(head).encode('utf-8')
    out = sys.stdout.buffer
    out.write(struct.pack('<I', len(data)))
    out.write(data)
    for b in blobs:
        out.write(b)
    out.flush()

SCALAR_TYPES = {0: 'uint8', 1: 'int8', 2: 'int16', 3: 'int32', 4: 'int64', 5: 'float16', 6: 'float32', 7: 'float64', 11: 'bool', 15: 'bfloat16'}

def main():
    import torch
    from executorch.runtime import Runtime
    dtypes = {name: getattr(torch, name) for name in ('uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'bool', 'bfloat16')}
    names = {v: k for k, v in dtypes.items()}
    method = None
    while True:
        head, blobs = read_msg()
        try:
            if head['op'] == 'load':
                program = Runtime.get().load_program(head['path'])
                method = program.load_method(head.get('method', 'forward'))
                meta = method.metadata
                def info(t, name):
                    code = t.dtype()
                    return {'name': name, 'dtype': SCALAR_TYPES.get(int(getattr(code, 'value', code)), str(code)), 'shape': list(t.sizes())}
                write_msg({'ok': True,
                           'inputs': [info(meta.input_tensor_meta(i), 'input_%d' % i) for i in range(meta.num_inputs())],
                           'outputs': [info(meta.output_tensor_meta(i), 'output_%d' % i) for i in range(meta.num_outputs())]})
            elif head['op'] == 'run':
                args = []
                for spec, blob in zip(head['inputs'], blobs):
                    dt = dtypes[spec['dtype']]
                    t = torch.frombuffer(bytearray(blob), dtype=dt) if len(blob) else torch.empty(0, dtype=dt)
                    args.append(t.reshape(spec['shape']))
                outs, specs = [], []
                for t in method.execute(args):
                    t = t.contiguous()
                    name = names.get(t.dtype, str(t.dtype))
                    if name == 'bfloat16':
                        t = t.view(torch.int16)
                    elif name == 'bool':
                        t = t.to(torch.uint8)
                    specs.append({'dtype': name, 'shape': list(t.shape)})
                    outs.append(t.numpy().tobytes())
                write_msg({'ok': True, 'outputs': specs}, outs)
            else:
                write_msg({'ok': False, 'error': 'unknown op %r' % head.get('op')})
        except Exception as e:
            write_msg({'ok': False, 'error': ('%s: %s' % (type(e).__name__, e))[:500]})

main()
`;
