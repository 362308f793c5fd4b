import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Piscina } from 'piscina';
import { DomainError } from '../common/errors/domain-error.js';
import { concurrencyConfig } from '../config/concurrency.config.js';
import type { Metadata } from '../extraction/extract.js';
import { PageParser, type ParseOptions, type ParseTicket } from './page-parser.js';
import { PARSE_STARTED, type PageBytes, type ParseTask } from './parse.worker.js';
import { unwatchParsePool, watchParsePool } from './parsing.metrics.js';

const NO_REQUIRE_ESM = '--no-experimental-require-module';

/**
 * The parse threads' flags: the process's own that a worker thread accepts, with require(esm) off where this Node
 * knows the flag. A worker refuses V8 and per-process flags in `execArgv` (`node --max-old-space-size=512 dist/main.js`
 * would not start): those are left to the main thread, where they belong. Node names the refused flags in its error,
 * so the list is tried once and the named ones are dropped.
 */
export function workerExecArgv(parentArgv: readonly string[] = process.execArgv): string[] {
  const wanted = process.allowedNodeEnvironmentFlags.has(NO_REQUIRE_ESM)
    ? [...parentArgv, NO_REQUIRE_ESM]
    : [...parentArgv];
  if (parentArgv.length === 0) return wanted;
  try {
    // A worker that does nothing: the flags are checked before its thread starts, synchronously.
    void new Worker('', { eval: true, execArgv: wanted, stdout: true, stderr: true }).terminate();
    return wanted;
  } catch (error) {
    const refused = refusedFlags(error);
    if (refused === undefined) throw error;
    return wanted.filter((flag) => !refused.has(flag));
  }
}

let ownFlags: string[] | undefined;

/** {@link workerExecArgv} of this process, worked out once. */
function ownWorkerExecArgv(): string[] {
  ownFlags ??= workerExecArgv();
  return ownFlags;
}

