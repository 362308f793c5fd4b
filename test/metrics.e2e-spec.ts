import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { sampleValue } from './support/metrics.js';
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
