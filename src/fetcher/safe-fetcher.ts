import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { buildConnector, type Dispatcher } from 'undici';
import { DomainError } from '../common/errors/domain-error.js';
import { fetchConfig } from '../config/fetch.config.js';
import { canonicalAllowList } from './address-policy.js';
import { ACCEPT_ENCODING, discard, readCapped } from './body-reader.js';
import { decodeText } from './charset.js';
import { CountFetchOutcomes } from './fetcher.metrics.js';
import { bodyKindFor, parseContentType, type FetchMode } from './content-kind.js';
import { connectTraceStorage, guardedConnector, type ConnectTrace } from './guarded-connector.js';
import { HostResolver } from './host-resolver.js';
import { MemoryOriginBudget, OriginBudget } from './origin-budget.js';
import { OriginLanes, type OriginSlot } from './origin-lanes.js';
import { UpstreamDeadline } from './upstream-deadline.js';
import { toUpstreamError, upstreamStatusError } from './upstream-errors.js';
import { checkUrl, type UrlGatePolicy } from './url-gate.js';

/** How the fetcher is set up: the `fetch` config namespace, or plain values in tests. */
export interface SafeFetcherOptions {
  /** Deadline of one whole fetch (every hop, headers and body). @default 8000 */
  timeoutMs: number;
  /** Longest TCP + TLS connect, and longest DNS resolution, of one connection. @default 3000 */
  connectTimeoutMs: number;
  /** Cap on decoded body bytes (after gzip / deflate / br). @default 5242880 */
  maxBytes: number;
  /** Redirects followed before giving up; every hop passes both gates again. @default 5 */
  maxRedirects: number;
  /** The `User-Agent` sent upstream: honest, with a contact URL. @default DEFAULT_USER_AGENT */
  userAgent: string;
  /** Exact `host:port` entries reachable although private (tests, intranets). @default [] */
  allowPrivate: readonly string[];
  /** Ports a target may use. @default [80, 443, 8080, 8443] */
  allowedPorts: readonly number[];
  /**
   * Most open requests (and connections) to one origin from this process, whoever asks: pages, oEmbed, manifests and
   * image probes alike. @default 4
   */
  perHostConcurrency: number;
  /**
   * Most upstream requests to one origin per second (each redirect hop counts), across every process sharing the
   * {@link OriginBudget}'s store; 0 turns the budget off. @default 10
   */
  perOriginPerSecond?: number;
  /**
   * Longest wait of one fetch, over all its hops, for one of the origin's connections and for the origin's budget;
   * beyond it `OVERLOADED` (503, `Retry-After`). The deadline (`timeoutMs`) does not run while a fetch waits.
   * @default 2000
   */
  queueTimeoutMs?: number;
  /** Bytes read from an image for its dimensions. @default 65536 */
  imageHeadBytes?: number;
  /**
   * Opens a socket to an address that already passed the guard. Tests swap it to observe which address is dialled;
   * it never sees an address the guard refused. @default undici's `buildConnector` with `connectTimeoutMs`
   */
  dial?: buildConnector.connector;
}

/** Per-call options of {@link SafeFetcher.fetch}. */
export interface FetchOptions {
  /** What the caller will do with the body; decides what is read and how it is decoded. @default 'html' */
  mode?: FetchMode;
  /** Cap on decoded body bytes for this call (oEmbed uses 256 KiB). @default the configured `maxBytes` */
  maxBytes?: number;
  /** The `Accept` header. @default one suited to `mode` */
  accept?: string;
  /** Cancels the fetch (a batch client went away); the fetch then rejects with the signal's reason. @default none */
  signal?: AbortSignal;
  /**
   * Read this many decoded bytes of a 4xx/5xx answer and return it (`status` ≥ 400) for the caller to judge (a
   * block page served with 403 or 503), instead of throwing `UPSTREAM_ERROR`. @default 0 (throw)
   */
  errorBodyBytes?: number;
  /**
   * Extra request headers (provider tokens). Sent only to the origin of the first URL, never after a redirect to
   * another origin, and never logged. They cannot replace the headers the fetcher owns. @default {}
   */
  headers?: Record<string, string>;
  /**
   * HTML answers below 400: keep the decoded bytes in `raw` instead of decoding them into `body`, for a caller that
   * decodes them elsewhere (the parse worker, with `declaredCharset` and `truncated`). @default false
   */
  keepBytes?: boolean;
  /**
   * Told how many bytes the body will hold before it is read: first its `Content-Length` (at most the cap) when the
   * server declares one, then the running total whenever the decoded bytes pass the last figure announced. Throwing
   * stops the read at once, the socket is dropped, and the fetch rejects with what was thrown (a caller that can no
   * longer afford the page sheds it before it is downloaded). @default none
   */
  admitBytes?: (bytes: number) => void;
}

