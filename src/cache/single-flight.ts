/**
 * Shares one run of an async function between concurrent callers of the same key (in this process): the first
 * caller starts it, later callers get the same promise until it settles.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  /** @param onJoin called each time a caller joins a run already in progress (for a metric) */
  constructor(private readonly onJoin?: () => void) {}

  /** Whether a run for `key` is in progress. */
  has(key: string): boolean {
    return this.flights.has(key);
  }

  /** Joins the run for `key`, or starts `run` when there is none. */
  run(key: string, run: () => Promise<T>): Promise<T> {
    const current = this.flights.get(key);
    if (current !== undefined) {
      this.onJoin?.();
      return current;
    }
    const flight = (async () => {
      try {
        return await run();
      } finally {
        this.flights.delete(key);
      }
    })();
    this.flights.set(key, flight);
    return flight;
  }

  /** Settles when every run in progress has settled (for an orderly shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.flights.values()]);
  }
}
