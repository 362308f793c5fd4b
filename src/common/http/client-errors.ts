import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '../errors/error-codes.js';
import { buildProblem, PROBLEM_CONTENT_TYPE } from '../errors/problem.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** What Node's HTTP parser reports, and how each is answered. */
const CLIENT_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'REQUEST_TIMEOUT',
    detail: 'The request was not received in time (HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS)',
  },
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', detail: 'The request line and headers are over 16 KiB' },
};
const MALFORMED = { code: 'BAD_REQUEST', detail: 'The request is not valid HTTP/1.1' } as const;

/**
 * Answers errors Node's HTTP parser raises before a request exists (a request too slow to arrive, headers over the
 * limit, bytes that are not HTTP) with a problem+json body like every other error, and `Connection: close`: the
 * parser cannot resume on this connection, so it is closed after the answer. Replaces Fastify's default handler,
 * which answers with its own JSON shape.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, detail } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  const requestId = randomUUID();
  const problem = buildProblem(code, detail, { instance: '', requestId });
  const body = JSON.stringify(problem);
  // As Node's own handler: write only when no answer of this connection has started.
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && current?.headersSent !== true) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
