import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startTestApp } from './support/test-app.js';

describe('metrics and timing (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

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
    expect(res.body).toMatch(/^preview_cache_events\{event="hits"\} 0$/m);
    expect(res.body).toMatch(/^preview_cache_events\{event="responseHits"\} 0$/m);
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
