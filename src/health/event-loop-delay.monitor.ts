import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HEALTH_TUNING, type HealthTuning } from './health.tuning.js';

/** How finely the delay is sampled (ms): a timer every 10 ms, as prom-client's own event-loop metrics do. */
const RESOLUTION_MS = 10;

/**
 * Measures how late the event loop runs, in windows of `eventLoopWindowMs`: a process whose loop is saturated answers
 * every request late, and readiness takes it out of rotation until it has caught up. Readiness reads the p99 of the
 * last complete window and of the current one, whichever is higher, so one stall counts for one to two windows and a
 * single slow garbage collection among hundreds of samples does not.
 */
@Injectable()
export class EventLoopDelayMonitor implements OnModuleInit, OnModuleDestroy {
  private histogram: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWindowP99Ms = 0;

  constructor(@Inject(HEALTH_TUNING) private readonly tuning: HealthTuning) {}

  onModuleInit(): void {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.timer = setInterval(() => this.rotate(), this.tuning.eventLoopWindowMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
  }

  /** The p99 delay (ms) of the last complete window and the current one, whichever is higher. */
  delayMs(): number {
    return Math.max(this.lastWindowP99Ms, this.currentP99Ms());
  }

  private currentP99Ms(): number {
    const histogram = this.histogram;
    // The delay is measured with the timer's own resolution added: that much is no delay.
    if (histogram === undefined || histogram.count === 0) return 0;
    return Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS);
  }

  private rotate(): void {
    this.lastWindowP99Ms = this.currentP99Ms();
    this.histogram?.reset();
  }
}