/** One followed redirect: the URL that answered with a redirect, and its status. */
export interface FetchRedirect {
  url: string;
  status: number;
}

/** Milliseconds spent per phase, summed over every hop (0 when a pooled connection was reused). */
export interface FetchTimings {
  dns: number;
  connect: number;
  /** From sending the last request to its response headers. */
  ttfb: number;
  /** Reading and decoding the body of the last response. */
  download: number;
}

/** The answer of one fetch, after redirects. */
export interface FetchResult {
  /** The URL that gave the final answer: the base of relative URLs in the body. */
  finalUrl: string;
  status: number;
  /** Response headers of the final answer, repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Lower-case media type without parameters; undefined when the server sent none. */
  contentType?: string;
  /** The encoding `body` was decoded with; undefined when no text was read. */
  charset?: string;
  /** The decoded text (HTML, JSON, XML); empty for images, types that are not read, and `keepBytes` pages. */
  body: string;
  /** With `keepBytes`, the page's bytes, content codings undone but not decoded to text. */
  raw?: Buffer;
  /** The `charset` parameter of Content-Type, as the server wrote it. */
  declaredCharset?: string;
  /** The first bytes of an image (for its dimensions); only for images. */
  head?: Buffer;
  /** Decoded bytes read. */
  bytes: number;
  /** Whether the body went on past the cap and was cut there (HTML and image heads only). */
  truncated: boolean;
  redirects: FetchRedirect[];
  timings: FetchTimings;
}

/** What reading a body gave, before the rest of the answer is put around it. */
type ReadBody = Pick<FetchResult, 'body' | 'charset' | 'head' | 'raw' | 'bytes' | 'truncated'>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_IMAGE_HEAD_BYTES = 65_536;
/** A redirect body is read (so the connection can be reused) up to this size, then the socket is dropped. */
const REDIRECT_BODY_LIMIT = 16_384;
const UNDICI_TIMER_MARGIN_MS = 1000;
const DEFAULT_PER_ORIGIN_PER_SECOND = 10;
const DEFAULT_QUEUE_TIMEOUT_MS = 2000;
/** What a client is told to wait after a fetch found no place in time: the budget's window, a second. */
const RETRY_AFTER_SECONDS = 1;
const ACCEPT_LANGUAGE = 'en-US,en;q=0.9,*;q=0.5';

const ACCEPT_BY_MODE: Readonly<Record<FetchMode, string>> = {
  html: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
  json: 'application/json,application/*+json;q=0.9,*/*;q=0.5',
  xml: 'text/xml,application/xml;q=0.9,*/*;q=0.5',
  image: 'image/avif,image/webp,image/png,image/jpeg,image/*;q=0.9,*/*;q=0.5',
};

