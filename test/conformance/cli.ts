/**
 * Runs the ONNX conformance suite and prints `N passed, N failed, N skipped` per folder.
 *
 *   npm run conformance -- [--backend reference|wasm,reference] [--folder node] [--filter regex] [--json out.json]
 *                          [--update-expectations] [--verbose]
 *
 * "skipped" counts cases listed in the expectations file (known not to pass, each with a reason).
 * --update-expectations rewrites the file from this run: new failures get the error as their reason,
 * reasons written by hand are kept.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FOLDERS, listCases, runCase, type CaseResult, type Folder } from './runner.js';
import { loadExpectations, reasonFor, saveExpectations } from './expectations.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const backend = opt('backend') ?? 'reference';
const folders = (opt('folder')?.split(',') ?? FOLDERS) as Folder[];
const filterArg = opt('filter');
const filter = filterArg ? new RegExp(filterArg) : undefined;
const jsonOut = opt('json') ?? `conformance-results/${backend.replace(/,/g, '+')}.json`;
const verbose = args.includes('--verbose');

const expectations = loadExpectations(backend);
const results: CaseResult[] = [];
for (const folder of folders) {
  const ids = listCases(folder).filter((id) => !filter || filter.test(id));
  let pass = 0, fail = 0, skip = 0;
  for (const id of ids) {
    const r = await runCase(id, backend);
    results.push(r);
    const listed = expectations[id] !== undefined;
    if (r.status === 'pass') pass++;
    else if (listed) skip++;
    else fail++;
    if (verbose || (r.status !== 'pass' && !listed)) console.log(`${r.status.padEnd(5)} ${id} ${r.status === 'pass' ? '' : `— ${r.message?.split('\n')[0]}`}`);
    else if (r.status === 'pass' && listed) console.log(`NEWLY PASSING ${id} (listed: ${expectations[id]})`);
  }
  console.log(`${folder}: ${pass} passed, ${fail} failed, ${skip} skipped`);
}
mkdirSync(dirname(jsonOut), { recursive: true });
writeFileSync(jsonOut, JSON.stringify(Object.fromEntries(results.map((r) => [r.id, { status: r.status, ms: Math.round(r.ms), message: r.message, ranOn: r.ranOn }])), null, 1));
console.log(`per-test status: ${jsonOut}`);

if (args.includes('--update-expectations')) {
  const next = { ...expectations };
  for (const r of results) {
    if (r.status === 'pass') delete next[r.id];
    else next[r.id] = next[r.id] ?? reasonFor(r);
  }
  saveExpectations(backend, next);
  console.log(`expectations updated: ${Object.keys(next).length} listed`);
}
