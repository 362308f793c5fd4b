/** What {@link PurgeEpoch} needs from the shared store: read a counter, add one to it. */
export interface EpochStore {
  /** The counter's text, `undefined` when absent; rejects (or times out) when the store fails. */
  read(): Promise<string | undefined>;
  /** Adds one (creating the counter at 1); resolves to the new value. */
  bump(): Promise<number>;
}

/** Options of {@link PurgeEpoch}. */
export interface PurgeEpochOptions {
  /** How often the counter is read. */
  pollMs: number;
  /** How long after a read was sent the in-process layer is trusted without another one. */
  trustMs: number;
  /** Clock (ms). @default Date.now */
  now?: () => number;
}

/**
 * Keeps an in-process layer in front of a shared store (the L1 before memcached) coherent with purges made by any
 * process: every purge adds one to a fleet-wide counter in the shared store; each process reads the counter every
 * `pollMs` and, when it changed (a purge somewhere, or memcached restarted empty), empties its layer. The layer is
 * trusted only while the last read was sent less than `trustMs` ago, so a purge is seen everywhere within `trustMs`.
 * While the shared store cannot be read, the layer stays trusted (fail-open: no purge can reach anyone then, and the
 * layer is what keeps the upstreams from taking the whole load).
 */
export class PurgeEpoch {
  private last: string | undefined | null = null;
  private confirmedAt = Number.NEGATIVE_INFINITY;
  private storeFailing = false;
  private polling = false;
  private timer?: NodeJS.Timeout;
  private generationCount = 0;
  private readonly now: () => number;

  constructor(
    private readonly store: EpochStore,
    /** Empties the in-process layer. */
    private readonly forget: () => void,
    private readonly options: PurgeEpochOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Reads now and then every `pollMs`, without keeping the process alive. */
  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
    void this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Whether the in-process layer may answer now. */
  trusted(): boolean {
    return this.storeFailing || this.now() - this.confirmedAt < this.options.trustMs;
  }

  /**
   * Counts the times the layer was emptied: a read of a lower tier that started before a change must not be copied
   * into the layer after it.
   */
  get generation(): number {
    return this.generationCount;
  }

  /** Tells every process that an entry was purged (after it is deleted from the shared store). */
  async announce(): Promise<void> {
    const known = this.last;
    const value = await this.store.bump();
    // Nobody else purged in between: this process already forgot the entry, no need to empty the layer again.
    if (known !== null && Number(known ?? 0) + 1 === value) this.last = String(value);
  }

  /** One read of the counter (skipped while one is in progress); a change empties the layer. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const sentAt = this.now();
    try {
      const value = await this.store.read();
      // The first read empties the layer too: what it took in before it may predate a purge.
      if (value !== this.last) {
        this.generationCount += 1;
        this.forget();
      }
      this.last = value;
      this.confirmedAt = sentAt;
      this.storeFailing = false;
    } catch {
      this.storeFailing = true;
    } finally {
      this.polling = false;
    }
  }
}
