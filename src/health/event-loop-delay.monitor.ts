import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HEALTH_TUNING, type HealthTuning } from './health.tuning.js';

/** How finely the delay is sampled (ms): a timer every 10 ms, as prom-client's own event-loop metrics do. */
const RESOLUTION_MS = 10;

function p99Ms(histogram: IntervalHistogram | undefined): number {
  // A sample is the time between two timer runs: the timer's own resolution is no delay.
  if (histogram === undefined || histogram.count === 0) return 0;
  return Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS);
}

/**
 * Measures how late the event loop runs: a process whose loop is saturated answers every request late, and
 * readiness takes it out of rotation until it has caught up. Each histogram lives two windows of
 * `eventLoopWindowMs`, a new one starting every window, and readiness reads the higher p99 of the two: a stall
 * counts for one to two windows, and one slow garbage collection among hundreds of samples does not. (A histogram
 * drops its first sample, so a histogram that is reset could miss a stall; the older one of the two never does.)
 */
@Injectable()
export class EventLoopDelayMonitor implements OnModuleInit, OnModuleDestroy {
  private older: IntervalHistogram | undefined;
  private newer: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(HEALTH_TUNING) private readonly tuning: HealthTuning) {}

  onModuleInit(): void {
    this.rotate();
    this.timer = setInterval(() => this.rotate(), this.tuning.eventLoopWindowMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.older?.disable();
    this.newer?.disable();
  }

  /** Whether a delay has been measured yet (the first sample comes one timer run after the start). */
  get measuring(): boolean {
    return (this.older?.count ?? 0) + (this.newer?.count ?? 0) > 0;
  }

  /** The p99 delay (ms) over the last one to two windows. */
  delayMs(): number {
    return Math.max(p99Ms(this.older), p99Ms(this.newer));
  }

  private rotate(): void {
    this.older?.disable();
    this.older = this.newer;
    this.newer = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.newer.enable();
  }
}
