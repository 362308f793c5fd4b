import { connect } from 'node:net';
import { jest } from '@jest/globals';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { restartMemcached, startMemcached, type MemcachedProcess } from './support/memcached.js';
import { sampleValue } from './support/metrics.js';
import type { StartedService } from './support/processes.js';
import { freshRequest, logLines, startOnLoopback, waitForLine, type LogLine } from './support/service-logs.js';

// Services start and memcached stops and starts again: more than jest's default 5 s.
jest.setTimeout(30_000);

const INFO = 30;
const WARN = 40;
const ERROR = 50;

/** The service's lines about the request with id `id` (sent as X-Request-Id). */
function linesOf(service: StartedService, id: string): LogLine[] {
  return logLines(service.stdout()).filter((line) => line.requestId === id);
}

/**
 * Waits until the request `id` has its request line, then until a later request's line is out too: pino writes in
 * order, so by then every line about `id` has been written.
 */
async function settledLinesOf(service: StartedService, base: string, id: string): Promise<LogLine[]> {
  await waitForLine(service, (line) => line.requestId === id && typeof line.responseTime === 'number');
  const marker = `${id}-then`;
  await freshRequest(`${base}/test`, { headers: { 'x-request-id': marker } });
  await waitForLine(service, (line) => line.requestId === marker && typeof line.responseTime === 'number');
  return linesOf(service, id);
}

/** The request line fields every answer's line has. */
function requestLine(id: string, url: string, statusCode: number | null) {
  return {
    pid: expect.any(Number),
    requestId: id,
    req: { id, method: expect.any(String), url, ip: '127.0.0.1' },
    res: { statusCode },
    responseTime: expect.any(Number),
  };
}

