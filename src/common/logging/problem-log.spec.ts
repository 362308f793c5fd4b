import type { ArgumentsHost } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { DomainError } from '../errors/domain-error.js';
import { ProblemDetailsFilter } from '../filters/problem-details.filter.js';
import { failedRequestFields, noteProblem, problemOf } from './problem-log.js';

/** What the filter touches of a Fastify request and reply: enough to map an exception to its answer. */
function exchange(): { host: ArgumentsHost; raw: ServerResponse; sent: { status?: number; body?: string } } {
  const raw = {} as ServerResponse;
  const sent: { status?: number; body?: string } = {};
  const reply = {
    raw,
    sent: false,
    headers: () => reply,
    status: (status: number) => {
      sent.status = status;
      return reply;
    },
    type: () => reply,
    send: (body: string) => {
      sent.body = body;
      return reply;
    },
  };
  const request = { url: '/v1/previews?url=x', id: 'req-1', method: 'GET', server: { findRoute: () => undefined } };
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  return { host, raw, sent };
}

describe('the log line of a 5xx answer', () => {
  it('takes code, cause and detail from the problem the filter noted, and a stack only for a 500', () => {
    const res = { statusCode: 504 } as ServerResponse;
    noteProblem(res, { code: 'UPSTREAM_TIMEOUT', cause: 'deadline', detail: 'no complete answer within 8000 ms' });
    expect(failedRequestFields(res, new Error('failed with status code 504'), { res, responseTime: 8001 })).toEqual({
      res,
      responseTime: 8001,
      code: 'UPSTREAM_TIMEOUT',
      cause: 'deadline',
      detail: 'no complete answer within 8000 ms',
    });
    const bug = new TypeError('x is undefined');
    const failed = { statusCode: 500 } as ServerResponse;
    noteProblem(failed, { code: 'INTERNAL_ERROR', cause: 'TypeError: x is undefined', detail: 'An error', err: bug });
    expect(
      failedRequestFields(failed, new Error('failed with status code 500'), { res: failed, responseTime: 2 }),
    ).toEqual({
      res: failed,
      responseTime: 2,
      code: 'INTERNAL_ERROR',
      cause: 'TypeError: x is undefined',
      detail: 'An error',
      err: bug,
    });
  });

  it("drops pino-http's made-up error of a 5xx nobody noted, and keeps a real one", () => {
    const res = { statusCode: 503 } as ServerResponse;
    expect(failedRequestFields(res, new Error('failed with status code 503'), { res, responseTime: 1 })).toEqual({
      res,
      responseTime: 1,
    });
    const real = new Error('write EPIPE');
    expect(failedRequestFields(res, real, { res, responseTime: 1 })).toEqual({ res, responseTime: 1, err: real });
  });
});

describe('ProblemDetailsFilter and the log line', () => {
  const filter = new ProblemDetailsFilter();

  it('notes an upstream error with its cause and upstream status', () => {
    const { host, raw, sent } = exchange();
    const error = new DomainError('UPSTREAM_ERROR', 'example.com answered 503', {
      details: { cause: 'status', upstreamStatus: 503 },
    });
    filter.catch(error, host);
    expect(sent.status).toBe(502);
    expect(problemOf(raw)).toEqual({
      code: 'UPSTREAM_ERROR',
      cause: 'status',
      detail: 'example.com answered 503',
      upstreamStatus: 503,
      err: undefined,
    });
  });

  it('notes an unexpected error as INTERNAL_ERROR with its message as cause and the error itself', () => {
    const { host, raw, sent } = exchange();
    const bug = new TypeError("Cannot read properties of undefined (reading 'title')");
    filter.catch(bug, host);
    expect(sent.status).toBe(500);
    expect(JSON.parse(sent.body ?? '{}')).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'req-1' });
    expect(problemOf(raw)).toEqual({
      code: 'INTERNAL_ERROR',
      cause: "TypeError: Cannot read properties of undefined (reading 'title')",
      detail: 'An unexpected error occurred. Quote the request id when reporting it.',
      upstreamStatus: undefined,
      err: bug,
    });
  });

  it('notes nothing for a 4xx: the request line at info says enough', () => {
    const { host, raw, sent } = exchange();
    filter.catch(new DomainError('INVALID_URL', 'url must be an http or https URL'), host);
    expect(sent.status).toBe(400);
    expect(problemOf(raw)).toBeUndefined();
  });

  it('takes the reason of a blocked upstream as its cause, and the detail when there is neither', () => {
    const blocked = exchange();
    filter.catch(
      new DomainError('UPSTREAM_BLOCKED', 'asks to log in', { details: { reason: 'login-wall' } }),
      blocked.host,
    );
    expect(problemOf(blocked.raw)).toMatchObject({ code: 'UPSTREAM_BLOCKED', cause: 'login-wall' });
    const overloaded = exchange();
    filter.catch(new DomainError('OVERLOADED', 'Too many pages are waiting to be parsed'), overloaded.host);
    expect(problemOf(overloaded.raw)).toMatchObject({
      code: 'OVERLOADED',
      cause: 'Too many pages are waiting to be parsed',
    });
  });
});
