import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpRequestDuration } from './metrics.registry.js';

/**
 * Times every request at the Fastify level, so that answers written before Nest's pipeline (the preview
 * micro-cache) and errors count too: a `Server-Timing: total;dur=…` header on each answer and the
 * `http_request_duration_seconds` histogram (route = the matched pattern, `unmatched` for unknown paths).
 */
@Injectable()
export class HttpMetricsHooks implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      void reply.header('server-timing', `total;dur=${reply.elapsedTime.toFixed(1)}`);
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
