import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import pLimit from 'p-limit';
import { asCompleted } from '../common/concurrency/as-completed.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ERROR_CATALOGUE } from '../common/errors/error-codes.js';
import { HTTP_URL_RULE, isHttpUrl } from '../common/validation/is-http-url.decorator.js';
import { concurrencyConfig } from '../config/concurrency.config.js';
import { batchSize } from './batch.metrics.js';
import { BatchErrorDto, BatchItemDto } from './dto/batch.dto.js';
import { PreviewDto } from './dto/preview.dto.js';
import type { PreviewData } from './preview.mapper.js';
import { normalizeTargetUrl, PreviewsService } from './previews.service.js';

const CLIENT_GONE = new DomainError('UPSTREAM_ERROR', 'The client went away', { details: { cause: 'cancelled' } });
/**
 * Why the work still running at the batch deadline is cancelled. Not a timeout of the target (whose answer would be
 * cached as the target's): the batch stopped waiting, nothing more is known of the target.
 */
const PAST_DEADLINE = new DomainError('UPSTREAM_ERROR', 'The batch deadline passed', {
  details: { cause: 'cancelled' },
});

/** The work for one distinct URL of a batch, shared by its duplicates. */
interface SharedPreview {
  /** Whether the work has left the fan-out queue (it may have reached the upstream). */
  progress: { started: boolean };
  preview: Promise<PreviewData>;
}

/** Turns any failure of one URL into its batch error entry; unexpected errors reveal nothing internal. */
function toBatchError(error: unknown): BatchErrorDto {
  const domain =
    error instanceof DomainError
      ? error
      : new DomainError('INTERNAL_ERROR', 'An unexpected error occurred while previewing this URL');
  const { status, title } = ERROR_CATALOGUE[domain.code];
  const { upstreamStatus, cause, reason, reachedUpstream } = (domain.details ?? {}) as {
    upstreamStatus?: number;
    cause?: string;
    reason?: string;
    reachedUpstream?: boolean;
  };
  return Object.assign(new BatchErrorDto(), {
    code: domain.code,
    status,
    title,
    detail: domain.message,
    upstreamStatus,
    cause,
    reason,
    reachedUpstream,
  });
}

/**
 * Previews many URLs at once: each URL validated on its own, duplicates fetched once, fan-out bounded by
 * BATCH_CONCURRENCY (the per-origin bound is the fetcher's), the whole batch bounded by BATCH_TIMEOUT_MS: a URL not
 * done by then gets its own `UPSTREAM_TIMEOUT` entry and its work is cancelled. Results come in request order, or as
 * they complete.
 */
@Injectable()
export class BatchService {
  private readonly logger = new Logger(BatchService.name);

  constructor(
    private readonly previews: PreviewsService,
    @Inject(concurrencyConfig.KEY) private readonly cfg: ConfigType<typeof concurrencyConfig>,
  ) {}

  get maxUrls(): number {
    return this.cfg.batchMaxUrls;
  }

  /** Refuses a batch larger than BATCH_MAX_URLS as a whole: that is the caller's mistake, not one URL's. */
  checkSize(urls: readonly unknown[]): void {
    if (urls.length <= this.cfg.batchMaxUrls) return;
    const message = `urls must contain no more than ${this.cfg.batchMaxUrls} elements`;
    throw new DomainError('VALIDATION_FAILED', `Request validation failed: urls: ${message}`, {
      details: { errors: [{ field: 'urls', messages: [message] }] },
    });
  }

  /**
   * One promise per URL, in request order; none rejects, and all settle by BATCH_TIMEOUT_MS. Aborting `signal`, or
   * the deadline, cancels the work still running (fetches, parses) and the work not started yet.
   */
  start(urls: readonly unknown[], signal: AbortSignal): Promise<BatchItemDto>[] {
    batchSize.observe(urls.length);
    const limit = pLimit(this.cfg.batchConcurrency);
    const work = new AbortController();
    const stopWork = (): void => work.abort(signal.reason);
    if (signal.aborted) stopWork();
    else signal.addEventListener('abort', stopWork, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof PAST_DEADLINE>((resolve) => {
      timer = setTimeout(() => {
        work.abort(PAST_DEADLINE);
        resolve(PAST_DEADLINE);
      }, this.cfg.batchTimeoutMs);
    });
    const shared = new Map<string, SharedPreview>();
    const previewOnce = (url: string): SharedPreview => {
      const key = normalizeTargetUrl(url);
      let pending = shared.get(key);
      if (pending === undefined) {
        const progress = { started: false };
        const preview = limit(async () => {
          work.signal.throwIfAborted();
          progress.started = true;
          return (await this.previews.preview(url, { signal: work.signal })).preview;
        });
        // Past the deadline nobody waits for it any more: its (cancelled) end is not a failure to report.
        preview.catch(() => undefined);
        pending = { progress, preview };
        shared.set(key, pending);
      }
      return pending;
    };
    const items = urls.map(async (url, index) => {
      const item = Object.assign(new BatchItemDto(), { index, url });
      if (!isHttpUrl(url)) {
        const detail = `url must be ${HTTP_URL_RULE}`;
        return Object.assign(item, { ok: false, error: toBatchError(new DomainError('INVALID_URL', detail)) });
      }
      const pending = previewOnce(url);
      try {
        const done = await Promise.race([pending.preview, deadline]);
        if (done === PAST_DEADLINE) {
          return Object.assign(item, { ok: false, error: this.pastDeadline(pending.progress.started) });
        }
        const preview = Object.assign(new PreviewDto(), done, { url });
        return Object.assign(item, { ok: true, preview });
      } catch (error) {
        if (!(error instanceof DomainError)) this.logger.error({ err: error, url }, 'batch item failed');
        return Object.assign(item, { ok: false, error: toBatchError(error) });
      }
    });
    void Promise.all(items).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', stopWork);
    });
    return items;
  }

  /** The entry of a URL not done by BATCH_TIMEOUT_MS; one whose work had not started never reached the upstream. */
  private pastDeadline(started: boolean): BatchErrorDto {
    const ms = this.cfg.batchTimeoutMs;
    const error = new DomainError(
      'UPSTREAM_TIMEOUT',
      `not done within the batch deadline (BATCH_TIMEOUT_MS, ${ms} ms)`,
      {
        details: started ? { cause: 'batch_deadline' } : { cause: 'batch_deadline', reachedUpstream: false },
      },
    );
    return toBatchError(error);
  }

  /** Items in request order (without their index). */
  async inOrder(urls: readonly unknown[], signal: AbortSignal): Promise<BatchItemDto[]> {
    const items = await Promise.all(this.start(urls, signal));
    return items.map((item) => Object.assign(item, { index: undefined }));
  }

  /**
   * Items as they complete. `controller` is aborted when the client goes away (the caller watches the socket, since
   * a generator waiting for its next item cannot be stopped before it arrives) and when the iteration ends early.
   */
  async *asCompleted(urls: readonly unknown[], controller: AbortController): AsyncGenerator<BatchItemDto, void> {
    try {
      yield* asCompleted(this.start(urls, controller.signal));
    } finally {
      controller.abort(CLIENT_GONE);
    }
  }
}