/** The flags an ERR_WORKER_INVALID_EXEC_ARGV names (`…invalid execArgv flags: --a=1, --b`), else `undefined`. */
function refusedFlags(error: unknown): Set<string> | undefined {
  if ((error as NodeJS.ErrnoException | null)?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return undefined;
  const message = (error as Error).message;
  return new Set(message.slice(message.indexOf(': ') + 2).split(', '));
}

/**
 * The compiled worker entry. Node cannot load TypeScript in a worker thread, so code running from `src/` (tests)
 * uses the built file in `dist/`.
 */
export function defaultWorkerFile(): string {
  const beside = new URL('./parse.worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside.href;
  return new URL('../../dist/parsing/parse.worker.js', import.meta.url).href;
}

/** Options of a {@link ParsePool}. */
export interface ParsePoolOptions {
  /** Worker threads. @default the number of cores */
  threads: number;
  /** Pages that may wait for a thread; beyond it `OVERLOADED`. @default 256 */
  queueMax: number;
  /**
   * Longest parse of one page, counted from the moment a thread starts it (never the wait for a thread); the thread
   * running it is terminated and replaced. @default 2000
   */
  timeoutMs: number;
  /**
   * Bytes of pages in flight (admitted and downloading, queued, parsing) beyond which new pages are refused with
   * `OVERLOADED`; one page is always let through, however large. @default 64 MiB
   */
  maxBytesInFlight: number;
  /**
   * The worker module: a default export `(task: ParseTask) => Metadata` that posts `{ [PARSE_STARTED]: task.id }` to
   * its parent port when it starts. @default the compiled parse.worker.js
   */
  workerFile?: string;
}

/** The load of a pool right now. */
export interface ParsePoolStats {
  /** Worker threads alive. */
  threads: number;
  /** Pages on a thread. */
  running: number;
  /** Pages waiting for a thread. */
  queued: number;
  /** Bytes held in the budget by admitted pages. */
  bytesInFlight: number;
  /** What a newly admitted page holds until its size is known: the running estimate of a page's size. */
  admissionBytes: number;
}

/** How much lower than the event loop's the parse threads' CPU priority is (a nice value, 0 to 19). */
export const PARSE_THREAD_NICENESS = 10;
/** Seconds a client is told to wait when the pool sheds a page. */
const RETRY_AFTER_SECONDS = 1;
/** What an admitted page holds of the budget until its size is known, before any page was seen: a typical page. */
export const ADMISSION_BYTES = 256 * 1024;
/** The least an admitted page holds, however small the recent pages were. */
const MIN_ADMISSION_BYTES = 16 * 1024;
/** Weight of the latest page in the running estimate of a page's size. */
const ESTIMATE_WEIGHT = 0.25;
/**
 * The longest wait for a thread to start a page handed to it (a terminated thread being replaced) before the page
 * fails as timed out: a last resort, so that no page waits forever for a thread that never comes up.
 */
const WORKER_START_MS = 10_000;

type OverloadCause = 'parse_queue' | 'parse_budget';

const OVERLOADED_DETAIL: Record<OverloadCause, string> = {
  parse_queue: 'Too many pages are waiting to be parsed; try again shortly',
  parse_budget: 'Too many bytes of pages are being parsed; try again shortly',
};

interface Job {
  task: ParseTask;
  resolve: (metadata: Metadata) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  settled: boolean;
}

/** The bytes as a Uint8Array that owns its whole ArrayBuffer, so that transferring it moves nothing else. */
function ownedBytes(bytes: Uint8Array): Uint8Array {
  const owns = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  // Small Buffers share a slab with others: those are copied (cheap at that size) rather than transferred.
  return owns && bytes.buffer instanceof ArrayBuffer ? bytes : new Uint8Array(bytes);
}

/**
 * Decodes and extracts pages on a pool of worker threads so that neither blocks the event loop. The pool sheds load
 * before memory runs out: pages hold a budget of bytes from before their download until their parse ends, and are
 * refused with `OVERLOADED` beyond it (and beyond `queueMax` waiting pages). A page's bytes are transferred to the
 * worker, not copied. The parse deadline counts the parse only, from the moment a thread starts the page; a crashed
 * or terminated thread fails only its own page and is replaced.
 */
export class ParsePool extends PageParser {
  private readonly logger = new Logger(ParsePool.name);
  private readonly pool: Piscina<ParseTask, Metadata>;
  private readonly waiting: Job[] = [];
  private readonly started = new Map<number, () => void>();
  private running = 0;
  private bytesInFlight = 0;
  private admissionBytes = ADMISSION_BYTES;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ParsePoolOptions) {
    super();
    this.pool = new Piscina({
      filename: options.workerFile ?? defaultWorkerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: 60_000,
      // A lower CPU priority for the parse threads (nice(2), through piscina's optional @napi-rs/nice): with as many
      // threads as cores, the event loop still gets a core at once when a request comes in.
      niceIncrement: PARSE_THREAD_NICENESS,
      // piscina first tries require() on the worker file and only then import(). On Node 20, require() of an ES
      // module now and then aborts the whole process (an assertion in CreateRequiredModuleFacade): with require(esm)
      // off in the worker, require() fails cleanly and piscina imports the module.
      execArgv: ownWorkerExecArgv(),
    });
    this.pool.on('message', (message: unknown) => {
      const id = (message as Record<string, unknown> | null)?.[PARSE_STARTED];
      if (typeof id === 'number') this.started.get(id)?.();
    });
    watchParsePool(this);
  }

  /** Pages waiting for a thread. */
  get queueSize(): number {
    return this.waiting.length;
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  stats(): ParsePoolStats {
    return {
      threads: this.threads,
      running: this.running,
      queued: this.waiting.length,
      bytesInFlight: this.bytesInFlight,
      admissionBytes: Math.round(this.admissionBytes),
    };
  }

  /**
   * Admits a page while the budget has room for one of the size pages have had lately (a running estimate), so that
   * under a flood of large pages those beyond the budget are refused before any request is sent for them, not after
   * their headers.
   */
  admit(): ParseTicket {
    if (this.closed) throw this.shuttingDown();
    const { maxBytesInFlight } = this.options;
    const estimate = Math.round(this.admissionBytes);
    if (this.bytesInFlight > 0 && this.bytesInFlight + estimate > maxBytesInFlight) {
      throw this.overloaded('parse_budget', { reachedUpstream: false });
    }
    let held = 0;
    /** The size the page announced (its Content-Length, its bytes so far, its body), once it did. */
    let announced = 0;
    let released = false;
    const hold = (bytes: number, force: boolean): void => {
      if (released) return;
      const growth = bytes - held;
      const others = this.bytesInFlight - held;
      if (!force && growth > 0 && others > 0 && this.bytesInFlight + growth > maxBytesInFlight) {
        throw this.overloaded('parse_budget');
      }
      this.bytesInFlight += growth;
      held = bytes;
    };
    const announce = (bytes: number, force: boolean): void => {
      announced = Math.max(announced, bytes);
      hold(bytes, force);
    };
    hold(estimate, true);
    return {
      reserve: (bytes) => announce(bytes, false),
      parse: (page, url, options) => {
        // The page is downloaded by now: it is held at its real size, whatever the budget says.
        announce(page.bytes.byteLength, true);
        return this.submit(page, url, options);
      },
      release: () => {
        if (released) return;
        hold(0, true);
        released = true;
        if (announced > 0) this.learnPageSize(announced);
      },
    };
  }

  /** Moves the running estimate of a page's size towards a page just seen. */
  private learnPageSize(bytes: number): void {
    const next = this.admissionBytes + ESTIMATE_WEIGHT * (bytes - this.admissionBytes);
    this.admissionBytes = Math.min(this.options.maxBytesInFlight, Math.max(MIN_ADMISSION_BYTES, next));
  }

  async close(): Promise<void> {
    unwatchParsePool(this);
    this.closed = true;
    for (const job of this.waiting.splice(0)) this.settle(job, () => job.reject(this.shuttingDown()));
    await this.pool.close({ force: true });
  }

  /** Queues a page; beyond `queueMax` waiting pages it is refused. The bytes are moved to the worker on dispatch. */
  private submit(page: PageBytes, url: string, options: ParseOptions = {}): Promise<Metadata> {
    if (this.closed) return Promise.reject(this.shuttingDown());
    if (this.running >= this.options.threads && this.waiting.length >= this.options.queueMax) {
      return Promise.reject(this.overloaded('parse_queue'));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<Metadata>((resolve, reject) => {
      const job: Job = { task: { ...page, url }, resolve, reject, signal, settled: false };
      if (signal !== undefined) {
        job.onAbort = () => {
          // A waiting page leaves the queue; a running one finishes on its thread, unheard.
          const index = this.waiting.indexOf(job);
          if (index >= 0) this.waiting.splice(index, 1);
          this.settle(job, () => reject(signal.reason as Error));
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.waiting.push(job);
      this.dispatch();
    });
  }

  private settle(job: Job, finish: () => void): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort !== undefined) job.signal?.removeEventListener('abort', job.onAbort);
    finish();
  }

  /** Hands waiting pages to free threads: piscina never queues, so a page's deadline starts on its thread. */
  private dispatch(): void {
    while (this.running < this.options.threads && this.waiting.length > 0) {
      const job = this.waiting.shift();
      if (job !== undefined) this.run(job);
    }
  }

  private run(job: Job): void {
    this.running += 1;
    const id = this.nextId++;
    const bytes = ownedBytes(job.task.bytes);
    const controller = new AbortController();
    let timedOut = false;
    const expire = (): void => {
      timedOut = true;
      controller.abort();
    };
    let timer = setTimeout(expire, this.options.timeoutMs + WORKER_START_MS);
    this.started.set(id, () => {
      clearTimeout(timer);
      timer = setTimeout(expire, this.options.timeoutMs);
    });
    // The thread is counted free again before the caller hears the outcome, and the next page starts at once.
    const done = (finish: () => void): void => {
      clearTimeout(timer);
      this.started.delete(id);
      this.running -= 1;
      this.dispatch();
      this.settle(job, finish);
    };
    this.pool
      .run({ ...job.task, bytes, id }, { signal: controller.signal, transferList: [bytes.buffer as ArrayBuffer] })
      .then(
        (metadata) => done(() => job.resolve(metadata)),
        (error: unknown) => done(() => job.reject(this.translate(error, job.task.url, timedOut))),
      );
  }

  private overloaded(cause: OverloadCause, details: Record<string, unknown> = {}): DomainError {
    return new DomainError('OVERLOADED', OVERLOADED_DETAIL[cause], {
      details: { cause, ...details },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    });
  }

  private shuttingDown(): DomainError {
    return new DomainError('SHUTTING_DOWN', 'The service is shutting down; try another instance');
  }

  private translate(error: unknown, url: string, timedOut: boolean): DomainError {
    if (this.closed) return this.shuttingDown();
    if (timedOut) {
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
    super({
      threads: cfg.parseWorkers,
      queueMax: cfg.parseQueueMax,
      timeoutMs: cfg.parseTimeoutMs,
      maxBytesInFlight: cfg.parseMaxInflightMb * 1024 * 1024,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
