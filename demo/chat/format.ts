/** Numbers for people: sizes, rates, durations, and a download's rate and ETA over a sliding window. */

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function duration(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.max(0, Math.round(s))} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** Rate (bytes/s) and ETA from the samples of the last few seconds. */
export class RateMeter {
  private samples: { t: number; loaded: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  add(loaded: number, t = performance.now()): void {
    this.samples.push({ t, loaded });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
  }

  get rate(): number {
    const a = this.samples[0];
    const b = this.samples.at(-1);
    if (!a || !b || b.t - a.t < 50) return 0;
    return ((b.loaded - a.loaded) / (b.t - a.t)) * 1000;
  }

  /** Seconds left, or Infinity while the rate is unknown. */
  eta(total: number): number {
    const b = this.samples.at(-1);
    const r = this.rate;
    return b && r > 0 ? (total - b.loaded) / r : Infinity;
  }

  /** "1.2 MB of 4.0 MB · 3.4 MB/s · 1 s left" */
  describe(loaded: number, total?: number): string {
    const parts = [total ? `${bytes(loaded)} of ${bytes(total)}` : bytes(loaded)];
    const r = this.rate;
    if (r > 0) parts.push(`${bytes(r)}/s`);
    if (total && r > 0) parts.push(`${duration(this.eta(total))} left`);
    return parts.join(' · ');
  }
}
