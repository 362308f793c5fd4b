import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Accepted incoming ids: printable, no spaces, short enough for a log line. */
const WELL_FORMED = /^[\w.:@/+=-]{1,128}$/;

/**
 * The id of a request: a well-formed incoming `X-Request-Id` is kept, otherwise a UUID is generated.
 * Fastify and the pino-http middleware both ask for it, so the answer is memoized on the raw request.
 */
export function requestIdOf(raw: IncomingMessage): string {
  const holder = raw as IncomingMessage & { id?: unknown };
  if (typeof holder.id === 'string') return holder.id;
  const header = raw.headers[REQUEST_ID_HEADER];
  const id = typeof header === 'string' && WELL_FORMED.test(header) ? header : randomUUID();
  holder.id = id;
  return id;
}
