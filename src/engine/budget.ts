/**
 * What a format reader may allocate. Every reader charges what it builds (strings, arrays, objects) to a
 * budget proportional to the file's size, so no malformed count or shared reference can make a small file
 * expand into a huge one in memory.
 */
import { KilnError } from './errors.js';

export class AllocationBudget {
  used = 0;
  constructor(readonly limit: number) {}

  /** The default for a file of `bytes`: 64 times its size plus 1 MiB. */
  static forFile(bytes: number): AllocationBudget {
    return new AllocationBudget(64 * bytes + (1 << 20));
  }

  /** Charges `bytes` for `what` (read at byte offset `at`); throws E_MODEL_MALFORMED past the limit. */
  charge(bytes: number, at: number, what: string): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new KilnError('E_MODEL_MALFORMED', `${what} at byte ${at} would make the model expand past ${this.limit} bytes in memory`, { offset: at, field: what });
    }
  }
}
