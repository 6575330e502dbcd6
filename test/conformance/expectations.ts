/** The committed list of conformance cases that do not pass on a backend, each with a reason. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CaseResult } from './runner.js';

/** One file per primary backend: 'wasm,reference' reads expectations/wasm.json. */
const file = (backend: string) => new URL(`./expectations/${backend.split(',')[0]}.json`, import.meta.url);

export function loadExpectations(backend: string): Record<string, string> {
  const f = file(backend);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, string>) : {};
}

export function saveExpectations(backend: string, e: Record<string, string>): void {
  const sorted = Object.fromEntries(Object.entries(e).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(file(backend), JSON.stringify(sorted, null, 1) + '\n');
}

/** A reason line derived from a failure, for new entries. */
export function reasonFor(r: CaseResult): string {
  const first = (r.message ?? '').split('\n')[0]!.replace(/^\[[A-Z_]+\] /, '');
  if (r.code === 'E_OP_UNSUPPORTED') {
    const ops = /: ([^\n]+)$/.exec((r.message ?? '').split('\n')[0]!)?.[1];
    return `op not implemented: ${ops ?? first}`;
  }
  if (r.status === 'fail') return `wrong result: ${first}`.slice(0, 200);
  return `${r.code ?? 'error'}: ${first}`.slice(0, 200);
}
