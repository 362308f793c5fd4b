import { Controller, Get, Inject, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { DrainState } from '../common/lifecycle/drain-state.js';
import { OpenAccess } from '../access/access.decorators.js';
import { healthConfig } from '../config/health.config.js';
import { PageParser } from '../parsing/page-parser.js';
import { ParsePool } from '../parsing/parse-pool.js';
import { CacheHealth } from './cache-health.js';
import { EventLoopDelayMonitor } from './event-loop-delay.monitor.js';

const READY_EXAMPLE = {
  status: 'ok',
  info: {
    shutdown: { status: 'up' },
    parsePool: { status: 'up', threads: 2, running: 0, queued: 0 },
    eventLoop: { status: 'up', delayMs: 0.4, limitMs: 1000 },
    cache: { status: 'up', store: 'memcached', state: 'up', servers: { 'memcached-0:11211': 'up' } },
  },
  error: {},
  details: {
    shutdown: { status: 'up' },
    parsePool: { status: 'up', threads: 2, running: 0, queued: 0 },
    eventLoop: { status: 'up', delayMs: 0.4, limitMs: 1000 },
    cache: { status: 'up', store: 'memcached', state: 'up', servers: { 'memcached-0:11211': 'up' } },
  },
};

/** Event-loop delays are reported to a tenth of a millisecond. */
function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * Liveness and readiness for orchestrators. Liveness only says the event loop answers. Readiness is 503 while the
 * process drains after SIGTERM, when its parse pool has no thread, or when its event loop lags over
 * READINESS_MAX_EVENT_LOOP_DELAY_MS; a shared cache that is down makes it `degraded`, never 503: the service fails
 * open, and taking every replica out of rotation for a shared dependency would turn a slower service into an outage.
 */
@ApiTags('service')
@OpenAccess()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  private wasReady = true;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly drain: DrainState,
    private readonly parser: PageParser,
    private readonly eventLoop: EventLoopDelayMonitor,
    private readonly cache: CacheHealth,
    @Inject(healthConfig.KEY) private readonly cfg: ConfigType<typeof healthConfig>,
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
    description:
      '200 while the process takes new requests: `ok`, or `degraded` when the shared cache is down (previews are ' +
      'then fetched again: the service fails open). 503 from SIGTERM on (while it drains its in-flight requests), ' +
      'when the parse pool has no thread, or when the event loop lags over READINESS_MAX_EVENT_LOOP_DELAY_MS.',
  })
  @ApiOkResponse({ description: 'Ready (`ok` or `degraded`)', schema: { type: 'object', example: READY_EXAMPLE } })
  @ApiServiceUnavailableResponse({ description: 'Draining or not ready; the body says which check failed' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const checks = [
      () => this.shutdownCheck(),
      () => this.parsePoolCheck(),
      () => this.eventLoopCheck(),
      () => this.cacheCheck(),
    ];
    try {
      const result = await this.health.check(checks);
      this.noteReadiness(result);
      return result;
    } catch (error) {
      // Terminus reports failure by throwing; an orchestrator wants its check body, not a problem document.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      this.noteReadiness(result);
      void reply.status(503);
      return result;
    }
  }

  private shutdownCheck(): HealthIndicatorResult<'shutdown'> {
    const session = this.indicators.check('shutdown');
    return this.drain.draining ? session.down() : session.up();
  }

  private parsePoolCheck(): HealthIndicatorResult<'parsePool'> {
    const session = this.indicators.check('parsePool');
    // PARSE_WORKERS=0 parses on the main thread: there is no pool to lose.
    if (!(this.parser instanceof ParsePool)) return session.up({ threads: 0, inline: true });
    const { threads, running, queued } = this.parser.stats();
    const load = { threads, running, queued };
    return threads > 0 ? session.up(load) : session.down(load);
  }

  private eventLoopCheck(): HealthIndicatorResult<'eventLoop'> {
    const session = this.indicators.check('eventLoop');
    const limitMs = this.cfg.maxEventLoopDelayMs;
    const delayMs = tenths(this.eventLoop.delayMs());
    return limitMs > 0 && delayMs > limitMs ? session.down({ delayMs, limitMs }) : session.up({ delayMs, limitMs });
  }

  private async cacheCheck(): Promise<HealthIndicatorResult<'cache'>> {
    const session = this.indicators.check('cache');
    const { status: state, store, servers } = await this.cache.report();
    return state === 'up' ? session.up({ store, state, servers }) : session.degraded({ store, state, servers });
  }

  /** One log line when readiness turns 503 (naming the failed checks) and one when it is back. */
  private noteReadiness(result: HealthCheckResult): void {
    const ready = result.status !== 'error';
    if (ready === this.wasReady) return;
    this.wasReady = ready;
    const failed = Object.keys(result.error ?? {});
    if (ready) this.logger.log('ready again');
    // Draining is the expected way out of rotation; anything else is worth a warning.
    else if (failed.length === 1 && failed[0] === 'shutdown') this.logger.log('not ready: shutdown (draining)');
    else this.logger.warn({ failed, details: result.error }, `not ready: ${failed.join(', ')}`);
  }
}
