/**
 * The deadline of one fetch, counting only the time spent on the upstream: it runs while a request is out and stands
 * still while the fetch waits for one of the origin's connections or for the origin's budget, so that queueing is
 * never reported as the upstream being slow.
 */
export class UpstreamDeadline {
  private readonly controller = new AbortController();
  private remainingMs: number;
  private runningSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly timeoutMs: number) {
    this.remainingMs = timeoutMs;
  }

  /** Aborts once the upstream time has reached `timeoutMs`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  /** Starts (or resumes) counting. */
  run(): void {
    if (this.runningSince !== undefined || this.expired) return;
    this.runningSince = performance.now();
    this.timer = setTimeout(() => this.controller.abort(new Error('fetch deadline')), this.remainingMs);
  }

  /** Stops counting, keeping what is left for the next request of the fetch. */
  pause(): void {
    if (this.runningSince === undefined) return;
    clearTimeout(this.timer);
    this.remainingMs = Math.max(0, this.remainingMs - (performance.now() - this.runningSince));
    this.runningSince = undefined;
  }

  /** Stops the timer for good (the fetch is over). */
  dispose(): void {
    clearTimeout(this.timer);
    this.runningSince = undefined;
  }
}
