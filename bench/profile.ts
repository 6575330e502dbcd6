/**
 * Per-op-type time of Kiln's wasm backend on one benchmark model (session profiling):
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/profile.ts --model mobilenet_v2 [--threads 2] [--runs 20] [--top 10]
 */
import { readFileSync } from 'node:fs';
import { Tensor, registerBackend } from '../src/index.js';
import { InferenceSession } from '../src/engine/index.js';
import { createWasmBackend } from '../src/wasm/index.js';
import { modelInputs } from './inputs.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const threads = Number(opt('threads', '1'));
registerBackend('wasm', () => createWasmBackend({ numThreads: threads }));
const { path, inputs } = modelInputs(opt('model', 'mobilenet_v2'));
const s = await InferenceSession.create(new Uint8Array(readFileSync(path)), { backends: ['wasm', 'reference'], enableProfiling: true });
const feeds = Object.fromEntries(inputs.map((i) => [i.name, new Tensor(i.type, i.data, i.dims)]));
for (let i = 0; i < 5; i++) await s.run(feeds);
const byOp = new Map<string, number[]>();
const byNode = new Map<string, number[]>();
const totals: number[] = [];
for (let r = 0; r < Number(opt('runs', '20')); r++) {
  await s.run(feeds);
  const p = s.profile();
  totals.push(p.totalMs);
  const acc = new Map<string, number>();
  for (const n of p.nodes) {
    acc.set(n.opType, (acc.get(n.opType) ?? 0) + n.ms);
    byNode.set(`${n.opType} ${n.node}`, [...(byNode.get(`${n.opType} ${n.node}`) ?? []), n.ms]);
  }
  for (const [k, v] of acc) byOp.set(k, [...(byOp.get(k) ?? []), v]);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
console.log(`total median ${med(totals).toFixed(2)} ms, ${threads} thread(s)`);
for (const [k, v] of [...byOp].sort((a, b) => med(b[1]) - med(a[1]))) console.log(`  ${k.padEnd(20)} ${med(v).toFixed(2)} ms`);
const top = Number(opt('top', '10'));
console.log(`slowest nodes:`);
for (const [k, v] of [...byNode].sort((a, b) => med(b[1]) - med(a[1])).slice(0, top)) console.log(`  ${k.padEnd(50)} ${med(v).toFixed(3)} ms`);
process.exit(0);
