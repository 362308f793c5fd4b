import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { DrainState } from '../common/lifecycle/drain-state.js';
import { OpenAccess } from '../access/access.decorators.js';

const HEALTH_EXAMPLE = {
  status: 'ok',
  info: { shutdown: { status: 'up' } },
  error: {},
  details: { shutdown: { status: 'up' } },
};

/**
 * Liveness and readiness for orchestrators. Liveness only says the event loop answers; readiness turns 503 as soon
 * as SIGTERM starts the drain, so the load balancer stops sending new requests before the listener closes.
 */
@ApiTags('service')
@OpenAccess()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly drain: DrainState,
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Liveness: the process answers',
    description: 'Always 200 while the event loop answers; an orchestrator restarts the process when it does not.',
  })
  @ApiOkResponse({
    description: 'Alive',
    schema: { type: 'object', example: { status: 'ok', info: {}, error: {}, details: {} } },
  })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness: the process takes new requests',
    description: '200 while the process takes new requests; 503 from SIGTERM on, while it drains its in-flight ones.',
  })
  @ApiOkResponse({ description: 'Ready', schema: { type: 'object', example: HEALTH_EXAMPLE } })
  @ApiServiceUnavailableResponse({ description: 'Draining or not ready; the body says which check failed' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    try {
      return await this.health.check([() => this.shutdownCheck()]);
    } catch (error) {
      // Terminus reports failure by throwing; an orchestrator wants its check body, not a problem document.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse();
    }
  }

  private shutdownCheck(): HealthIndicatorResult {
    return { shutdown: { status: this.drain.draining ? 'down' : 'up' } };
  }
}
