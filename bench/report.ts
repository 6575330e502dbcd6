/** Result rows of the wasm benchmark and their Markdown table. */

export type Row =
  | { kind: 'model'; model: string; threads: number; kiln_ms: number; kiln_min: number; peer: string; peer_ms: number; peer_min: number; ratio: number; kiln_maxdiff: number; peer_maxdiff: number; kiln_backends: Record<string, number> }
  | { kind: 'gemm'; n: number; threads: number; kiln_ms: number; peer: string; peer_ms: number; kiln_gflops: number; peer_gflops: number; kiln_best_gflops: number; ratio: number; maxdiff_vs_peer: number }
  | { kind: 'peak'; muladd_gflops: number; muladd_best: number; madd_gflops?: number; madd_best?: number };

export interface Meta { date: string; cpus: number; cpu?: string; node: string; loadavg_before: number[]; loadavg_after: number[] }

export function markdown(meta: Meta, rows: readonly Row[]): string {
  const f = (x: number | undefined, d = 1) => (x === undefined ? 'n/a' : x.toFixed(d));
  const lines = [
    `Kiln wasm vs onnxruntime-web (wasm EP), ${meta.date}, ${meta.cpu ?? '?'} × ${meta.cpus}, Node ${meta.node}, load average ${meta.loadavg_before.map((x) => x.toFixed(1)).join('/')} → ${meta.loadavg_after.map((x) => x.toFixed(1)).join('/')}`,
    '',
    '| model | threads | Kiln median ms | ORT median ms | Kiln/ORT | Kiln min | ORT min |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) if (r.kind === 'model') lines.push(`| ${r.model} | ${r.threads} | ${f(r.kiln_ms)} | ${f(r.peer_ms)} | ${f(r.ratio, 2)} | ${f(r.kiln_min)} | ${f(r.peer_min)} |`);
  const gemm = rows.filter((r) => r.kind === 'gemm');
  if (gemm.length) {
    lines.push('', '| GEMM n³ f32 | threads | Kiln GFLOP/s | ORT GFLOP/s | Kiln/ORT time |', '|---|---|---|---|---|');
    for (const r of gemm) if (r.kind === 'gemm') lines.push(`| ${r.n} | ${r.threads} | ${f(r.kiln_gflops)} | ${f(r.peer_gflops)} | ${f(r.ratio, 2)} |`);
  }
  const p = rows.find((r) => r.kind === 'peak');
  if (p && p.kind === 'peak') lines.push('', `WASM SIMD f32 peak (one core): mul+add ${f(p.muladd_gflops)} GFLOP/s, relaxed madd ${f(p.madd_gflops)} GFLOP/s (medians of 9).`);
  return lines.join('\n') + '\n';
}
