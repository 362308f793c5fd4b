import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DrainState } from '../src/common/lifecycle/drain-state.js';
import { EventLoopDelayMonitor } from '../src/health/event-loop-delay.monitor.js';
import { DEFAULT_HEALTH_TUNING, HEALTH_TUNING } from '../src/health/health.tuning.js';
import { PageParser } from '../src/parsing/page-parser.js';
import { ParsePool } from '../src/parsing/parse-pool.js';
import { startMemcacheds, stopAll, type MemcachedProcess } from './support/memcached.js';
import { sampleValue } from './support/metrics.js';
import { startTestApp } from './support/test-app.js';

interface Readiness {
  statusCode: number;
  body: {
    status: string;
    info: Record<string, unknown>;
    error: Record<string, unknown>;
    details: Record<string, unknown>;
  };
}

async function readiness(app: NestFastifyApplication): Promise<Readiness> {
  const res = await app.inject({ method: 'GET', url: '/health/ready' });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return { statusCode: res.statusCode, body: res.json() };
}

/** Polls readiness until `done` says so (at most `timeoutMs`), and returns the last answer. */
async function readinessUntil(
  app: NestFastifyApplication,
  done: (answer: Readiness) => boolean,
  timeoutMs = 10_000,
): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await readiness(app);
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A readiness body: `info` holds the checks that are up or degraded, `error` those that are down. */
function body(status: string, checks: Record<string, { status: string; [data: string]: unknown }>) {
  const info = Object.fromEntries(Object.entries(checks).filter(([, check]) => check.status !== 'down'));
  const error = Object.fromEntries(Object.entries(checks).filter(([, check]) => check.status === 'down'));
  return { status, info, error, details: checks };
}

const UP = { status: 'up' };
const EVENT_LOOP_UP = { status: 'up', delayMs: expect.any(Number), limitMs: 1000 };
const MEMORY_CACHE = { status: 'up', store: 'memory', state: 'up', servers: { local: 'up' } };

describe('health checks (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({ env: { PARSE_WORKERS: '2' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers liveness with 200', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('answers readiness with 200 and what it checked: not draining, the parse pool, the event loop, the cache', async () => {
    const ready = await readiness(app);
    expect(ready).toEqual({
      statusCode: 200,
      body: body('ok', {
        shutdown: UP,
        parsePool: { status: 'up', threads: 2, running: 0, queued: 0 },
        eventLoop: EVENT_LOOP_UP,
        cache: MEMORY_CACHE,
      }),
    });
    expect((ready.body.details.eventLoop as { delayMs: number }).delayMs).toBeLessThan(1000);
  });

  it('answers readiness with 503 once the drain has started, while liveness stays 200', async () => {
    app.get(DrainState).startDraining();
    expect(await readiness(app)).toEqual({
      statusCode: 503,
      body: body('error', {
        shutdown: { status: 'down' },
        parsePool: { status: 'up', threads: 2, running: 0, queued: 0 },
        eventLoop: EVENT_LOOP_UP,
        cache: MEMORY_CACHE,
      }),
    });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});

describe('readiness and the parse pool (e2e)', () => {
  const apps: NestFastifyApplication[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it('answers 503 naming the parse pool once it has no thread left', async () => {
    const app = await startTestApp({ env: { PARSE_WORKERS: '1' } });
    apps.push(app);
    const pool = app.get(PageParser);
    expect(pool).toBeInstanceOf(ParsePool);
    await (pool as ParsePool).close();
    expect(await readiness(app)).toEqual({
      statusCode: 503,
      body: body('error', {
        shutdown: UP,
        parsePool: { status: 'down', threads: 0, running: 0, queued: 0 },
        eventLoop: EVENT_LOOP_UP,
        cache: MEMORY_CACHE,
      }),
    });
  });

  it('has no pool to lose with PARSE_WORKERS=0 (pages are parsed on the main thread)', async () => {
    const app = await startTestApp({ env: { PARSE_WORKERS: '0' } });
    apps.push(app);
    expect(await readiness(app)).toEqual({
      statusCode: 200,
      body: body('ok', {
        shutdown: UP,
        parsePool: { status: 'up', threads: 0, inline: true },
        eventLoop: EVENT_LOOP_UP,
        cache: MEMORY_CACHE,
      }),
    });
  });
});

describe('readiness and the event loop (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({
      env: { PARSE_WORKERS: '1', READINESS_MAX_EVENT_LOOP_DELAY_MS: '100' },
      overrides: [{ provide: HEALTH_TUNING, useValue: { ...DEFAULT_HEALTH_TUNING, eventLoopWindowMs: 200 } }],
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers 503 while the event loop lags over READINESS_MAX_EVENT_LOOP_DELAY_MS, and 200 once it has caught up', async () => {
    // The monitor measures from its first timer run on; the app has just started.
    const monitor = app.get(EventLoopDelayMonitor);
    await readinessUntil(app, (answer) => answer.statusCode === 200 && monitor.measuring);
    expect(monitor.measuring).toBe(true);
    const until = Date.now() + 500;
    while (Date.now() < until) {
      // Holds the event loop, as a burst of synchronous work would.
    }
    // The delay is recorded when the loop next runs its timers: a request over a socket would come after that.
    const lagging = await readinessUntil(app, (answer) => answer.statusCode === 503, 2000);
    expect(lagging).toEqual({
      statusCode: 503,
      body: body('error', {
        shutdown: UP,
        parsePool: { status: 'up', threads: 1, running: 0, queued: 0 },
        eventLoop: { status: 'down', delayMs: expect.any(Number), limitMs: 100 },
        cache: MEMORY_CACHE,
      }),
    });
    // The whole stall is one sample of the delay: at least the 500 ms the loop was held.
    expect((lagging.body.error.eventLoop as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(400);

    const recovered = await readinessUntil(app, (answer) => answer.statusCode === 200);
    expect(recovered.statusCode).toBe(200);
    expect(recovered.body.details.eventLoop).toEqual({ status: 'up', delayMs: expect.any(Number), limitMs: 100 });
  });
});

describe('readiness with the file store (e2e)', () => {
  let app: NestFastifyApplication;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lps-ready-'));
    app = await startTestApp({ env: { PARSE_WORKERS: '1', CACHE_STORE: 'file', CACHE_FILE_DIR: join(dir, 'cache') } });
  });

  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the store up while its directory is usable, degraded (still 200) once it is gone', async () => {
    const fileCache = (state: string) => ({
      status: state === 'up' ? 'up' : 'degraded',
      store: 'file',
      state,
      servers: { local: state },
    });
    const pool = { status: 'up', threads: 1, running: 0, queued: 0 };
    expect(await readiness(app)).toEqual({
      statusCode: 200,
      body: body('ok', { shutdown: UP, parsePool: pool, eventLoop: EVENT_LOOP_UP, cache: fileCache('up') }),
    });
    await rm(join(dir, 'cache'), { recursive: true });
    const gone = await readinessUntil(app, (answer) => answer.body.status === 'degraded');
    expect(gone).toEqual({
      statusCode: 200,
      body: body('degraded', { shutdown: UP, parsePool: pool, eventLoop: EVENT_LOOP_UP, cache: fileCache('down') }),
    });
  });
});

