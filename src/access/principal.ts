import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors/domain-error.js';
import type { Role } from '../config/access.config.js';
import { authFailures } from './access.metrics.js';

/** Who is calling: set on the request by the API-key guard, read by the rate limiter and the handlers. */
export interface Principal {
  role: Role;
  /** A stable, non-secret id of the API key (a hash prefix); none when authentication is off. */
  keyId?: string;
  /** Whether authentication is on (a key was required and checked). */
  authenticated: boolean;
}

const PRINCIPAL = Symbol('principal');

type WithPrincipal = FastifyRequest & { [PRINCIPAL]?: Principal };

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  (request as WithPrincipal)[PRINCIPAL] = principal;
}

/** The caller of a request the guards let through; a route without the guard (open routes) has none. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as WithPrincipal)[PRINCIPAL];
}

/**
 * Refuses an admin action (purge, `refresh=true`, `debug=true`) to a caller who is not an admin: a client key, or
 * anyone while authentication is off and `ADMIN_OPEN` is not set.
 */
export function requireAdmin(principal: Principal | undefined, action: string): void {
  if (principal?.role === 'admin') return;
  authFailures.inc({ reason: 'forbidden' });
  const detail =
    principal?.authenticated === false
      ? `${action} is an admin action; with authentication off it is refused unless ADMIN_OPEN=true`
      : `${action} needs an admin API key`;
  throw new DomainError('FORBIDDEN', detail);
}
