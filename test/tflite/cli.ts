/**
 * Runs the TFLite suites outside vitest and prints every case's outcome:
 *
 *   npx tsx test/tflite/cli.ts [seanet|litert] [--filter regex] [--update]
 *
 * `--update` rewrites expectations/<suite>.json from this run (each failing case with its message as
 * the reason; edit the reasons into plain words before committing).
 */
import { loadExpectations, saveExpectations } from './expectations.js';
import { isPass, litertCases, runLitertCase } from './litert.js';
import { runSeanetCase, seanetCases } from './seanet.js';

const args = process.argv.slice(2);
const suites = args.filter((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--filter');
const fi = args.indexOf('--filter');
const filter = fi >= 0 ? new RegExp(args[fi + 1]!) : undefined;
const update = args.includes('--update');

async function main(): Promise<void> {
  for (const suite of suites.length ? suites : ['seanet', 'litert']) {
    const old = loadExpectations(suite);
    const next: Record<string, string> = {};
    const ids = suite === 'seanet' ? seanetCases().map((c) => c.name) : litertCases();
    for (const id of ids) {
      if (filter && !filter.test(id)) { if (old[id]) next[id] = old[id]!; continue; }
      const r = suite === 'seanet' ? await runSeanetCase(seanetCases().find((c) => c.name === id)!) : await runLitertCase(id);
      const pass = 'status' in r && (suite === 'seanet' ? r.status === 'exact' : isPass(r as never));
      console.log(`${pass ? 'pass ' : 'FAIL '} ${r.status.padEnd(10)} ${id}${r.message ? `  ${r.message}` : ''}`);
      if (!pass) next[id] = old[id] ?? `${r.status}: ${r.message ?? ''}`.slice(0, 240);
    }
    if (update) saveExpectations(suite, next);
  }
}

await main();
