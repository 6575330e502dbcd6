/**
 * Expectations files for the TFLite suites: JSON objects of case → one-line reason, listing every case
 * that does not pass. A suite fails when an unlisted case does not pass (a regression) and when a listed
 * case passes (remove it from the list).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const file = (suite: string) => new URL(`./expectations/${suite}.json`, import.meta.url);

export function loadExpectations(suite: string): Record<string, string> {
  if (!existsSync(file(suite))) return {};
  return JSON.parse(readFileSync(file(suite), 'utf8')) as Record<string, string>;
}

export function saveExpectations(suite: string, e: Record<string, string>): void {
  const sorted = Object.fromEntries(Object.entries(e).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(file(suite), JSON.stringify(sorted, null, 1) + '\n');
}

export interface Outcome { readonly id: string; readonly pass: boolean; readonly message?: string }

/** Problems to report: regressions and listed cases that pass now. Empty when the suite matches its file. */
export function compareWithExpectations(suite: string, outcomes: readonly Outcome[], expected: Record<string, string>): string[] {
  const ids = new Set(outcomes.map((o) => o.id));
  return [
    ...outcomes.filter((o) => !o.pass && expected[o.id] === undefined).map((o) => `${o.id}: ${o.message ?? 'failed'}`),
    ...outcomes.filter((o) => o.pass && expected[o.id] !== undefined).map((o) => `${o.id} passes now: remove it from test/tflite/expectations/${suite}.json`),
    ...Object.keys(expected).filter((id) => !ids.has(id)).map((id) => `${id} is listed in ${suite}.json but is not a case`),
    ...Object.entries(expected).filter(([, why]) => typeof why !== 'string' || why.trim().length < 8).map(([id]) => `${id}: give a reason`),
  ];
}