/** Headers the fetcher owns: a caller's extra headers cannot replace them (framing, identity, decoding). */
const OWNED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'te',
  'upgrade',
  'keep-alive',
  'accept-encoding',
  'user-agent',
]);

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Resolves with nothing; rejects with the signal's reason as soon as it aborts. */
function abortion(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/** The fragment never reaches the server: `/a#x` and `/a` are the same hop for loop detection. */
function withoutFragment(url: URL): string {
  const copy = new URL(url);
  copy.hash = '';
  return copy.href;
}

function elapsedSince(start: number): number {
  return Math.round(performance.now() - start);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Tells `admitBytes` the size a body will have before it is read (its Content-Length, at most `cap`; the body is
 * dropped if that is refused), and returns the progress hook that tells it each decoded total beyond the last
 * figure; none without `admitBytes`.
 */
function announceBytes(
  admitBytes: ((bytes: number) => void) | undefined,
  body: Dispatcher.ResponseData['body'],
  declaredLength: number,
  cap: number,
): ((size: number) => void) | undefined {
  if (admitBytes === undefined) return undefined;
  let announced = 0;
  if (declaredLength >= 0) {
    announced = Math.min(declaredLength, cap);
    try {
      admitBytes(announced);
    } catch (error) {
      discard(body);
      throw error;
    }
  }
  return (size) => {
    if (size <= announced) return;
    announced = size;
    admitBytes(size);
  };
}

/** Why a fetch was answered without a request: no connection of the origin was free, or its budget was spent. */
type ShedCause = 'origin_queue' | 'origin_budget';

const SHED_DETAIL: Record<ShedCause, (host: string, waitedMs: number) => string> = {
  origin_queue: (host, ms) => `${host} is busy: none of its connections became free within ${ms} ms`,
  origin_budget: (host, ms) => `${host} has had its share of fetches: no room in its budget within ${ms} ms`,
};

/** The wait of one fetch for its origins, shared by every hop: it ends at one instant, whatever the hops. */
interface WaitAllowance {
  until: number;
  totalMs: number;
}

/**
 * The only way the service reaches the network. Every URL passes the URL gate (scheme, userinfo, port, length) and
 * every connection the address gate (the connector resolves, vets every address, then dials the vetted IP).
 * Redirects are followed by hand through both gates; one deadline bounds the whole fetch; bodies are decoded and
 * capped in decoded bytes; text is decoded by BOM, Content-Type and `<meta>`.
 */
@Injectable()
export class SafeFetcher implements OnModuleDestroy {
  private readonly lanes: OriginLanes;
  private readonly policy: UrlGatePolicy;
  private readonly imageHeadBytes: number;
  private readonly budget: OriginBudget;
  private readonly perOriginPerSecond: number;
  private readonly queueTimeoutMs: number;

  constructor(
    @Inject(fetchConfig.KEY) private readonly options: SafeFetcherOptions,
    @Inject(HostResolver) resolver: HostResolver,
    // Provided by the app (memcached when the cache store is memcached); a fetcher on its own counts per process.
    @Optional() @Inject(OriginBudget) budget?: OriginBudget,
  ) {
    const allowPrivate = canonicalAllowList(options.allowPrivate);
    this.policy = { allowedPorts: new Set(options.allowedPorts), allowPrivate };
    this.imageHeadBytes = options.imageHeadBytes ?? DEFAULT_IMAGE_HEAD_BYTES;
    this.budget = budget ?? new MemoryOriginBudget();
    this.perOriginPerSecond = options.perOriginPerSecond ?? DEFAULT_PER_ORIGIN_PER_SECOND;
    this.queueTimeoutMs = options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
    this.lanes = new OriginLanes({
      connections: options.perHostConcurrency,
      pool: {
        // undici's own timers are only a second line (they reset per chunk and tick coarsely): set past the deadline
        // so the deadline, which bounds the whole fetch, is what callers see.
        headersTimeout: options.timeoutMs + UNDICI_TIMER_MARGIN_MS,
        bodyTimeout: options.timeoutMs + UNDICI_TIMER_MARGIN_MS,
        connect: guardedConnector({
          resolver,
          allowPrivate,
          resolveTimeoutMs: options.connectTimeoutMs,
          dial: options.dial ?? buildConnector({ timeout: options.connectTimeoutMs }),
        }),
      },
    });
  }

  /**
   * Fetches `url` (GET only) under every limit of the service. Each hop first waits (at most `queueTimeoutMs` over
   * the whole fetch) for one of its origin's connections and for room in the origin's budget; the deadline counts
   * only the time after that.
   * @throws DomainError `INVALID_URL`, `BLOCKED_DESTINATION`, `UPSTREAM_ERROR` (details.cause: status, refused, reset,
   *   tls, protocol, dns, decode, too_many_redirects, redirect_loop, network), `UPSTREAM_TOO_LARGE`, `UPSTREAM_TIMEOUT`,
   *   `OVERLOADED` (details.cause: origin_queue, origin_budget; details.reachedUpstream); the caller's own abort
   *   reason when its signal aborts, and whatever `admitBytes` threw.
   */
  @CountFetchOutcomes()
  async fetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
    const gate = checkUrl(url, this.policy);
    if (!gate.ok) throw new DomainError('INVALID_URL', gate.detail, { details: { reason: gate.reason } });
    const deadline = new UpstreamDeadline(this.options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
    const trace: ConnectTrace = { dnsMs: 0, connectMs: 0 };
    const wait = { until: performance.now() + this.queueTimeoutMs, totalMs: this.queueTimeoutMs };
    const work = connectTraceStorage.run(trace, () => this.follow(gate.url, options, signal, trace, deadline, wait));
    // Whatever undici is doing (a trickle, a 1xx flood, a hung resolver), the answer comes at the deadline.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, abortion(signal)]);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (deadline.expired) {
        throw new DomainError('UPSTREAM_TIMEOUT', `no complete answer within ${this.options.timeoutMs} ms`, {
          details: { cause: 'deadline', timeoutMs: this.options.timeoutMs },
          cause: error,
        });
      }
      throw toUpstreamError(error, gate.url.host);
    } finally {
      deadline.dispose();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.lanes.close();
  }

  /**
   * A place among `url`'s origin's connections, then room in its budget, within what is left of the fetch's wait.
   * The place is held while the budget is awaited: a process then asks the shared budget for at most
   * `perHostConcurrency` fetches of an origin at a time, however many wait behind them.
   * @throws DomainError `OVERLOADED` when the wait runs out; the signal's reason when it aborts
   */
  private async admit(url: URL, wait: WaitAllowance, signal: AbortSignal, reached: boolean): Promise<OriginSlot> {
    const slot = await this.lanes.acquire(url.origin, Math.max(0, wait.until - performance.now()), signal);
    if (slot === undefined) throw this.shed('origin_queue', url, wait, reached);
    try {
      await this.withinBudget(url, wait, signal, reached);
      return slot;
    } catch (error) {
      slot.release();
      throw error;
    }
  }

  private async withinBudget(url: URL, wait: WaitAllowance, signal: AbortSignal, reached: boolean): Promise<void> {
    if (this.perOriginPerSecond === 0) return;
    for (;;) {
      const now = Date.now();
      const second = Math.floor(now / 1000);
      if ((await this.budget.count(url.origin, second)) <= this.perOriginPerSecond) return;
      // Over the budget: the next window opens at the next whole second, for every process alike.
      const untilNextWindow = (second + 1) * 1000 - now;
      if (performance.now() + untilNextWindow > wait.until) throw this.shed('origin_budget', url, wait, reached);
      await sleep(untilNextWindow, signal);
    }
  }

  private shed(cause: ShedCause, url: URL, wait: WaitAllowance, reachedUpstream: boolean): DomainError {
    return new DomainError('OVERLOADED', SHED_DETAIL[cause](url.host, wait.totalMs), {
      // reachedUpstream: false says that no request of this fetch left the service (nothing is known of the target).
      details: { cause, reachedUpstream },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    });
  }

  private requestHeaders(url: URL, origin: string, options: FetchOptions): Record<string, string> {
    const headers: Record<string, string> = {};
    // Provider tokens belong to the origin they were meant for, not to wherever it redirects.
    if (url.origin === origin) {
      for (const [name, value] of Object.entries(options.headers ?? {})) {
        if (!OWNED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
      }
    }
    headers['user-agent'] = this.options.userAgent;
    headers['accept'] = options.accept ?? ACCEPT_BY_MODE[options.mode ?? 'html'];
    headers['accept-language'] ??= ACCEPT_LANGUAGE;
    headers['accept-encoding'] = ACCEPT_ENCODING;
    return headers;
  }

  private async follow(
    first: URL,
    options: FetchOptions,
    signal: AbortSignal,
    trace: ConnectTrace,
    deadline: UpstreamDeadline,
    wait: WaitAllowance,
  ): Promise<FetchResult> {
    const redirects: FetchRedirect[] = [];
    const seen = new Set<string>();
    let url = first;
    for (;;) {
      seen.add(withoutFragment(url));
      const slot = await this.admit(url, wait, signal, redirects.length > 0);
      let location: string | undefined;
      let status: number;
      // The place is held until the body is read or dropped: only then is the connection free for the next fetch.
      try {
        deadline.run();
        const phasesBefore = trace.dnsMs + trace.connectMs;
        const sent = performance.now();
        const response = await slot.pool.request({
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: this.requestHeaders(url, first.origin, options),
          signal,
        });
        const phases = trace.dnsMs + trace.connectMs - phasesBefore;
        const ttfb = Math.max(0, Math.round(performance.now() - sent - phases));
        status = response.statusCode;
        location = firstHeader(response.headers.location);
        if (!REDIRECT_STATUSES.has(status) || location === undefined) {
          return await this.readAnswer(url, response, options, redirects, trace, ttfb);
        }
        await response.body.dump({ limit: REDIRECT_BODY_LIMIT }).catch(() => undefined);
      } finally {
        deadline.pause();
        slot.release();
      }
      redirects.push({ url: url.href, status });
      url = this.nextHop(url, location, redirects.length, seen);
    }
  }

  /** Where a redirect leads, through the URL gate again; the address gate runs when the connection opens. */
  private nextHop(current: URL, location: string, hop: number, seen: ReadonlySet<string>): URL {
    if (hop > this.options.maxRedirects) {
      throw new DomainError('UPSTREAM_ERROR', `more than ${this.options.maxRedirects} redirects`, {
        details: { cause: 'too_many_redirects', maxRedirects: this.options.maxRedirects },
      });
    }
    // `new URL(location, current)` reads `//host`, `\\host` and `/\host` the way browsers do: as another host.
    const gate = checkUrl(location, this.policy, current);
    if (!gate.ok) {
      if (gate.reason === 'unparsable') {
        throw new DomainError('UPSTREAM_ERROR', 'the redirect Location is not a URL', {
          details: { cause: 'protocol' },
        });
      }
      throw new DomainError('BLOCKED_DESTINATION', `redirect refused: ${gate.detail}`, {
        details: { reason: gate.reason, redirect: hop },
      });
    }
    if (seen.has(withoutFragment(gate.url))) {
      throw new DomainError('UPSTREAM_ERROR', 'the redirects go round in a loop', {
        details: { cause: 'redirect_loop' },
      });
    }
    return gate.url;
  }

  private async readAnswer(
    url: URL,
    response: Dispatcher.ResponseData,
    options: FetchOptions,
    redirects: FetchRedirect[],
    trace: ConnectTrace,
    ttfb: number,
  ): Promise<FetchResult> {
    const { statusCode: status, body } = response;
    const errorBodyBytes = options.errorBodyBytes ?? 0;
    if (status >= 400 && errorBodyBytes <= 0) {
      discard(body);
      throw upstreamStatusError(url.host, status);
    }
    // A redirect without a Location (or of a kind that is not followed) is not the page: its body is no preview.
    if (status >= 300 && status < 400) {
      discard(body);
      throw upstreamStatusError(url.host, status, ' without a redirect to follow');
    }
    const mode = options.mode ?? 'html';
    const headers = flattenHeaders(response.headers);
    const { mimeType, charset: declared } = parseContentType(headers['content-type']);
    const kind = bodyKindFor(mimeType, mode);
    const started = performance.now();
    const answer = (read: ReadBody): FetchResult => ({
      finalUrl: url.href,
      status,
      headers,
      contentType: mimeType,
      declaredCharset: declared,
      ...read,
      redirects,
      timings: {
        dns: Math.round(trace.dnsMs),
        connect: Math.round(trace.connectMs),
        ttfb,
        download: elapsedSince(started),
      },
    });
    if (kind === 'none') {
      discard(body);
      return answer({ body: '', bytes: 0, truncated: false });
    }
    const encoding = headers['content-encoding'];
    if (kind === 'image-head') {
      const { buffer, truncated } = await readCapped(body, encoding, this.imageHeadBytes, 'truncate');
      return answer({ body: '', head: buffer, bytes: buffer.length, truncated });
    }
    const errorAnswer = status >= 400;
    const cap = errorAnswer ? errorBodyBytes : (options.maxBytes ?? this.options.maxBytes);
    // A page over the cap is still worth its first part; a JSON or XML document cut anywhere is worthless.
    const overCap = mode === 'html' || errorAnswer ? 'truncate' : 'fail';
    const declaredLength = Number(headers['content-length'] ?? Number.NaN);
    if (overCap === 'fail' && declaredLength > cap) {
      discard(body);
      throw new DomainError('UPSTREAM_TOO_LARGE', `the answer declares ${declaredLength} bytes, over ${cap}`, {
        details: { maxBytes: cap, contentLength: declaredLength },
      });
    }
    const onProgress = announceBytes(options.admitBytes, body, declaredLength, cap);
    const { buffer, truncated } = await readCapped(body, encoding, cap, overCap, onProgress);
    if (options.keepBytes === true && mode === 'html' && !errorAnswer) {
      return answer({ body: '', raw: buffer, bytes: buffer.length, truncated });
    }
    const sniff = mode === 'html' || mode === 'image' ? 'html' : mode;
    const { text, charset } = decodeText(buffer, declared, sniff, truncated);
    return answer({ body: text, charset, bytes: buffer.length, truncated });
  }
}
