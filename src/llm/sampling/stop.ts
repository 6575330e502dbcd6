/**
 * Stop strings over streamed text. Text is held back while its end could still be the start of a stop
 * string, so a stop string never reaches the caller, not even in part; when one completes, the text
 * before it is released and generation ends.
 */
export class StopMatcher {
  private pending = '';
  stopped: string | undefined;

  constructor(private readonly stops: readonly string[]) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  /** Adds text; returns what may be shown now. After a stop, returns '' and `stopped` names it. */
  push(text: string): string {
    if (this.stopped !== undefined) return '';
    if (this.stops.length === 0) return text;
    this.pending += text;
    let cut = -1;
    for (const s of this.stops) {
      const i = this.pending.indexOf(s);
      if (i >= 0 && (cut < 0 || i < cut)) {
        cut = i;
        this.stopped = s;
      }
    }
    if (cut >= 0) {
      const out = this.pending.slice(0, cut);
      this.pending = '';
      return out;
    }
    const hold = this.holdBack();
    const out = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return out;
  }

  /** The held-back text, at the end of generation. */
  flush(): string {
    const out = this.stopped === undefined ? this.pending : '';
    this.pending = '';
    return out;
  }

  /** Length of the longest end of `pending` that begins some stop string. */
  private holdBack(): number {
    let best = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, this.pending.length); n > best; n--) {
        if (this.pending.endsWith(s.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
