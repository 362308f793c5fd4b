import type { ErrorCode } from './error-codes.js';

/** Options of a {@link DomainError}. */
export interface DomainErrorOptions {
  /** Machine-readable extras shown to the caller in the problem body (e.g. the failing fields, the upstream status). */
  details?: Record<string, unknown>;
  /** Response headers the error asks for (e.g. `Retry-After` on `OVERLOADED`). */
  headers?: Record<string, string>;
  /** The underlying error, for logs only: it never reaches the response body. */
  cause?: unknown;
}

/**
 * The only error type services throw on purpose. It names a catalogue code and a human-readable detail;
 * the problem+json exception filter is the one place that turns it into HTTP.
 */
export class DomainError extends Error {
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DomainError';
    this.details = options.details;
    this.headers = options.headers;
  }
}
