import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors/domain-error.js';
import { accessConfig } from '../config/access.config.js';
import { authFailures } from './access.metrics.js';
import { ApiKeys, presentedKey } from './api-keys.js';
import { ADMIN_ONLY, OPEN_ACCESS } from './access.decorators.js';
import { requireAdmin, setPrincipal, type Principal } from './principal.js';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="link-preview-service"' };

/** Whether a route is marked {@link OpenAccess} (on the handler or its controller). */
export function isOpenRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(OPEN_ACCESS, [context.getHandler(), context.getClass()]) === true;
}

/**
 * The first guard of every route: with `API_KEYS` set, a route that is not {@link OpenAccess} needs a configured
 * key in `X-API-Key` or `Authorization: Bearer` (401 `UNAUTHORIZED` without one or with a wrong one). It leaves the
 * caller's role on the request for the rate limiter and for the handlers' admin checks. Keys are never logged (the
 * logger redacts both headers) and never used as storage keys (the principal carries a hash prefix).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: ApiKeys;

  constructor(
    private readonly reflector: Reflector,
    @Inject(accessConfig.KEY) private readonly cfg: ConfigType<typeof accessConfig>,
  ) {
    this.keys = new ApiKeys(cfg.apiKeys);
  }

  // A guard lets a request through with `true` and refuses it by throwing a domain error (answered as problem+json).
  // eslint-disable-next-line sonarjs/no-invariant-returns
  canActivate(context: ExecutionContext): boolean {
    if (isOpenRoute(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = this.identify(request);
    setPrincipal(request, principal);
    if (this.reflector.get<boolean>(ADMIN_ONLY, context.getHandler()) === true) {
      requireAdmin(principal, `${request.method} ${request.url.split('?')[0]}`);
    }
    return true;
  }

  /** Who is calling; throws 401 when a key is required and missing or unknown. */
  private identify(request: FastifyRequest): Principal {
    if (!this.keys.enabled) return { role: this.cfg.adminOpen ? 'admin' : 'client', authenticated: false };
    const presented = presentedKey(request.headers);
    if (presented === undefined) {
      authFailures.inc({ reason: 'missing' });
      throw new DomainError('UNAUTHORIZED', 'An API key is required: send it in X-API-Key or Authorization: Bearer', {
        headers: CHALLENGE,
      });
    }
    const match = this.keys.match(presented);
    if (match === undefined) {
      authFailures.inc({ reason: 'invalid' });
      throw new DomainError('UNAUTHORIZED', 'The API key is not valid', { headers: CHALLENGE });
    }
    return { role: match.role, keyId: match.id, authenticated: true };
  }
}
