import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Piscina } from 'piscina';
import { DomainError } from '../common/errors/domain-error.js';
import { concurrencyConfig } from '../config/concurrency.config.js';
import type { Metadata } from '../extraction/extract.js';
import { PageParser } from './page-parser.js';
import { unwatchParsePool, watchParsePool, type PoolLoad } from './parsing.metrics.js';

/**
 * The compiled worker entry. Node cannot load TypeScript in a worker thread, so code running from `src/` (tests)
 * uses the built file in `dist/`.
 */
export function defaultWorkerFile(): string {
  const beside = new URL('../extraction/extract.worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside.href;
  return new URL('../../dist/extraction/extract.worker.js', import.meta.url).href;
}

/** Options of a {@link ParsePool}. */
export interface ParsePoolOptions {
  /** Worker threads. @default the number of cores */
  threads: number;
  /** Tasks that may wait for a thread; beyond it `OVERLOADED`. @default 256 */
  queueMax: number;
  /** Longest parse of one page; the thread running it is terminated and replaced. @default 2000 */
  timeoutMs: number;
  /** The worker module (a default export `(task) => Metadata`). @default the compiled extract.worker.js */
  workerFile?: string;
}

/** Seconds a client is told to wait when the queue is full. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Runs `extract()` on a pool of worker threads so that parsing never blocks the event loop. The queue is bounded,
 * every task has a deadline, and a crashed or terminated thread fails only its own task and is replaced.
 */
export class ParsePool extends PageParser {
  private readonly logger = new Logger(ParsePool.name);
  private readonly pool: Piscina<{ html: string; url: string }, Metadata>;
  /** Tasks running or waiting. Counted here: piscina checks its own limit only while its queue is non-empty. */
  private pending = 0;

  constructor(private readonly options: ParsePoolOptions) {
    super();
    this.pool = new Piscina({
      filename: options.workerFile ?? defaultWorkerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: 60_000,
    });
    watchParsePool(this);
  }

  /** Tasks waiting for a thread. */
  get queueSize(): number {
    return Math.max(0, this.pending - this.options.threads);
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  /** The pool's load right now, for readiness and the pool gauges. */
  stats(): PoolLoad {
    return {
      threads: this.pool.threads.length,
      running: Math.min(this.pending, this.options.threads),
      queued: this.queueSize,
    };
  }

  async parse(html: string, url: string): Promise<Metadata> {
    if (this.pending >= this.options.threads + this.options.queueMax) throw this.overloaded();
    this.pending += 1;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      return await this.pool.run({ html, url }, { signal });
    } catch (error) {
      throw this.translate(error, url, signal);
    } finally {
      this.pending -= 1;
    }
  }

  async close(): Promise<void> {
    unwatchParsePool(this);
    await this.pool.close({ force: true });
  }

  private overloaded(): DomainError {
    return new DomainError('OVERLOADED', 'Too many pages are waiting to be parsed; try again shortly', {
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    });
  }

  private translate(error: unknown, url: string, signal: AbortSignal): DomainError {
    if (signal.aborted) {
      return new DomainError('UPSTREAM_ERROR', `The page took longer than ${this.options.timeoutMs} ms to parse`, {
        details: { cause: 'parse_timeout' },
        cause: error,
      });
    }
    this.logger.error({ err: error, url }, 'parse worker failed');
    return new DomainError('UPSTREAM_ERROR', 'The page could not be parsed', {
      details: { cause: 'parse_failed' },
      cause: error,
    });
  }
}

/** The pool as a Nest provider: started with the app, closed with it. */
@Injectable()
export class ParsePoolProvider extends ParsePool implements OnModuleDestroy {
  constructor(@Inject(concurrencyConfig.KEY) cfg: ConfigType<typeof concurrencyConfig>) {
    super({ threads: cfg.parseWorkers, queueMax: cfg.parseQueueMax, timeoutMs: cfg.parseTimeoutMs });
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
