import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { appConfig } from '../../config/app.config.js';
import { requestIdOf } from '../http/request-id.js';
import { failedRequestFields, problemOf } from './problem-log.js';

/** Orchestrators and load balancers probe these every few seconds: their request lines are debug. */
const PROBES = '/health/';

/** The raw request as the logger sees it: Fastify's middleware layer copies the client address onto it. */
interface LoggedRequest {
  id: string;
  method: string;
  url: string;
  raw: { ip?: string };
}

/**
 * JSON-lines logging through pino. Every line written while a request is handled carries its `requestId`
 * (nestjs-pino keeps the request logger in AsyncLocalStorage). Secrets in headers are redacted. Each request has one
 * line when its answer is sent (`request completed`, `request aborted` when the client went away first, at info),
 * with the client address as Fastify's `request.ip` reads it: the original client's behind a proxy named in
 * `TRUST_PROXY`, the peer's otherwise. A 5xx answer's line is `request failed` with its `code`, `cause` and
 * `detail` (and the stack for a 500 only): the exception filter hands them over, and logs nothing itself.
 * Health probes are logged at debug.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({
        // Nest 12's path-to-regexp 8 needs a named wildcard for the middleware to match every route.
        forRoutes: ['*path'],
        pinoHttp: {
          level: cfg.logLevel,
          genReqId: (req: IncomingMessage) => requestIdOf(req),
          customProps: (req: IncomingMessage) => ({ requestId: requestIdOf(req) }),
          redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
          serializers: {
            req: (req: LoggedRequest) => ({
              id: req.id,
              method: req.method,
              url: req.url,
              ip: req.raw.ip,
            }),
            res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
          },
          // A 500 is a bug of ours; 502/503/504 describe someone else's server or our load, not a defect.
          customLogLevel: (req: IncomingMessage, res: ServerResponse) => {
            if (req.url?.startsWith(PROBES) === true) return 'debug';
            if (res.statusCode === 500) return 'error';
            return res.statusCode > 500 ? 'warn' : 'info';
          },
          customErrorMessage: (_req: IncomingMessage, res: ServerResponse) => {
            const problem = problemOf(res);
            return problem === undefined ? 'request failed' : `request failed: ${res.statusCode} ${problem.code}`;
          },
          customErrorObject: (
            _req: IncomingMessage,
            res: ServerResponse,
            error: Error,
            standard: { res: ServerResponse; responseTime: number; err?: unknown },
          ) => failedRequestFields(res, error, standard),
        },
      }),
    }),
  ],
})
export class LoggingModule {}