describe('readiness with memcached servers stopped mid-test (e2e)', () => {
  let servers: MemcachedProcess[];
  let app: NestFastifyApplication;

  beforeAll(async () => {
    servers = await startMemcacheds(2);
    app = await startTestApp({
      env: {
        PARSE_WORKERS: '1',
        CACHE_STORE: 'memcached',
        MEMCACHED_SERVERS: servers.map((server) => server.address).join(','),
      },
    });
  });

  afterAll(async () => {
    await app.close();
    await stopAll(servers);
  });

  it('stays 200 as one server, then every server, stops: degraded, then down, in the body and in cache_store_up', async () => {
    const [a, b] = servers.map((server) => server.address);
    const pool = { status: 'up', threads: 1, running: 0, queued: 0 };
    const expected = (status: string, state: string, states: Record<string, string>) => ({
      statusCode: 200,
      body: body(status, {
        shutdown: UP,
        parsePool: pool,
        eventLoop: EVENT_LOOP_UP,
        cache: { status: state === 'up' ? 'up' : 'degraded', store: 'memcached', state, servers: states },
      }),
    });
    const upGauge = async (server: string): Promise<number> => {
      const scrape = await app.inject({ method: 'GET', url: '/metrics' });
      return sampleValue(scrape.body, 'cache_store_up', { store: 'memcached', server });
    };

    expect(await readiness(app)).toEqual(expected('ok', 'up', { [a]: 'up', [b]: 'up' }));
    expect([await upGauge(a), await upGauge(b)]).toEqual([1, 1]);

    await servers[1].stop();
    const one = await readinessUntil(app, (answer) => answer.body.status !== 'ok');
    expect(one).toEqual(expected('degraded', 'degraded', { [a]: 'up', [b]: 'down' }));
    expect([await upGauge(a), await upGauge(b)]).toEqual([1, 0]);

    await servers[0].stop();
    const none = await readinessUntil(
      app,
      (answer) => (answer.body.details.cache as { state: string }).state === 'down',
    );
    expect(none).toEqual(expected('degraded', 'down', { [a]: 'down', [b]: 'down' }));
    expect([await upGauge(a), await upGauge(b)]).toEqual([0, 0]);
  });
});
