import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { DomainError } from '../common/errors/domain-error.js';
import { accessConfig } from '../config/access.config.js';
import { rateLimiterErrors, rateLimitRejections } from './access.metrics.js';
import { isOpenRoute } from './api-key.guard.js';
import { principalOf } from './principal.js';
import { RateLimitStore } from './rate-limit-store.js';

/** The limit is per minute: one fixed window of 60 s. */
export const RATE_LIMIT_WINDOW_MS = 60_000;
/** Store failures are logged at most this often (a dead memcached would otherwise log every request). */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Whom a request counts against when no API key identifies it: its client address (as `TRUST_PROXY` lets it be
 * believed). IPv6 clients are counted per /64, the smallest block a subscriber usually gets, so that one machine
 * cannot walk through addresses of its own prefix.
 */
export function addressTracker(ip: string): string {
  try {
    const parsed = ipaddr.process(ip);
    if (parsed.kind() === 'ipv4') return parsed.toString();
    return `${(parsed as ipaddr.IPv6).parts
      .slice(0, 4)
      .map((part) => part.toString(16))
      .join(':')}::/64`;
  } catch {
    return ip;
  }
}

/**
 * The second guard of every route that is not {@link OpenAccess}: at most `RATE_LIMIT_PER_MINUTE` requests per
 * API key, or per client address with authentication off, in fixed one-minute windows. Every limited answer carries
 * the IETF `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy` headers (draft 7);
 * over the limit it is 429 `RATE_LIMITED` with `Retry-After`. The counters live in the {@link RateLimitStore}
 * (memcached when that is the cache store, so workers and replicas share one limit); if the store fails, the request
 * passes (fail-open), and the failure is logged and counted in `rate_limiter_errors_total`.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private readonly policy: string;
  private lastErrorLogAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly reflector: Reflector,
    private readonly store: RateLimitStore,
    @Inject(accessConfig.KEY) private readonly cfg: ConfigType<typeof accessConfig>,
  ) {
    this.policy = `${cfg.rateLimitPerMinute};w=${RATE_LIMIT_WINDOW_MS / 1000}`;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const limit = this.cfg.rateLimitPerMinute;
    if (limit === 0 || isOpenRoute(this.reflector, context)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const principal = principalOf(request);
    const tracker = principal?.keyId === undefined ? `ip:${addressTracker(request.ip)}` : `key:${principal.keyId}`;
    const now = Date.now();
    const window = Math.floor(now / RATE_LIMIT_WINDOW_MS);
    const resetSeconds = Math.ceil(((window + 1) * RATE_LIMIT_WINDOW_MS - now) / 1000);
    const decide = (count: number): boolean => this.decide(count, resetSeconds, reply, principal?.keyId !== undefined);
    let counted: number | Promise<number>;
    try {
      counted = this.store.hit(tracker, window, RATE_LIMIT_WINDOW_MS);
    } catch (error) {
      return this.failOpen(error);
    }
    // An in-process store answers at once: no promise on the way of every request.
    if (typeof counted === 'number') return decide(counted);
    return counted.then(decide, (error: unknown) => this.failOpen(error));
  }

  /** Lets a request within the limit through with the RateLimit headers; refuses one over it with 429. */
  private decide(count: number, resetSeconds: number, reply: FastifyReply, byKey: boolean): boolean {
    const limit = this.cfg.rateLimitPerMinute;
    const headers = {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.max(0, limit - count)),
      'ratelimit-reset': String(resetSeconds),
      'ratelimit-policy': this.policy,
    };
    if (count <= limit) {
      void reply.headers(headers);
      return true;
    }
    rateLimitRejections.inc();
    const who = byKey ? 'for this API key' : 'from this client address';
    throw new DomainError('RATE_LIMITED', `More than ${limit} requests a minute ${who}; retry in ${resetSeconds} s`, {
      headers: { ...headers, 'retry-after': String(resetSeconds) },
    });
  }

  /** A store failure lets the request through, logged (at most every 10 s) and counted. */
  private failOpen(error: unknown): true {
    this.recordError(error);
    return true;
  }

  private recordError(error: unknown): void {
    rateLimiterErrors.inc({ store: this.store.name });
    const now = Date.now();
    if (now - this.lastErrorLogAt < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLogAt = now;
    this.logger.warn({ err: error }, `rate-limit store ${this.store.name} failed; requests pass unlimited meanwhile`);
  }
}
