import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { buildProblem, PROBLEM_CONTENT_TYPE } from '../errors/problem.js';
import { noteProblem } from '../logging/problem-log.js';

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'VALIDATION_FAILED',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHORIZED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'METHOD_NOT_ALLOWED',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'UNSUPPORTED_MEDIA_TYPE',
  [HttpStatus.TOO_MANY_REQUESTS]: 'RATE_LIMITED',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'OVERLOADED',
};

interface Translated {
  code: ErrorCode;
  detail: string;
  extras?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Why a 5xx happened, in a word where the error names one, else in its own words. */
function causeOf(exception: unknown, { code, detail, extras }: Translated): string {
  const { cause, reason } = (extras ?? {}) as { cause?: unknown; reason?: unknown };
  if (typeof cause === 'string') return cause;
  if (typeof reason === 'string') return reason;
  if (code === 'INTERNAL_ERROR' && exception instanceof Error) return `${exception.name}: ${exception.message}`;
  return detail;
}

/** Errors raised by Fastify itself (body parsing, content types) carry a 4xx `statusCode` and a safe message. */
function isClientFrameworkError(error: unknown): error is Error & { statusCode: number; code?: string } {
  if (!(error instanceof Error)) return false;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Fastify errors after which the connection cannot be trusted to carry another request (the rest of an
 * over-long body may still be on its way): the answer says `Connection: close` so a keep-alive client reconnects.
 */
const CLOSING_FRAMEWORK_ERRORS = new Set(['FST_ERR_CTP_BODY_TOO_LARGE', 'FST_ERR_CTP_INVALID_CONTENT_LENGTH']);

/** Methods probed for a 405's `Allow` header (OPTIONS is answered by CORS, when it is on). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The methods the router knows for `path`, other than `method`: non-empty means 405, not 404. */
function otherMethods(request: FastifyRequest): string[] {
  const path = request.url.split('?')[0];
  return METHODS.filter(
    (method) => method !== request.method && Boolean(request.server.findRoute({ method, url: path })),
  );
}

function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * The one place that knows HTTP for errors: every exception becomes an RFC 9457 `application/problem+json`
 * answer with a stable `code` and the request id. Unexpected errors are answered with a generic 500 that reveals
 * nothing internal. A 5xx is logged once, by the request log line, with the code, cause and detail handed over
 * here (and the stack for a 500).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const translated = this.translate(exception, request);
    const { code, detail, extras, headers } = translated;
    const problem = buildProblem(code, detail, { instance: request.url.split('?')[0], requestId: request.id }, extras);
    if (reply.sent) {
      // The answer has begun: its request line will show its status; the error would be lost without this one.
      if (code === 'INTERNAL_ERROR') this.logger.error({ err: exception }, 'error after the answer had started');
      return;
    }
    if (problem.status >= 500) {
      const { upstreamStatus } = (extras ?? {}) as { upstreamStatus?: number };
      noteProblem(reply.raw, {
        code,
        cause: causeOf(exception, translated),
        detail,
        upstreamStatus,
        err: code === 'INTERNAL_ERROR' ? exception : undefined,
      });
    }
    void reply
      .headers(headers ?? {})
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem));
  }

  private translate(exception: unknown, request: FastifyRequest): Translated {
    if (exception instanceof DomainError) {
      return { code: exception.code, detail: exception.message, extras: exception.details, headers: exception.headers };
    }
    if (exception instanceof NotFoundException) {
      const allowed = otherMethods(request);
      if (allowed.length > 0) {
        return {
          code: 'METHOD_NOT_ALLOWED',
          detail: `${request.method} is not allowed on ${request.url.split('?')[0]}; allowed: ${allowed.join(', ')}`,
          headers: { allow: allowed.join(', ') },
        };
      }
    }
    if (exception instanceof HttpException) {
      const code = CODE_BY_STATUS[exception.getStatus()];
      if (code !== undefined) return { code, detail: httpExceptionDetail(exception) };
    } else if (isClientFrameworkError(exception)) {
      const closing = CLOSING_FRAMEWORK_ERRORS.has(exception.code ?? '');
      return {
        code: CODE_BY_STATUS[exception.statusCode] ?? 'VALIDATION_FAILED',
        detail: exception.message,
        headers: closing ? { connection: 'close' } : undefined,
      };
    }
    return { code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred. Quote the request id when reporting it.' };
  }
}
