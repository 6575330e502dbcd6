/** Per-op-type totals of a session profile, slowest first, with each type's share and backends. */
import type { NodeProfile } from './kiln.js';

export interface OpTypeTiming {
  readonly opType: string;
  readonly count: number;
  readonly ms: number;
  /** Share of the run's node time, 0..1. */
  readonly share: number;
  readonly backends: readonly string[];
}

export function byOpType(nodes: readonly NodeProfile[]): OpTypeTiming[] {
  const by = new Map<string, { count: number; ms: number; backends: Set<string> }>();
  let all = 0;
  for (const n of nodes) {
    const e = by.get(n.opType) ?? { count: 0, ms: 0, backends: new Set<string>() };
    e.count++;
    e.ms += n.ms;
    e.backends.add(n.backend);
    by.set(n.opType, e);
    all += n.ms;
  }
  return [...by]
    .map(([opType, e]) => ({ opType, count: e.count, ms: e.ms, share: all > 0 ? e.ms / all : 0, backends: [...e.backends] }))
    .sort((a, b) => b.ms - a.ms);
}
