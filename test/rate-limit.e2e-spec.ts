import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jest } from '@jest/globals';
import http from 'node:http';
import { memcachedStats, startMemcached, type MemcachedProcess } from './support/memcached.js';
import { sampleValue } from './support/metrics.js';
import { freePort, startService, waitForHttp } from './support/processes.js';
import { startTestApp } from './support/test-app.js';

const CLIENT_A = 'client-key-a-0123456789';
const CLIENT_B = 'client-key-b-0123456789';
/** A request that passes the guards and is refused by validation: cheap, and it needs no upstream. */
const LIMITED = '/v1/previews?url=ftp%3A%2F%2Fexample.com%2F';

// A test may first wait for the next one-minute window (insideOneWindow).
jest.setTimeout(30_000);

/**
 * Waits until at least `seconds` of the current one-minute window remain, so that a test's requests all fall in
 * one window (the limiter counts per fixed minute).
 */
async function insideOneWindow(seconds: number): Promise<void> {
  const left = 60 - ((Date.now() / 1000) % 60);
  if (left >= seconds) return;
  await new Promise((resolve) => setTimeout(resolve, left * 1000 + 50));
}

describe('rate limit per client address, authentication off (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('lets the limit through with RateLimit headers, then answers 429 RATE_LIMITED with Retry-After', async () => {
    await insideOneWindow(10);
    const from = (remoteAddress: string) => app.inject({ method: 'GET', url: LIMITED, remoteAddress });
    const passed = [];
    for (let i = 0; i < 3; i++) passed.push(await from('203.0.113.10'));
    expect(passed.map((res) => res.statusCode)).toEqual([400, 400, 400]);
    expect(passed.map((res) => res.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    expect(passed[0].headers).toMatchObject({
      'ratelimit-limit': '3',
      'ratelimit-policy': '3;w=60',
      'ratelimit-reset': expect.stringMatching(/^([1-9]|[1-5]\d|60)$/),
    });

    const refused = await from('203.0.113.10');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const reset = Number(refused.headers['retry-after']);
    expect(reset).toBeGreaterThanOrEqual(1);
    expect(reset).toBeLessThanOrEqual(60);
    expect(refused.headers).toMatchObject({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(reset),
      'ratelimit-policy': '3;w=60',
    });
    expect(refused.json()).toEqual({
      type: 'urn:link-preview:problem:rate-limited',
      title: 'Too many requests',
      status: 429,
      detail: `More than 3 requests a minute from this client address; retry in ${reset} s`,
      code: 'RATE_LIMITED',
      instance: '/v1/previews',
      requestId: refused.headers['x-request-id'],
    });

    // Another client address has its own budget; open routes have none.
    expect((await from('203.0.113.11')).statusCode).toBe(400);
    expect((await from('203.0.113.10')).statusCode).toBe(429);
    expect((await app.inject({ method: 'GET', url: '/test', remoteAddress: '203.0.113.10' })).statusCode).toBe(200);
  });

  it('counts IPv6 clients per /64', async () => {
    await insideOneWindow(10);
    const statuses = [];
    for (let i = 1; i <= 4; i++) {
      statuses.push(
        (await app.inject({ method: 'GET', url: LIMITED, remoteAddress: `2001:db8:aa:bb::${i}` })).statusCode,
      );
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});

describe('rate limit per API key (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '2', API_KEYS: `${CLIENT_A}:client,${CLIENT_B}:client` },
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('gives each key its own limit, whatever address it comes from', async () => {
    await insideOneWindow(10);
    const send = (key: string, remoteAddress: string) =>
      app.inject({ method: 'GET', url: LIMITED, remoteAddress, headers: { 'x-api-key': key } });
    const a = [
      await send(CLIENT_A, '203.0.113.1'),
      await send(CLIENT_A, '203.0.113.2'),
      await send(CLIENT_A, '203.0.113.3'),
    ];
    expect(a.map((res) => res.statusCode)).toEqual([400, 400, 429]);
    expect(a[2].json().detail).toMatch(/^More than 2 requests a minute for this API key; retry in \d+ s$/);
    expect((await send(CLIENT_B, '203.0.113.1')).statusCode).toBe(400);
  });

  it('checks the key before the limit: an unknown key is 401, not counted', async () => {
    const res = await app.inject({ method: 'GET', url: LIMITED, headers: { 'x-api-key': 'unknown-key-0123456789' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });
});

describe('rate limit counters in memcached (e2e)', () => {
  let memcached: MemcachedProcess;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    memcached = await startMemcached();
    app = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '2', CACHE_STORE: 'memcached', MEMCACHED_SERVERS: memcached.address },
    });
  });

  afterAll(async () => {
    await app.close();
    await memcached.stop();
  });

  it('counts in memcached, and lets requests through when memcached is down, counting the failures', async () => {
    await insideOneWindow(10);
    const send = () => app.inject({ method: 'GET', url: LIMITED, remoteAddress: '198.51.100.7' });
    expect([(await send()).statusCode, (await send()).statusCode, (await send()).statusCode]).toEqual([400, 400, 429]);
    // The first request creates the counter (incr with an initial value: neither an incr hit nor a miss to
    // memcached), the next two increment it.
    expect(await memcachedStats(memcached.address)).toMatchObject({ incr_hits: 2, curr_items: 1 });

    await memcached.stop();
    const before = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const during = [];
    for (let i = 0; i < 4; i++) during.push((await send()).statusCode);
    expect(during).toEqual([400, 400, 400, 400]);
    const after = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const failures = (body: string) => sampleValue(body, 'rate_limiter_errors_total', { store: 'memcached' });
    expect(failures(after) - failures(before)).toBe(4);
  });
});

/** One GET on a fresh connection (so the kernel may hand it to either worker). */
async function getFresh(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('one limit shared by two worker processes through memcached (e2e, the built service)', () => {
  let memcached: MemcachedProcess;

  beforeAll(async () => {
    memcached = await startMemcached();
  });

  afterAll(async () => {
    await memcached.stop();
  });

  it('lets exactly RATE_LIMIT_PER_MINUTE requests through, whichever worker answers', async () => {
    const port = await freePort();
    const service = startService({
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      WEB_CONCURRENCY: '2',
      SHUTDOWN_DELAY_MS: '0',
      PARSE_WORKERS: '1',
      CACHE_STORE: 'memcached',
      MEMCACHED_SERVERS: memcached.address,
      RATE_LIMIT_PER_MINUTE: '10',
    });
    const url = `http://127.0.0.1:${port}${LIMITED}`;
    const statuses: number[] = [];
    /** The worker PIDs that answered a limited request, from their request log lines. */
    const servingWorkers = (): Set<number> =>
      new Set(
        service
          .stdout()
          .split('\n')
          .filter((line) => line.includes('"url":"/v1/previews?url=ftp'))
          .map((line) => (JSON.parse(line) as { pid: number }).pid),
      );
    try {
      await waitForHttp(`http://127.0.0.1:${port}/test`);
      await insideOneWindow(20);
      // Until both workers have answered some of them (the kernel picks the worker per connection), at most 200.
      while (statuses.length < 30 || (servingWorkers().size < 2 && statuses.length < 200)) {
        statuses.push(await getFresh(url));
      }
    } finally {
      service.child.kill('SIGTERM');
    }
    await service.exited;
    expect(servingWorkers().size).toBe(2);
    expect(statuses.filter((status) => status === 400)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(statuses.length - 10);
  }, 40_000);
});
