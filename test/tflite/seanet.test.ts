/**
 * tflite-micro SEANet integration cases (127 16x8-quantized single-op models): every output must equal
 * its golden bit for bit. A case that is only within upstream's ±1 goes in expectations/seanet.json
 * with a reason, like any other case that does not pass.
 */
import { describe, expect, it } from 'vitest';
import { compareWithExpectations, loadExpectations } from './expectations.js';
import { runSeanetCase, seanetCases, type SeanetResult } from './seanet.js';

describe('tflite-micro seanet', () => {
  it('all 127 layer models reproduce their goldens', async () => {
    const cases = seanetCases();
    expect(cases.length).toBe(127);
    const results: SeanetResult[] = [];
    for (const c of cases) results.push(await runSeanetCase(c));
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    console.log(`seanet: ${JSON.stringify(counts)}`);
    const problems = compareWithExpectations('seanet', results.map((r) => ({ id: r.name, pass: r.status === 'exact', message: `${r.status}: ${r.message}` })), loadExpectations('seanet'));
    expect(problems).toEqual([]);
  });
});
