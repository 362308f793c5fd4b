const OVERFLOW_KEY = '\u0000overflow';

/**
 * Counts hits per key in one fixed window at a time (a newer window drops the older counts), for at most `maxKeys`
 * keys: beyond them, new keys share one overflow counter, so a flood of distinct keys cannot grow the map, and every
 * limit checked against a count still holds (the shared count is only higher).
 */
export class FixedWindowCounts {
  private window = Number.NEGATIVE_INFINITY;
  private counts = new Map<string, number>();

  constructor(readonly maxKeys: number) {}

  /**
   * Counts one hit of `key` in `window` (any increasing window number, e.g. whole seconds).
   * @returns the hits of `key` in that window so far, this one included
   */
  hit(key: string, window: number): number {
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const slot = this.counts.has(key) || this.counts.size < this.maxKeys ? key : OVERFLOW_KEY;
    const count = (this.counts.get(slot) ?? 0) + 1;
    this.counts.set(slot, count);
    return count;
  }
}
