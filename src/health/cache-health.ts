import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { cacheConfig } from '../config/cache.config.js';
import { cacheStoreUp } from './health.metrics.js';
import { HEALTH_TUNING, type HealthTuning } from './health.tuning.js';
import { probeMemcached } from './memcached-probe.js';
import { CacheTiers } from '../cache/cache-tiers.js';

/** `up`: every server answers; `degraded`: some do; `down`: none does. */
export type CacheStatus = 'up' | 'degraded' | 'down';

/** What readiness says about the cache (it never decides readiness: the cache fails open). */
export interface CacheReport {
  status: CacheStatus;
  store: ConfigType<typeof cacheConfig>['store'];
  /** Each server's state: `host:port` for memcached, `local` for the memory and file stores. */
  servers: Record<string, 'up' | 'down'>;
}

/** The server label of the stores that live in the process or on its host. */
const LOCAL = 'local';

async function writable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function statusOf(states: boolean[]): CacheStatus {
  if (states.every(Boolean)) return 'up';
  return states.some(Boolean) ? 'degraded' : 'down';
}

/**
 * Probes the configured cache store in the background and for readiness: each memcached server with a NOOP on a
 * connection of its own, the file store's directory for read and write access; the memory store is always up.
 * Each probe sets `cache_store_up{store,server}`, and each change of a server's state is one log line (warn when it
 * goes down, info when it is back).
 */
@Injectable()
export class CacheHealth implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CacheHealth.name);
  private readonly states = new Map<string, boolean>();
  private latest: { at: number; report: CacheReport } | undefined;
  private running: Promise<CacheReport> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(cacheConfig.KEY) private readonly cfg: ConfigType<typeof cacheConfig>,
    @Inject(HEALTH_TUNING) private readonly tuning: HealthTuning,
    private readonly tiers: CacheTiers,
  ) {}

  onModuleInit(): void {
    void this.probe();
    this.timer = setInterval(() => void this.probe(), this.tuning.cacheProbeIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    for (const server of this.states.keys()) cacheStoreUp.remove({ store: this.cfg.store, server });
  }

  /** The latest report, probing again when it is older than `cacheProbeMaxAgeMs`. */
  async report(): Promise<CacheReport> {
    if (this.latest !== undefined && Date.now() - this.latest.at < this.tuning.cacheProbeMaxAgeMs) {
      return this.latest.report;
    }
    return this.probe();
  }

  /** One probe at a time: callers arriving while it runs share its result. */
  private probe(): Promise<CacheReport> {
    this.running ??= this.probeServers().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async probeServers(): Promise<CacheReport> {
    const results = await this.serverStates();
    for (const [server, up] of results) this.record(server, up);
    const report: CacheReport = {
      status: statusOf(results.map(([, up]) => up)),
      store: this.cfg.store,
      servers: Object.fromEntries(results.map(([server, up]) => [server, up ? 'up' : 'down'])),
    };
    this.latest = { at: Date.now(), report };
    return report;
  }

  private async serverStates(): Promise<[string, boolean][]> {
    const { store } = this.cfg;
    switch (store) {
      case 'memory':
        return [[LOCAL, true]];
      case 'file':
        return [[LOCAL, await writable(this.cfg.fileDir)]];
      case 'memcached':
        // The servers in use: a DNS name in MEMCACHED_SERVERS stands for every address it resolves to.
        return Promise.all(
          (this.tiers.memcached?.servers ?? this.cfg.memcachedServers).map(
            async (server): Promise<[string, boolean]> => [
              server,
              await probeMemcached(server, this.tuning.cacheProbeTimeoutMs),
            ],
          ),
        );
      default: {
        const unknown: never = store;
        throw new Error(`unknown cache store ${String(unknown)}`);
      }
    }
  }

  private record(server: string, up: boolean): void {
    const { store } = this.cfg;
    cacheStoreUp.set({ store, server }, up ? 1 : 0);
    const before = this.states.get(server);
    this.states.set(server, up);
    if (before === up || (before === undefined && up)) return;
    if (up) {
      this.logger.log({ store, server, cache: 'up' }, `cache server ${server} (${store}) answers again`);
    } else {
      this.logger.warn(
        { store, server, cache: 'down' },
        `cache server ${server} (${store}) is down: its previews are fetched again (fail-open), readiness stays 200`,
      );
    }
  }
}
