import { SetMetadata } from '@nestjs/common';

export const OPEN_ACCESS = 'access:open';
export const ADMIN_ONLY = 'access:admin';

/**
 * Marks a controller or route as open: neither an API key nor the rate limit applies (the sample route, health
 * checks, metrics, the playground). Every other route needs a key when `API_KEYS` is set, and is rate limited.
 */
export const OpenAccess = (): MethodDecorator & ClassDecorator => SetMetadata(OPEN_ACCESS, true);

/**
 * Marks a route as an admin action (purge): refused with 403 `FORBIDDEN` to a client key, and to everyone while
 * authentication is off unless `ADMIN_OPEN=true`, before its input is even validated.
 */
export const AdminOnly = (): MethodDecorator => SetMetadata(ADMIN_ONLY, true);
