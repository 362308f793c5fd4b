/**
 * The catalogue of stable error codes. Services throw {@link DomainError}s carrying one of these codes;
 * only the problem+json exception filter knows how a code maps to HTTP.
 */
export const ERROR_CATALOGUE = {
  INVALID_URL: { status: 400, title: 'Invalid URL' },
  VALIDATION_FAILED: { status: 400, title: 'Validation failed' },
  BAD_REQUEST: { status: 400, title: 'Malformed request' },
  UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  BLOCKED_DESTINATION: { status: 403, title: 'Blocked destination' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  URI_TOO_LONG: { status: 414, title: 'URI too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
  UPSTREAM_ERROR: { status: 502, title: 'Upstream error' },
  UPSTREAM_BLOCKED: { status: 502, title: 'Upstream blocked the request' },
  UPSTREAM_TOO_LARGE: { status: 502, title: 'Upstream response too large' },
  OVERLOADED: { status: 503, title: 'Service overloaded' },
  SHUTTING_DOWN: { status: 503, title: 'Service shutting down' },
  UPSTREAM_TIMEOUT: { status: 504, title: 'Upstream timeout' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