describe('log lines of the built service (LOG_LEVEL=info)', () => {
  let fixture: FixtureUpstream;
  let memcached: MemcachedProcess;
  let service: StartedService;
  let port: number;
  let base: string;
  let release: () => void;

  beforeAll(async () => {
    const held = new Promise<void>((resolve) => (release = resolve));
    fixture = await new FixtureUpstream().start();
    fixture.html('/article', articlePage('Logged'));
    fixture.html('/fast', articlePage('Fast'));
    fixture.route('/broken', { status: 500, body: 'upstream trouble' });
    fixture.html('/held', articlePage('Held'), { until: held });
    fixture.html('/held-batch', articlePage('Held in a batch'), { until: held });
    memcached = await startMemcached();
    ({ service, port, base } = await startOnLoopback({
      FETCH_ALLOW_PRIVATE: fixture.hostPort,
      FETCH_ALLOWED_PORTS: String(fixture.port),
      FETCH_TIMEOUT_MS: '500',
      CACHE_STORE: 'memcached',
      MEMCACHED_SERVERS: memcached.address,
    }));
  });

  afterAll(async () => {
    release();
    service.child.kill('SIGTERM');
    await service.exited;
    await memcached.stop();
    await fixture.close();
  });

  const preview = (path: string, id: string) =>
    freshRequest(`${base}/v1/previews?url=${encodeURIComponent(fixture.url(path))}`, {
      headers: { 'x-request-id': id },
    });

  it('says once, at startup, where it listens', () => {
    const lines = logLines(service.stdout()).filter((line) => line.msg.startsWith('listening on'));
    expect(lines).toEqual([
      {
        level: INFO,
        time: expect.any(Number),
        pid: service.child.pid,
        hostname: expect.any(String),
        context: 'Bootstrap',
        host: '127.0.0.1',
        port,
        msg: `listening on http://127.0.0.1:${port}`,
      },
    ]);
  });

  it('logs a 502 once, with its code, cause and upstream status, without a stack', async () => {
    const answer = await preview('/broken', 'log-502');
    expect(answer.status).toBe(502);
    expect(await settledLinesOf(service, base, 'log-502')).toEqual([
      expect.objectContaining({
        ...requestLine('log-502', `/v1/previews?url=${encodeURIComponent(fixture.url('/broken'))}`, 502),
        level: WARN,
        msg: 'request failed: 502 UPSTREAM_ERROR',
        code: 'UPSTREAM_ERROR',
        cause: 'status',
        detail: `${fixture.hostPort} answered 500`,
        upstreamStatus: 500,
      }),
    ]);
    expect(linesOf(service, 'log-502')[0]).not.toHaveProperty('err');
  });

  it('logs a 504 once, with its code and cause', async () => {
    const answer = await preview('/held', 'log-504');
    expect(answer.status).toBe(504);
    const lines = await settledLinesOf(service, base, 'log-504');
    expect(lines).toEqual([
      expect.objectContaining({
        ...requestLine('log-504', `/v1/previews?url=${encodeURIComponent(fixture.url('/held'))}`, 504),
        level: WARN,
        msg: 'request failed: 504 UPSTREAM_TIMEOUT',
        code: 'UPSTREAM_TIMEOUT',
        cause: 'deadline',
        detail: 'no complete answer within 500 ms',
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('err');
  });

  it('logs a client that disconnects mid-batch as an aborted request, not as an error with a stack', async () => {
    const body = JSON.stringify({ urls: [fixture.url('/fast'), fixture.url('/held-batch')] });
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write(
      'POST /v1/previews/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Accept: application/x-ndjson\r\nX-Request-Id: log-gone\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // The fast URL's line has arrived and the held one is still being fetched: the client goes away.
    await waitForLine(service, () => received.includes('"ok":true') && fixture.hits('/held-batch') === 1);
    socket.destroy();
    // The fetch of the held page is cancelled with the request.
    await waitForLine(service, () => fixture.aborted().includes('/held-batch'));
    const lines = await settledLinesOf(service, base, 'log-gone');
    expect(lines).toEqual([
      expect.objectContaining({
        ...requestLine('log-gone', '/v1/previews/batch', 200),
        level: INFO,
        msg: 'request aborted',
      }),
    ]);
    expect(lines.filter((line) => line.level >= ERROR || 'err' in line)).toEqual([]);
  });

  it('writes no line for health probes at info', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      expect((await freshRequest(`${base}${path}`)).status).toBe(200);
    }
    // A later request's line is out: the probes' lines would be before it.
    expect((await freshRequest(`${base}/test`, { headers: { 'x-request-id': 'log-after-probes' } })).status).toBe(200);
    await waitForLine(service, (line) => line.requestId === 'log-after-probes');
    const probeLines = logLines(service.stdout()).filter(
      (line) => (line.req as { url?: string } | undefined)?.url?.startsWith('/health/') === true,
    );
    expect(probeLines).toEqual([]);
  });

  it('stays ready and serves when memcached stops, and says so in readiness, a metric and one log line', async () => {
    const cacheDown = (line: LogLine) => line.context === 'CacheHealth' && line.cache === 'down';
    const cacheUp = (line: LogLine) => line.context === 'CacheHealth' && line.cache === 'up';
    const readiness = async () => {
      const answer = await freshRequest(`${base}/health/ready`);
      return {
        status: answer.status,
        body: JSON.parse(answer.body) as { status: string; details: { cache: unknown } },
      };
    };
    const readinessUntil = async (done: (answer: Awaited<ReturnType<typeof readiness>>) => boolean) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const answer = await readiness();
        if (done(answer) || Date.now() > deadline) return answer;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const gauge = async () =>
      sampleValue((await freshRequest(`${base}/metrics`)).body, 'cache_store_up', {
        store: 'memcached',
        server: memcached.address,
      });
    expect(await readiness()).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await gauge()).toBe(1);

    await memcached.stop();
    // A readiness probe probes the cache again once the last probe is a second old.
    const down = await readinessUntil((answer) => answer.body.status === 'degraded');
    expect(down).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'degraded',
        details: expect.objectContaining({
          cache: { status: 'degraded', store: 'memcached', state: 'down', servers: { [memcached.address]: 'down' } },
        }),
      }),
    });
    expect(await gauge()).toBe(0);
    // Fail-open: a preview is still answered, from the upstream.
    const served = await preview('/article', 'log-served');
    expect([served.status, served.headers['x-cache']]).toEqual([200, 'MISS']);
    expect(logLines(service.stdout()).filter(cacheDown)).toEqual([
      expect.objectContaining({
        level: WARN,
        store: 'memcached',
        server: memcached.address,
        msg: `cache server ${memcached.address} (memcached) is down: its previews are fetched again (fail-open), readiness stays 200`,
      }),
    ]);

    memcached = await restartMemcached(memcached);
    expect(await readinessUntil((answer) => answer.body.status === 'ok')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await gauge()).toBe(1);
    expect(logLines(service.stdout()).filter(cacheDown)).toHaveLength(1);
    expect(logLines(service.stdout()).filter(cacheUp)).toEqual([
      expect.objectContaining({
        level: INFO,
        store: 'memcached',
        server: memcached.address,
        msg: `cache server ${memcached.address} (memcached) answers again`,
      }),
    ]);
  });
});

describe('log lines of the built service (LOG_LEVEL=debug)', () => {
  let service: StartedService;
  let base: string;

  beforeAll(async () => {
    ({ service, base } = await startOnLoopback({ LOG_LEVEL: 'debug' }));
  });

  afterAll(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
  });

  it('logs health probes at debug, other requests at info', async () => {
    for (const path of ['/health/live', '/health/ready', '/test']) {
      expect((await freshRequest(`${base}${path}`, { headers: { 'x-request-id': `dbg-${path}` } })).status).toBe(200);
    }
    const levels = [];
    for (const path of ['/health/live', '/health/ready', '/test']) {
      const line = await waitForLine(service, (entry) => entry.requestId === `dbg-${path}` && 'responseTime' in entry);
      levels.push([path, line.level, line.msg]);
    }
    expect(levels).toEqual([
      ['/health/live', 20, 'request completed'],
      ['/health/ready', 20, 'request completed'],
      ['/test', INFO, 'request completed'],
    ]);
  });
});
