import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DrainState } from '../src/common/lifecycle/drain-state.js';
import { startTestApp } from './support/test-app.js';

describe('health checks (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp();
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

  it('answers readiness with 200, then 503 once the drain has started, while liveness stays 200', async () => {
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      info: { shutdown: { status: 'up' } },
      error: {},
      details: { shutdown: { status: 'up' } },
    });

    app.get(DrainState).startDraining();
    const draining = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toEqual({
      status: 'error',
      info: {},
      error: { shutdown: { status: 'down' } },
      details: { shutdown: { status: 'down' } },
    });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});
