import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FETCH_OUTCOMES } from '../src/fetcher/fetcher.metrics.js';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { sampleValue } from './support/metrics.js';
import { freePort } from './support/processes.js';
import { startTestApp } from './support/test-app.js';

describe('metrics and timing (e2e)', () => {
  let app: NestFastifyApplication;
  let fixture: FixtureUpstream;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/article', articlePage('Counted'));
    app = await startTestApp({ env: { FETCH_ALLOW_PRIVATE: fixture.hostPort, PARSE_WORKERS: '1' } });
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  const scrape = async (): Promise<string> => (await app.inject({ method: 'GET', url: '/metrics' })).body;

  it('adds a Server-Timing header to every answer, errors included', async () => {
    const ok = await app.inject({ method: 'GET', url: '/test' });
    const missing = await app.inject({ method: 'GET', url: '/nope' });
    expect(ok.headers['server-timing']).toMatch(/^total;dur=\d+\.\d$/);
    expect(missing.headers['server-timing']).toMatch(/^total;dur=\d+\.\d$/);
  });

  it('exposes Prometheus metrics: request durations by route, event-loop delay and cache events', async () => {
    await app.inject({ method: 'GET', url: '/test' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/test",status="200"\} [1-9]\d*$/m,
    );
    expect(res.body).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} [1-9]\d*$/m,
    );
    expect(res.body).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });

  it('names the store tier and the body source of a preview in Server-Timing', async () => {
    const url = `/v1/previews?url=${encodeURIComponent(fixture.url('/article'))}`;
    const miss = await app.inject({ method: 'GET', url });
    const hit = await app.inject({ method: 'GET', url });
    expect(miss.headers['server-timing']).toMatch(/^cache;desc="origin", body;desc="rendered", total;dur=\d+\.\d$/);
    expect(hit.headers['server-timing']).toMatch(/^cache;desc="memory", body;desc="memo", total;dur=\d+\.\d$/);
  });

  it('counts cache reads by tier and result, preview answers by state, and bodies by source', async () => {
    // The page is cached by the test above; this selection of it has not been asked for yet.
    const url = `/v1/previews?url=${encodeURIComponent(fixture.url('/article'))}&fields=title`;
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'GET', url })).headers['x-cache']).toBe('HIT');
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>): number =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('cache_requests_total', { store: 'memory', result: 'hit' })).toBe(3);
    expect(delta('cache_requests_total', { store: 'memory', result: 'miss' })).toBe(0);
    expect(delta('preview_cache_answers_total', { state: 'HIT' })).toBe(3);
    // One selection rendered once, then written from the kept body twice.
    expect(delta('preview_bodies_total', { result: 'rendered' })).toBe(1);
    expect(delta('preview_bodies_total', { result: 'memo' })).toBe(2);
  });
});

describe('metrics with METRICS_ENABLED=false (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({ env: { METRICS_ENABLED: 'false' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers /metrics with NOT_FOUND', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', instance: '/metrics' });
  });
});

describe('metrics operators alert on (e2e)', () => {
  let app: NestFastifyApplication;
  let fixture: FixtureUpstream;
  let closedPort: number;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/ok', '<!doctype html><title>Fine</title>');
    fixture.route('/gone', { status: 410, body: 'gone' });
    fixture.route('/broken', { status: 503, body: 'down for maintenance' });
    fixture.html('/slow', '<title>Slow</title>', { delayMs: 2000 });
    fixture.route('/loop', { status: 302, headers: { location: '/loop' } });
    closedPort = await freePort();
    app = await startTestApp({
      env: {
        PARSE_WORKERS: '1',
        FETCH_TIMEOUT_MS: '300',
        FETCH_ALLOW_PRIVATE: `${fixture.hostPort},127.0.0.1:${closedPort}`,
        FETCH_ALLOWED_PORTS: `${fixture.port},${closedPort}`,
      },
    });
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  const scrape = async (): Promise<string> => (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const previewOf = (url: string) => app.inject({ method: 'GET', url: `/v1/previews?url=${encodeURIComponent(url)}` });

  it('counts upstream fetches by outcome class', async () => {
    const before = await scrape();
    const statuses = [];
    for (const url of [
      fixture.url('/ok'),
      fixture.url('/gone'),
      fixture.url('/broken'),
      fixture.url('/slow'),
      fixture.url('/loop'),
      `http://127.0.0.2:${fixture.port}/private`,
      `http://127.0.0.1:${closedPort}/refused`,
    ]) {
      statuses.push((await previewOf(url)).statusCode);
    }
    expect(statuses).toEqual([200, 502, 502, 504, 502, 403, 502]);
    const after = await scrape();
    const delta = Object.fromEntries(
      FETCH_OUTCOMES.map((outcome) => [
        outcome,
        sampleValue(after, 'upstream_fetches_total', { outcome }) -
          sampleValue(before, 'upstream_fetches_total', { outcome }),
      ]),
    );
    expect(delta).toEqual({
      ok: 1,
      '4xx': 1,
      '5xx': 1,
      timeout: 1,
      blocked_destination: 1,
      invalid_url: 0,
      too_large: 0,
      redirect: 1,
      network: 1,
      cancelled: 0,
      error: 0,
    });
  });

  it('observes the size of each accepted batch', async () => {
    const before = await scrape();
    const batch = (urls: string[]) =>
      app.inject({
        method: 'POST',
        url: '/v1/previews/batch',
        payload: { urls },
        headers: { accept: 'application/json' },
      });
    expect((await batch([fixture.url('/ok'), fixture.url('/ok?again'), fixture.url('/gone')])).statusCode).toBe(200);
    expect((await batch([fixture.url('/ok')])).statusCode).toBe(200);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect([delta('batch_size_count'), delta('batch_size_sum')]).toEqual([2, 4]);
    expect([
      delta('batch_size_bucket', { le: '1' }),
      delta('batch_size_bucket', { le: '2' }),
      delta('batch_size_bucket', { le: '5' }),
      delta('batch_size_bucket', { le: '+Inf' }),
    ]).toEqual([1, 1, 2, 2]);
  });

  it('exports the parse pool gauges: nothing queued and no thread busy at rest', async () => {
    const body = await scrape();
    expect(body).toMatch(/^# TYPE parse_pool_queue_length gauge$/m);
    expect(body).toMatch(/^# TYPE parse_pool_utilization gauge$/m);
    expect([sampleValue(body, 'parse_pool_queue_length'), sampleValue(body, 'parse_pool_utilization')]).toEqual([0, 0]);
  });
});
