/**
 * The webgpu suite in a Node process with Dawn (started by test/webgpu/kernels.test.ts with the
 * environment from node-gpu.ts). Prints one JSON line: { adapter, cases: CaseResult[], system: … }.
 * `npx tsx test/webgpu/node-suite.ts --filter Conv` runs a subset by name and prints failures readably.
 */
import { registerWebGpu, runCase } from './harness.js';
import { CASES } from './cases.js';
import { installNodeGpu } from './node-gpu.js';
import { SYSTEM_TESTS } from './system.js';

const args = process.argv.slice(2);
const filterArg = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;
const filter = filterArg ? new RegExp(filterArg) : undefined;
const human = args.includes('--human') || filter !== undefined;

const uninstall = await installNodeGpu();
const adapter = await (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu.requestAdapter();
if (!adapter) {
  console.log(JSON.stringify({ adapter: null }));
  uninstall();
  process.exit(0);
}
registerWebGpu();
const cases = [];
for (const c of CASES) {
  if (filter && !filter.test(c.name) && !filter.test(c.op)) continue;
  const r = await runCase(c);
  cases.push(r);
  if (human && !r.ok) console.log(`FAIL ${r.name}: ${r.message}`);
}
const system: { name: string; ok: boolean; message?: string }[] = [];
for (const t of SYSTEM_TESTS) {
  if (filter && !filter.test(t.name)) continue;
  try {
    const msg = await t.run();
    system.push({ name: t.name, ok: msg === undefined, message: msg });
  } catch (e) {
    system.push({ name: t.name, ok: false, message: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
  if (human && !system[system.length - 1]!.ok) console.log(`FAIL ${t.name}: ${system[system.length - 1]!.message}`);
}
if (human) console.log(`${cases.filter((c) => c.ok).length + system.filter((s) => s.ok).length} passed, ${cases.filter((c) => !c.ok).length + system.filter((s) => !s.ok).length} failed`);
else console.log(JSON.stringify({ adapter: true, cases, system }));
uninstall();
process.exit(0);
