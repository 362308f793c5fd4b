import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { PreviewCache, type CacheState } from '../cache/preview-cache.js';
import { DomainError } from '../common/errors/domain-error.js';
import { BODY_PREFIX_CHARS, detectBlockPage, type BlockReason } from '../extraction/block-page.js';
import type { Metadata } from '../extraction/extract.js';
import { manifestIcons } from '../extraction/manifest.js';
import type { IconInfo } from '../extraction/metadata.js';
import { decodeText } from '../fetcher/charset.js';
import { fetchManifest } from '../fetcher/manifest-fetch.js';
import { SafeFetcher, type FetchResult } from '../fetcher/safe-fetcher.js';
import { upstreamStatusError } from '../fetcher/upstream-errors.js';
import { OembedService } from '../oembed/oembed.service.js';
import { Timed } from '../metrics/timed.decorator.js';
import { PageParser } from '../parsing/page-parser.js';
import { htmlPreview, mediaPreview, type PreviewData } from './preview.mapper.js';

/** A preview with what the HTTP layer needs to know about its freshness. */
export interface PreviewResult {
  /**
   * The cached preview. Its entry is shared by every spelling of the URL that normalizes to the same key, so its
   * `url` is the first spelling's: answers show {@link PreviewResult.url} instead.
   */
  preview: PreviewData;
  /** The URL as this request asked for it. */
  url: string;
  state: CacheState;
  /** The store tier that answered (HIT or STALE). */
  tier?: string;
  /** Seconds the answer stays fresh (0 when stale). */
  maxAgeSeconds: number;
  /** The preview-cache key of the entry. */
  key: string;
  /** Identifies this version of the cached entry (for ETags). */
  version: string;
}

/** Options of one preview request. */
export interface PreviewOptions {
  /** Skip the cache read (the fresh answer is still stored). @default false */
  refresh?: boolean;
  /** Cancels the upstream work, e.g. when a batch client goes away. */
  signal?: AbortSignal;
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * Bytes of a page decoded on the main thread to tell a block page from the page: 4 bytes per character at most, so
 * the text is longer than any length a block signature checks (64 Ki characters) whenever the page is.
 */
const BLOCK_CHECK_BYTES = 256 * 1024;

const BLOCKED_DETAIL: Record<BlockReason, string> = {
  'bot-challenge': 'answered with a bot challenge instead of the page',
  consent: 'asks for consent to cookies before it shows the page',
  'login-wall': 'asks to log in before it shows the page',
  forbidden: 'refused access to the page',
};

/**
 * `UPSTREAM_BLOCKED` when the answer is a block page (challenge, consent or login wall, refusal) rather than the
 * page; else `UPSTREAM_ERROR` for a 4xx/5xx answer; else nothing.
 */
function refusalOf(url: string, fetched: FetchResult): DomainError | undefined {
  const verdict = detectBlockPage({
    status: fetched.status,
    headers: fetched.headers,
    requestedUrl: url,
    finalUrl: fetched.finalUrl,
    redirected: fetched.redirects.length > 0,
    body: fetched.raw === undefined ? fetched.body : decodedStart(fetched.raw, fetched),
  });
  const host = new URL(fetched.finalUrl).host;
  if (verdict !== undefined) {
    return new DomainError('UPSTREAM_BLOCKED', `${host} ${BLOCKED_DETAIL[verdict.reason]}`, {
      details: { reason: verdict.reason, upstreamStatus: fetched.status },
    });
  }
  return fetched.status >= 400 ? upstreamStatusError(host, fetched.status) : undefined;
}

/** The start of a page kept as bytes, decoded as the parse worker will decode the whole of it. */
function decodedStart(raw: Buffer, fetched: FetchResult): string {
  const start = raw.subarray(0, BLOCK_CHECK_BYTES);
  return decodeText(start, fetched.declaredCharset, 'html', fetched.truncated || start.length < raw.length).text;
}

/** Normalizes a target URL into the form used for cache keys: no fragment, lower-case scheme and host. */
export function normalizeTargetUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

/**
 * The preview pipeline: cache → fetch → parse (worker pool) → oEmbed → mapping. Throws domain errors only;
 * the HTTP layer turns them into problem+json.
 */
@Injectable()
export class PreviewsService {
  constructor(
    private readonly cache: PreviewCache,
    private readonly fetcher: SafeFetcher,
    private readonly parser: PageParser,
    private readonly oembed: OembedService,
  ) {}

  preview(url: string, options: PreviewOptions = {}): Promise<PreviewResult> {
    const key = this.cache.keyFor(normalizeTargetUrl(url), {});
    // `then`, not `async`: a cache hit resolves at once, and every extra promise costs it (request context hooks).
    return this.cache
      .resolve(key, () => this.build(url, options.signal), { refresh: options.refresh === true })
      .then((resolved) => ({
        preview: resolved.value,
        url,
        state: resolved.state,
        tier: resolved.tier,
        maxAgeSeconds: resolved.maxAgeSeconds,
        key,
        version: `${key}:${resolved.storedAt}`,
      }));
  }

  /**
   * Removes the cached preview of `url`.
   * @returns the cache key it had
   */
  async purge(url: string): Promise<string> {
    const key = this.cache.keyFor(normalizeTargetUrl(url), {});
    await this.cache.delete(key);
    return key;
  }

  /**
   * Builds a fresh preview, bypassing the cache. The parser's byte budget is asked first, before any request is
   * sent, and again as the page's size becomes known: a page the parser cannot afford is not downloaded.
   */
  @Timed()
  async build(url: string, signal?: AbortSignal): Promise<PreviewData> {
    const started = performance.now();
    const ticket = this.parser.admit();
    let fetched: FetchResult;
    let metadata: Metadata;
    let parse: number;
    try {
      fetched = await this.fetcher.fetch(url, {
        mode: 'html',
        signal,
        // Error answers are read a little, so that a challenge served with 403 or 503 is told apart from an error.
        errorBodyBytes: BODY_PREFIX_CHARS,
        // Pages travel to the parse worker as bytes: decoding them is its job, off the main thread.
        keepBytes: true,
        admitBytes: (bytes) => ticket.reserve(bytes),
      });
      const refusal = refusalOf(url, fetched);
      if (refusal !== undefined) throw refusal;
      // Without a Content-Type the fetcher reads the body as text, and pages are what such servers send.
      if (fetched.raw === undefined || (fetched.contentType !== undefined && !HTML_TYPES.has(fetched.contentType))) {
        return mediaPreview(url, fetched, { parse: 0, total: performance.now() - started });
      }
      const parseStarted = performance.now();
      const page = { bytes: fetched.raw, declaredCharset: fetched.declaredCharset, truncated: fetched.truncated };
      metadata = await ticket.parse(page, fetched.finalUrl, { signal });
      parse = performance.now() - parseStarted;
    } finally {
      ticket.release();
    }
    const [oembed, icons] = await Promise.all([
      this.oembed.forPage(fetched.finalUrl, metadata.oembedLinks ?? [], { signal }),
      this.manifestIcons(metadata.manifestUrl, signal),
    ]);
    return htmlPreview(url, fetched, metadata, oembed, { parse, total: performance.now() - started }, icons);
  }

  /** The icons of the web-app manifest the page names, if it names one; none when it cannot be read. */
  private async manifestIcons(manifestUrl: string | undefined, signal?: AbortSignal): Promise<IconInfo[]> {
    if (manifestUrl === undefined) return [];
    return manifestIcons(await fetchManifest(this.fetcher, manifestUrl, signal), manifestUrl);
  }
}
