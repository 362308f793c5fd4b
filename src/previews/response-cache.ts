import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One serialized answer of `GET /v1/previews`, ready to be written again. */
export interface CachedResponse {
  body: string;
  etag: string;
  /** The preview-cache key the answer was built from (for purges). */
  cacheKey: string;
  /** Epoch ms until which the underlying entry is fresh. */
  freshUntil: number;
}

interface Stored extends CachedResponse {
  expiresAt: number;
}

/** Options of {@link ResponseCache}. */
export interface ResponseCacheOptions {
  /** Answers kept. @default 2000 */
  maxItems: number;
  /**
   * Longest life of an answer, however fresh its entry: another process may purge the entry in a shared store, and
   * this bounds how long the answer outlives that (the same bound as the L1 in front of memcached). @default 60000
   */
  maxAgeMs: number;
}

const PREVIEWS_PATH = '/v1/previews?';

/**
 * A micro-cache of serialized preview answers, keyed by the exact request target. A repeated `GET /v1/previews`
 * whose answer is still fresh is written straight from here by a Fastify `onRequest` hook, before routing,
 * validation and serialization: on a cache hit those cost three times the work of the answer itself. Only answers
 * without `refresh` or `debug` are kept; a new version of an entry or a purge drops its answers.
 *
 * The hook runs before Nest guards: an access check added later must also run in {@link ResponseCache.serve}.
 */
@Injectable()
export class ResponseCache implements OnModuleInit {
  private readonly entries = new Map<string, Stored>();
  private readonly byCacheKey = new Map<string, Set<string>>();
  private readonly options: ResponseCacheOptions = { maxItems: 2000, maxAgeMs: 60_000 };
  /** Requests answered from here since start. */
  hits = 0;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method === 'GET' && request.url.startsWith(PREVIEWS_PATH)) await this.serve(request, reply);
    });
  }

  /** Whether an answer for this request target may be kept (fresh, no refresh, no debug data). */
  static cacheable(query: { refresh?: boolean; debug?: boolean }): boolean {
    return query.refresh !== true && query.debug !== true;
  }

  remember(target: string, response: CachedResponse, now = Date.now()): void {
    this.forget(target);
    const expiresAt = Math.min(response.freshUntil, now + this.options.maxAgeMs);
    if (expiresAt <= now) return;
    this.entries.set(target, { ...response, expiresAt });
    const targets = this.byCacheKey.get(response.cacheKey) ?? new Set<string>();
    targets.add(target);
    this.byCacheKey.set(response.cacheKey, targets);
    if (this.entries.size > this.options.maxItems) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
  }

  /** Drops every answer built from `cacheKey` (after a purge, or when a new version was stored). */
  purge(cacheKey: string): void {
    for (const target of this.byCacheKey.get(cacheKey) ?? []) this.entries.delete(target);
    this.byCacheKey.delete(cacheKey);
  }

  lookup(target: string, now = Date.now()): Stored | undefined {
    const entry = this.entries.get(target);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.forget(target);
      return undefined;
    }
    return entry;
  }

  private async serve(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const now = Date.now();
    const entry = this.lookup(request.url, now);
    if (entry === undefined) return;
    this.hits += 1;
    const maxAge = Math.max(0, Math.floor((entry.freshUntil - now) / 1000));
    void reply.header('cache-control', `public, max-age=${maxAge}`).header('etag', entry.etag).header('x-cache', 'HIT');
    if (request.headers['if-none-match'] !== undefined && etagMatches(request.headers['if-none-match'], entry.etag)) {
      await reply.status(304).send();
      return;
    }
    await reply.type('application/json; charset=utf-8').send(entry.body);
  }

  private forget(target: string): void {
    const entry = this.entries.get(target);
    if (entry === undefined) return;
    this.entries.delete(target);
    this.byCacheKey.get(entry.cacheKey)?.delete(target);
  }
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(header: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}
