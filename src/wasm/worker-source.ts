/**
 * The thread pool's worker, as source text: it is started from a string (Node: `eval: true`; browsers: a
 * Blob URL), so it needs no file of its own next to whatever bundle Kiln ends up in. It instantiates the
 * threads build on the shared memory with its own stack, then loops: wait for a job in the control block,
 * run its slice, count down, notify.
 *
 * Control block (Int32 slots): 0 job generation, 1 workers inside a job, 2 function id, 3 argc, 5 shutdown,
 * 6 error flag, 7 rest (sleep now: the inference is over), 8 the job's ticket: chunks << 16 | next chunk;
 * f64 arguments from byte 64. A job is cut into chunks that the threads take one by one (compare-and-swap
 * on the ticket), so a thread the OS runs late simply takes fewer; a thread enters the job (slot 1) before
 * it takes a chunk and reads the function and arguments only once it holds one.
 */
export const WORKER_SOURCE = `
'use strict';
const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node);
const port = isNode ? require('node:worker_threads').parentPort : self;
const listen = (fn) => isNode ? port.on('message', fn) : (self.onmessage = (ev) => fn(ev.data));
listen((msg) => {
  if (msg.type !== 'init') return;
  let instance;
  try {
    instance = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } });
    instance.exports.__stack_pointer.value = msg.stackTop;
  } catch (e) {
    port.postMessage({ type: 'error', message: String(e && e.message || e) });
    return;
  }
  const ctl = new Int32Array(msg.memory.buffer, msg.ctrl, 16);
  // The generation when the pool was made: a job posted before this worker got here must still run.
  let seen = msg.gen;
  port.postMessage({ type: 'ready' });
  const args = new Float64Array(msg.memory.buffer, msg.ctrl + 64, 24);
  const fns = msg.names.map((n) => instance.exports[n]);
  const tid = msg.tid;
  const spinMs = msg.spinMs;
  for (;;) {
    if (Atomics.load(ctl, 0) === seen) {
      const t0 = performance.now();
      let n = 0;
      while (Atomics.load(ctl, 0) === seen) {
        if ((++n & 255) === 0 && (Atomics.load(ctl, 7) !== 0 || performance.now() - t0 > spinMs)) { Atomics.wait(ctl, 0, seen); }
      }
    }
    seen = Atomics.load(ctl, 0);
    if (Atomics.load(ctl, 5) !== 0) break;
    Atomics.add(ctl, 1, 1);
    try {
      for (;;) {
        const v = Atomics.load(ctl, 8);
        const n = v >>> 16, c = v & 0xffff;
        if (c >= n) break;
        if (Atomics.compareExchange(ctl, 8, v, v + 1) !== v) continue;
        const argc = ctl[3];
        const fn = fns[ctl[2]];
        switch (argc) {
          case 3: fn(args[0], args[1], args[2], c, n); break;
          case 4: fn(args[0], args[1], args[2], args[3], c, n); break;
          case 5: fn(args[0], args[1], args[2], args[3], args[4], c, n); break;
          case 6: fn(args[0], args[1], args[2], args[3], args[4], args[5], c, n); break;
          case 7: fn(args[0], args[1], args[2], args[3], args[4], args[5], args[6], c, n); break;
          case 8: fn(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], c, n); break;
          default: fn(...Array.from(args.subarray(0, argc)), c, n);
        }
      }
    } catch (e) {
      Atomics.store(ctl, 6, 1);
    }
    if (Atomics.sub(ctl, 1, 1) === 1) Atomics.notify(ctl, 1);
  }
  if (isNode) port.close(); else self.close();
});
`;
