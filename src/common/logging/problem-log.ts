import type { ServerResponse } from 'node:http';

/** What the one log line of a 5xx answer says beside its status and request id. */
export interface LoggedProblem {
  /** The catalogue code of the answer (`UPSTREAM_TIMEOUT`, `INTERNAL_ERROR`, ...). */
  code: string;
  /** Why, in a word where the error names one (`details.cause` or `reason`), otherwise the error's message. */
  cause: string;
  /** The answer's `detail`. */
  detail: string;
  /** The upstream's status, for an upstream that answered with an error. */
  upstreamStatus?: number;
  /** The exception with its stack: only for a 500, the one status that means a defect of the service. */
  err?: unknown;
}

const PROBLEM = Symbol('loggedProblem');

type Noted = ServerResponse & { [PROBLEM]?: LoggedProblem };

/** Hands the problem of a 5xx answer to the request log line, which is written once the answer is sent. */
export function noteProblem(res: ServerResponse, problem: LoggedProblem): void {
  (res as Noted)[PROBLEM] = problem;
}

/** The problem noted for `res`, if its answer was a 5xx problem. */
export function problemOf(res: ServerResponse): LoggedProblem | undefined {
  return (res as Noted)[PROBLEM];
}

/** The message and fields of the request log line of a 5xx answer (pino-http's error line). */
export function failedRequestFields(
  res: ServerResponse,
  error: Error,
  standard: { res: ServerResponse; responseTime: number; err?: unknown },
): Record<string, unknown> {
  const problem = problemOf(res);
  const base = { res: standard.res, responseTime: standard.responseTime };
  if (problem !== undefined) {
    const { err, ...fields } = problem;
    return err === undefined ? { ...base, ...fields } : { ...base, ...fields, err };
  }
  // pino-http makes up an Error (with its own stack) for any 5xx: that says nothing; a real one is kept.
  const madeUp = error.message === `failed with status code ${res.statusCode}`;
  return madeUp ? base : { ...base, err: error };
}
