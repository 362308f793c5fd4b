import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpRequestDuration } from './metrics.registry.js';

/**
 * Times every request at the Fastify level, so that answers Nest's pipeline never sees (Fastify's own errors, the
 * 503 of a closing listener) count too: a `Server-Timing: total;dur=…` header on each answer and the
 * `http_request_duration_seconds` histogram (route = the matched pattern, `unmatched` for unknown paths).
 */
@Injectable()
export class HttpMetricsHooks implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      // Handlers may have named their steps already (the cache tier, the body): `total` comes last.
      const steps = reply.getHeader('server-timing');
      const total = `total;dur=${reply.elapsedTime.toFixed(1)}`;
      void reply.header('server-timing', steps === undefined ? total : `${String(steps)}, ${total}`);
      return payload;
    });
    fastify?.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      httpRequestDuration.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  }
}
