import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { freePort, startService, waitForHttp } from './support/processes.js';
import { startTestApp } from './support/test-app.js';

const CLIENT_KEY = 'client-key-3f9a61c2d8e4';
const ADMIN_KEY = 'admin-key-7b20e5f14c93';
const WRONG_KEY = 'wrong-key-000000000000';
const API_KEYS = `${CLIENT_KEY}:client,${ADMIN_KEY}:admin`;

type Caller = 'none' | 'wrong' | 'client' | 'admin';
const HEADERS: Record<Caller, Record<string, string>> = {
  none: {},
  wrong: { 'x-api-key': WRONG_KEY },
  client: { 'x-api-key': CLIENT_KEY },
  admin: { authorization: `Bearer ${ADMIN_KEY}` },
};

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
  code: string,
  detail: string | RegExp,
  instance: string,
): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(res.json()).toEqual({
    type: `urn:link-preview:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: status === 401 ? 'Unauthorized' : 'Forbidden',
    status,
    detail: typeof detail === 'string' ? detail : expect.stringMatching(detail),
    code,
    instance,
    requestId: res.headers['x-request-id'],
  });
}

describe('access control with API_KEYS set (e2e)', () => {
  let fixture: FixtureUpstream;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/article', articlePage('Guarded')).html('/other', articlePage('Other'));
    app = await startTestApp({
      env: { API_KEYS, FETCH_ALLOW_PRIVATE: fixture.hostPort, PARSE_WORKERS: '1', RATE_LIMIT_PER_MINUTE: '0' },
    });
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  const article = () => encodeURIComponent(fixture.url('/article'));

  /** Every /v1 route, as a request for one caller; each is sent twice (the second is served from the cache). */
  const routes = () =>
    [
      { name: 'GET /v1/previews', method: 'GET', url: `/v1/previews?url=${article()}`, ok: 200 },
      {
        name: 'POST /v1/previews/batch',
        method: 'POST',
        url: '/v1/previews/batch',
        payload: { urls: [fixture.url('/article')], fields: ['title'] },
        ok: 200,
      },
      { name: 'GET /v1/oembed', method: 'GET', url: `/v1/oembed?url=${article()}`, ok: 200 },
    ] as const;

  it.each(['GET /v1/previews', 'POST /v1/previews/batch', 'GET /v1/oembed'])(
    '%s: 401 without a key or with a wrong one, 2xx with a client or an admin key, on a cold and a cached request',
    async (name) => {
      const route = routes().find((candidate) => candidate.name === name)!;
      const path = route.url.split('?')[0];
      for (let round = 0; round < 2; round++) {
        const send = (caller: Caller) =>
          app.inject({
            method: route.method,
            url: route.url,
            headers: HEADERS[caller],
            ...('payload' in route ? { payload: route.payload } : {}),
          });
        const none = await send('none');
        expectProblem(
          none,
          401,
          'UNAUTHORIZED',
          'An API key is required: send it in X-API-Key or Authorization: Bearer',
          path,
        );
        expect(none.headers['www-authenticate']).toBe('Bearer realm="link-preview-service"');
        expectProblem(await send('wrong'), 401, 'UNAUTHORIZED', 'The API key is not valid', path);
        expect((await send('client')).statusCode).toBe(route.ok);
        expect((await send('admin')).statusCode).toBe(route.ok);
      }
    },
  );

  it('answers a cached preview to a client key with the same body, and keys shared caches on the credentials', async () => {
    const url = `/v1/previews?url=${article()}`;
    const first = await app.inject({ method: 'GET', url, headers: HEADERS.client });
    const second = await app.inject({ method: 'GET', url, headers: HEADERS.client });
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toBe(first.body);
    expect(second.headers.vary).toBe('Authorization, X-API-Key');
    expect(second.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
  });

  it.each([
    ['debug=true', 'debug=true needs an admin API key'],
    ['refresh=true', 'refresh=true needs an admin API key'],
  ])('refuses %s to a client key with 403 FORBIDDEN, cold and cached', async (flag, detail) => {
    for (const target of ['/article', '/other']) {
      const url = `/v1/previews?url=${encodeURIComponent(fixture.url(target))}&${flag}`;
      expectProblem(
        await app.inject({ method: 'GET', url, headers: HEADERS.client }),
        403,
        'FORBIDDEN',
        detail,
        '/v1/previews',
      );
      expectProblem(
        await app.inject({ method: 'GET', url, headers: HEADERS.wrong }),
        401,
        'UNAUTHORIZED',
        'The API key is not valid',
        '/v1/previews',
      );
    }
  });

  it('serves debug data to an admin key as a private answer that shared caches must not keep', async () => {
    const url = `/v1/previews?url=${article()}&debug=true&fields=title`;
    const res = await app.inject({ method: 'GET', url, headers: HEADERS.admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers.vary).toBe('Authorization, X-API-Key');
    // No redirects on the way: that debug field is empty, so it is left out.
    expect(Object.keys(res.json())).toEqual(['url', 'title', 'sources', 'timings', 'bytes']);
  });

  it('lets an admin key refresh a cached preview', async () => {
    const url = `/v1/previews?url=${article()}&refresh=true`;
    const before = fixture.hits('/article');
    const res = await app.inject({ method: 'GET', url, headers: HEADERS.admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-cache']).toBe('MISS');
    expect(fixture.hits('/article')).toBe(before + 1);
  });

  it('DELETE /v1/previews: 401 without or with a wrong key, 403 for a client key (even for a bad URL), 204 for an admin key', async () => {
    const url = `/v1/previews?url=${article()}`;
    const purge = (caller: Caller, target = url) =>
      app.inject({ method: 'DELETE', url: target, headers: HEADERS[caller] });
    expectProblem(await purge('none'), 401, 'UNAUTHORIZED', /^An API key is required/, '/v1/previews');
    expectProblem(await purge('wrong'), 401, 'UNAUTHORIZED', 'The API key is not valid', '/v1/previews');
    expectProblem(
      await purge('client'),
      403,
      'FORBIDDEN',
      'DELETE /v1/previews needs an admin API key',
      '/v1/previews',
    );
    expectProblem(
      await purge('client', '/v1/previews?url=not-a-url'),
      403,
      'FORBIDDEN',
      'DELETE /v1/previews needs an admin API key',
      '/v1/previews',
    );
    const done = await purge('admin');
    expect(done.statusCode).toBe(204);
    expect(done.body).toBe('');
    const after = await app.inject({ method: 'GET', url, headers: HEADERS.client });
    expect(after.headers['x-cache']).toBe('MISS');
  });

  it.each(['Basic Y2xpZW50OmtleQ==', `Bearer ${CLIENT_KEY} extra`, 'Bearer'])(
    'refuses Authorization: %s as no key at all',
    async (authorization) => {
      const res = await app.inject({ method: 'GET', url: `/v1/previews?url=${article()}`, headers: { authorization } });
      expectProblem(res, 401, 'UNAUTHORIZED', /^An API key is required/, '/v1/previews');
    },
  );

  it.each(['/test', '/health/live', '/health/ready', '/metrics', '/docs-json'])(
    'keeps %s open without a key',
    async (url) => {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    },
  );

  it('documents the two ways to send a key in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs-json' })).json();
    expect(doc.components.securitySchemes).toEqual({
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A key from API_KEYS' },
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description: 'The same key as a bearer token',
      },
    });
    expect(doc.paths['/v1/previews'].get.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
    expect(Object.keys(doc.paths['/v1/previews'].delete.responses)).toEqual(
      expect.arrayContaining(['204', '400', '401', '403', '429']),
    );
    expect(doc.paths['/test'].get.security).toBeUndefined();
  });
});

describe('access control with authentication off (e2e)', () => {
  let fixture: FixtureUpstream;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/article', articlePage('Open'));
    app = await startTestApp({ env: { FETCH_ALLOW_PRIVATE: fixture.hostPort, PARSE_WORKERS: '1' } });
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  it('previews for anyone, without Vary on credentials', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/previews?url=${encodeURIComponent(fixture.url('/article'))}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.vary).toBeUndefined();
  });

  it.each([
    [
      'GET',
      '&debug=true',
      'debug=true is an admin action; with authentication off it is refused unless ADMIN_OPEN=true',
    ],
    [
      'GET',
      '&refresh=true',
      'refresh=true is an admin action; with authentication off it is refused unless ADMIN_OPEN=true',
    ],
    [
      'DELETE',
      '',
      'DELETE /v1/previews is an admin action; with authentication off it is refused unless ADMIN_OPEN=true',
    ],
  ] as const)('refuses %s …%s to everyone unless ADMIN_OPEN=true', async (method, flag, detail) => {
    const url = `/v1/previews?url=${encodeURIComponent(fixture.url('/article'))}${flag}`;
    expectProblem(await app.inject({ method, url }), 403, 'FORBIDDEN', detail, '/v1/previews');
  });
});

describe('API keys in logs (e2e, the built service)', () => {
  it('never writes a presented key, right or wrong, to the log', async () => {
    const port = await freePort();
    const service = startService({
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_DELAY_MS: '0',
      API_KEYS,
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/test`);
      const target = `http://127.0.0.1:${port}/v1/previews?url=ftp%3A%2F%2Fx`;
      const statuses = [];
      for (const headers of [
        HEADERS.client,
        HEADERS.admin,
        HEADERS.wrong,
        { 'x-api-key': CLIENT_KEY, authorization: `Bearer ${WRONG_KEY}` },
      ]) {
        statuses.push((await fetch(target, { headers })).status);
      }
      expect(statuses).toEqual([400, 400, 401, 400]);
    } finally {
      service.child.kill('SIGTERM');
    }
    const { stdout, stderr } = await service.exited;
    const lines = stdout.trim().split('\n');
    expect(lines.filter((line) => line.includes('"url":"/v1/previews?url=ftp%3A%2F%2Fx"'))).toHaveLength(4);
    for (const key of [CLIENT_KEY, ADMIN_KEY, WRONG_KEY]) {
      expect(stdout).not.toContain(key);
      expect(stderr).not.toContain(key);
    }
  }, 20_000);
});
