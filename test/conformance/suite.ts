/**
 * The conformance suite as vitest tests: one shard of one folder per test file, so vitest's workers run
 * shards side by side. A case not in the expectations file must pass; a listed case must still fail
 * (when it starts passing, remove it from the list).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadExpectations } from './expectations.js';
import { listCases, runCase, type CaseResult, type Folder } from './runner.js';

export function conformanceShard(folders: readonly Folder[], backend: string, shard = 0, shards = 1): void {
  const expectations = loadExpectations(backend);
  const ids = folders.flatMap((f) => listCases(f)).filter((_, i) => i % shards === shard);
  it(`${folders.join('+')} on ${backend} (shard ${shard + 1}/${shards}, ${ids.length} cases)`, async () => {
    const results: CaseResult[] = [];
    for (const id of ids) results.push(await runCase(id, backend));
    const regressions = results.filter((r) => r.status !== 'pass' && expectations[r.id] === undefined)
      .map((r) => `${r.id}: ${r.status}: ${r.message?.split('\n')[0]}`);
    const unlistedPasses = results.filter((r) => r.status === 'pass' && expectations[r.id] !== undefined)
      .map((r) => `${r.id} passes now: remove it from test/conformance/expectations/${backend.split(',')[0]}.json`);
    const perFolder = new Map<string, [number, number, number]>();
    for (const r of results) {
      const f = r.id.split('/')[0]!;
      const c = perFolder.get(f) ?? [0, 0, 0];
      if (r.status === 'pass') c[0]++;
      else if (expectations[r.id] !== undefined) c[2]++;
      else c[1]++;
      perFolder.set(f, c);
    }
    for (const [f, [p, fl, s]] of perFolder) console.log(`${f} (shard ${shard + 1}/${shards}): ${p} passed, ${fl} failed, ${s} skipped`);
    mkdirSync('conformance-results', { recursive: true });
    writeFileSync(`conformance-results/${backend.replace(/,/g, '+')}-${folders.join('+')}-${shard}.json`,
      JSON.stringify(Object.fromEntries(results.map((r) => [r.id, { status: r.status, ms: Math.round(r.ms), message: r.message, ranOn: r.ranOn }])), null, 1));
    expect(regressions).toEqual([]);
    expect(unlistedPasses).toEqual([]);
  });
}
