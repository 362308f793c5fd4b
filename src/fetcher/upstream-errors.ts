import { DomainError } from '../common/errors/domain-error.js';

/** What went wrong talking to the upstream, as told to the caller in `details.cause`. */
export type UpstreamCause = 'refused' | 'reset' | 'tls' | 'protocol' | 'dns' | 'decode' | 'network';

const CAUSE_BY_CODE = new Map<string, UpstreamCause>(
  Object.entries({
    ECONNREFUSED: 'refused',
    ENETUNREACH: 'refused',
    EHOSTUNREACH: 'refused',
    EADDRNOTAVAIL: 'refused',
    ECONNRESET: 'reset',
    EPIPE: 'reset',
    ECONNABORTED: 'reset',
    UND_ERR_SOCKET: 'reset',
    UND_ERR_CLOSED: 'reset',
    ENOTFOUND: 'dns',
    EAI_AGAIN: 'dns',
    ENODATA: 'dns',
    EPROTO: 'tls',
    UND_ERR_HEADERS_OVERFLOW: 'protocol',
    UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol',
    UND_ERR_INFO: 'protocol',
    UND_ERR_NOT_SUPPORTED: 'protocol',
  } satisfies Record<string, UpstreamCause>),
);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function causeOf(code: string): UpstreamCause {
  const known = CAUSE_BY_CODE.get(code);
  if (known !== undefined) return known;
  if (code.startsWith('HPE_')) return 'protocol'; // llhttp parser errors: the answer is not HTTP/1.1
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.includes('CERT')) return 'tls';
  if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR_ZLIB')) return 'decode';
  return 'network';
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** undici's HTTPParserError has no code when the status line itself is not HTTP. */
function parserCode(error: unknown): string | undefined {
  return error instanceof Error && error.name === 'HTTPParserError' ? 'HPE_INVALID_CONSTANT' : undefined;
}

/** The target answered with an error status (or a redirect the fetcher cannot follow): `UPSTREAM_ERROR`, `cause: status`. */
export function upstreamStatusError(host: string, status: number, why = ''): DomainError {
  return new DomainError('UPSTREAM_ERROR', `${host} answered ${status}${why}`, {
    details: { cause: 'status', upstreamStatus: status },
  });
}

/**
 * Turns what undici, the socket or zlib threw into a catalogue error. Errors that are not about the network (no
 * `code`, not a DomainError) are programming errors and pass through unchanged.
 */
export function toUpstreamError(error: unknown, target: string): unknown {
  if (error instanceof DomainError) return error;
  // undici wraps socket errors in `cause` for some failures (e.g. `fetch failed`): look one level down too.
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | undefined)?.cause) ?? parserCode(error);
  if (code === undefined) return error;
  if (TIMEOUT_CODES.has(code)) {
    const cause = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect' : 'read';
    return new DomainError('UPSTREAM_TIMEOUT', `${target} did not answer in time`, {
      details: { cause },
      cause: error,
    });
  }
  const cause = causeOf(code);
  return new DomainError('UPSTREAM_ERROR', `${target} could not be read (${cause})`, {
    details: { cause },
    cause: error,
  });
}
