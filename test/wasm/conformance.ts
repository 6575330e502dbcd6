/**
 * The ONNX conformance runner with the wasm backend registered:
 *
 *   npx tsx test/wasm/conformance.ts [--folder node] [--filter regex] [--update-expectations] [--summary]
 *
 * Same flags as test/conformance/cli.ts (the backend is 'wasm,reference'). --summary runs the cases
 * itself and reports how many ran entirely on wasm (no reference node, no run-time hand-over) and passed.
 */
import { created, registerWasm } from './register.js';

registerWasm();
const args = process.argv.slice(2);
if (!args.includes('--summary')) {
  process.argv.splice(2, 0, '--backend', 'wasm,reference');
  await import('../conformance/cli.js');
} else {
  const { FOLDERS, listCases, runCase } = await import('../conformance/runner.js');
  const { loadExpectations } = await import('../conformance/expectations.js');
  const i = args.indexOf('--folder');
  const folders = (i >= 0 ? args[i + 1]!.split(',') : FOLDERS) as (typeof FOLDERS)[number][];
  const expected = loadExpectations('wasm');
  let all = 0, onWasm = 0, onWasmPass = 0, pass = 0, listed = 0;
  const failingOnWasm: string[] = [];
  for (const f of folders) {
    for (const id of listCases(f)) {
      const before = created.length ? created[created.length - 1] : undefined;
      const r = await runCase(id, 'wasm,reference');
      const b = created[created.length - 1];
      const delegated = b && b !== before ? b.stats.delegated : 0;
      all++;
      if (r.status === 'pass') pass++;
      if (expected[id] !== undefined) listed++;
      const ran = r.ranOn ?? {};
      if (ran.wasm && !ran.reference && delegated === 0) {
        onWasm++;
        if (r.status === 'pass') onWasmPass++;
        else failingOnWasm.push(`${id}: ${r.message?.split('\n')[0]}`);
      }
    }
  }
  console.log(`${all} cases, ${pass} pass, ${listed} listed in expectations/wasm.json`);
  console.log(`${onWasm} ran entirely on wasm, ${onWasmPass} of them pass`);
  for (const l of failingOnWasm) console.log(`  fails on wasm: ${l}`);
  process.exit(0);
}
