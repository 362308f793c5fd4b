import type { ChildProcess } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { startNginx, type NginxProcess } from './support/nginx.js';
import { freePort, startService, waitForHttp, type Exited } from './support/processes.js';

/** nginx connects to the app from 127.0.0.1; clients come from another loopback address, so the two differ. */
const CLIENT = '127.0.0.5';
const PROXY = '127.0.0.1';
const SPOOFED = '203.0.113.7';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The X-Request-Id the request was sent with (generated unless the caller gave one). */
  requestId: string;
}

let sent = 0;

/** One HTTP request from a chosen local address, on a fresh connection. */
function send(
  url: string,
  options: { from?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const requestId = options.headers?.['x-request-id'] ?? `nginx-test-${process.pid}-${++sent}`;
  const headers = { 'x-request-id': requestId, ...options.headers };
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers, localAddress: options.from ?? CLIENT, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString(), requestId });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The problem+json answer nginx writes itself: the whole answer, with `type` derived from `code` as the app does. */
function expectProblem(
  answer: Answer,
  problem: { status: number; code: string; title: string; detail: string; instance: string; requestId: string },
): void {
  expect(answer.status).toBe(problem.status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  const type = `urn:link-preview:problem:${problem.code.toLowerCase().replaceAll('_', '-')}`;
  const { status, code, title, detail, instance, requestId } = problem;
  expect(JSON.parse(answer.text)).toEqual({ type, title, status, detail, code, instance, requestId });
}

/** Polls `probe` until it returns a value. */
async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Waits until nginx has logged the request of `answer`. nginx writes its log line once the request is finalized,
 * after it has filed the answer in its cache: the next request then sees the cache as this one left it (a request
 * sent right after the last byte arrived could otherwise still miss).
 */
async function settled(proxy: NginxProcess, answer: Answer): Promise<Answer> {
  const line = `"requestId":"${answer.requestId}"`;
  await waitFor(() => (proxy.accessLog().includes(line) ? true : undefined), `nginx's log line of ${answer.requestId}`);
  return answer;
}

interface RequestLine {
  requestId: string;
  req: { method: string; url: string; ip: string };
  res: { statusCode: number };
}

/** The app's `request completed` log lines so far. */
function requestLines(stdout: string): RequestLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes('"request completed"'))
    .map((line) => JSON.parse(line) as RequestLine);
}

describe('nginx in front of the service (e2e, real nginx and the built app)', () => {
  let fixture: FixtureUpstream;
  let app: ChildProcess;
  let appExited: Promise<Exited>;
  let appOrigin: string;
  let appStdout = '';
  let nginx: NginxProcess;

  const loggedAs = (requestId: string): Promise<RequestLine> =>
    waitFor(() => requestLines(appStdout).find((line) => line.requestId === requestId), `the log line of ${requestId}`);

  const previewUrl = (path: string, extra = '') =>
    `${nginx.origin}/v1/previews?url=${encodeURIComponent(fixture.url(path))}&fields=title${extra}`;

  /** How many GET /v1/previews the app itself has answered, from its own metrics (read through nginx). */
  async function appPreviewCount(): Promise<number> {
    const metrics = await send(`${nginx.origin}/metrics`, { from: PROXY });
    const samples = [
      ...metrics.text.matchAll(
        /^http_request_duration_seconds_count\{method="GET",route="\/v1\/previews",[^}]*\} (\d+)$/gm,
      ),
    ];
    return samples.reduce((sum, match) => sum + Number(match[1]), 0);
  }

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    for (const name of ['article', 'debug', 'credentials']) fixture.html(`/${name}`, articlePage(`Proxied ${name}`));
    const port = await freePort();
    const service = startService({
      PORT: String(port),
      HOST: '127.0.0.1',
      TRUST_PROXY: PROXY,
      LOG_LEVEL: 'info',
      FETCH_ALLOW_PRIVATE: fixture.hostPort,
      PARSE_WORKERS: '1',
      // With auth off, debug answers need ADMIN_OPEN (ignored by builds that do not know it yet).
      ADMIN_OPEN: 'true',
    });
    app = service.child;
    appExited = service.exited;
    app.stdout?.on('data', (chunk: Buffer) => (appStdout += chunk.toString()));
    appOrigin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${appOrigin}/health/live`);
    nginx = await startNginx(`127.0.0.1:${port}`, `${PROXY}/32`);
  });

  afterAll(async () => {
    await nginx?.stop();
    if (app?.pid !== undefined && app.exitCode === null) process.kill(app.pid, 'SIGKILL');
    await appExited;
    await fixture?.close();
  });

  it('serves a preview through nginx, then answers the same request from its cache (HIT)', async () => {
    const before = await appPreviewCount();
    const first = await settled(nginx, await send(previewUrl('/article')));
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=3600',
      'x-cache': 'MISS',
      'x-cache-status': 'MISS',
      etag: expect.stringMatching(/^W\/"[\w-]+"$/),
    });
    expect(JSON.parse(first.text)).toEqual({ url: fixture.url('/article'), title: 'Proxied article' });

    const second = await send(previewUrl('/article'));
    expect(second.status).toBe(200);
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.text).toBe(first.text);
    expect(fixture.hits('/article')).toBe(1);
    expect((await appPreviewCount()) - before).toBe(1);
  });

  it('never answers a debug request from its cache', async () => {
    const before = await appPreviewCount();
    const answers = [await send(previewUrl('/debug', '&debug=true')), await send(previewUrl('/debug', '&debug=true'))];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers['x-cache-status']).toBe('BYPASS');
      expect(answer.headers['cache-control']).toBe('private, no-store');
      expect(answer.headers.vary).toMatch(/Authorization, X-API-Key/);
      expect(JSON.parse(answer.text)).toEqual({
        url: fixture.url('/debug'),
        title: 'Proxied debug',
        sources: expect.objectContaining({ title: 'og:title' }),
        timings: expect.objectContaining({ total: expect.any(Number) }),
        bytes: Buffer.byteLength(articlePage('Proxied debug')),
      });
    }
    expect((await appPreviewCount()) - before).toBe(2);
  });

  it('does not store an answer to a request with credentials that the answer does not vary on', async () => {
    const headers = { 'x-api-key': 'some-client-key' };
    const first = await send(previewUrl('/credentials'), { headers });
    const second = await send(previewUrl('/credentials'), { headers });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.headers['x-cache-status'], second.headers['x-cache-status']]).toEqual(['MISS', 'MISS']);
  });

  it('passes the original client address: the app logs 127.0.0.5, not the proxy', async () => {
    const answer = await send(`${nginx.origin}/test`, { headers: { 'x-request-id': 'nginx-client-address' } });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('Hello, World!');
    expect(answer.headers['x-request-id']).toBe('nginx-client-address');
    const line = await loggedAs('nginx-client-address');
    expect(line.req).toEqual({ id: 'nginx-client-address', method: 'GET', url: '/test', ip: CLIENT });
    const access = await waitFor(
      () =>
        nginx
          .accessLog()
          .split('\n')
          .find((entry) => entry.includes('"requestId":"nginx-client-address"')),
      'the access log line',
    );
    expect(JSON.parse(access)).toMatchObject({ client: CLIENT, method: 'GET', uri: '/test', status: 200 });
  });

  it('ignores an X-Forwarded-For that a client sends, through nginx or straight to the app', async () => {
    const headers = (id: string) => ({ 'x-forwarded-for': SPOOFED, 'x-request-id': id });
    await send(`${nginx.origin}/test`, { headers: headers('spoofed-through-nginx') });
    await send(`${appOrigin}/test`, { headers: headers('spoofed-direct') });
    // The same header from the trusted proxy's address is believed: TRUST_PROXY is what decides.
    await send(`${appOrigin}/test`, { from: PROXY, headers: headers('forwarded-by-trusted-hop') });
    expect((await loggedAs('spoofed-through-nginx')).req.ip).toBe(CLIENT);
    expect((await loggedAs('spoofed-direct')).req.ip).toBe(CLIENT);
    expect((await loggedAs('forwarded-by-trusted-hop')).req.ip).toBe(SPOOFED);
  });

  it('refuses /metrics from outside the allowed network and serves it inside', async () => {
    const refused = await send(`${nginx.origin}/metrics`, { headers: { 'x-request-id': 'metrics-outside' } });
    expectProblem(refused, {
      status: 403,
      code: 'FORBIDDEN',
      title: 'Forbidden',
      detail: 'Not allowed from this network',
      instance: '/metrics',
      requestId: 'metrics-outside',
    });

    const allowed = await send(`${nginx.origin}/metrics`, { from: PROXY });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(allowed.text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
  });

  it('stops a body over the app limit (256 KiB) with problem+json, and passes a smaller one to the app', async () => {
    const headers = { 'content-type': 'application/json', 'x-request-id': 'too-large' };
    const tooLarge = await send(`${nginx.origin}/v1/previews/batch`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ urls: ['x'.repeat(300 * 1024)] }),
    });
    expectProblem(tooLarge, {
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      title: 'Payload too large',
      detail: 'Request bodies are limited to 262144 bytes',
      instance: '/v1/previews/batch',
      requestId: 'too-large',
    });

    const small = await send(`${nginx.origin}/v1/previews/batch`, {
      method: 'POST',
      headers: { ...headers, 'x-request-id': 'small-batch' },
      body: JSON.stringify({ urls: 'not a list' }),
    });
    expect(small.status).toBe(400);
    expect(small.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(small.text)).toMatchObject({ code: 'VALIDATION_FAILED', requestId: 'small-batch' });
  });

  it('compresses JSON for clients that accept gzip', async () => {
    const answer = await send(`${nginx.origin}/docs-json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers.vary).toMatch(/Accept-Encoding/);
    expect(JSON.parse(gunzipSync(answer.body).toString())).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
  });
});

describe('nginx cache rules (e2e, real nginx in front of a fixture that answers as the app would)', () => {
  let origin: FixtureUpstream;
  let nginx: NginxProcess;
  let unreachable: NginxProcess;
  let caseNumber = 0;

  beforeAll(async () => {
    origin = await new FixtureUpstream().start();
    nginx = await startNginx(origin.hostPort, `${PROXY}/32`);
    unreachable = await startNginx(`127.0.0.1:${await freePort()}`, `${PROXY}/32`);
  });

  afterAll(async () => {
    await nginx?.stop();
    await unreachable?.stop();
    await origin?.close();
  });

  /** Makes the fixture answer previews with `headers`; returns a preview URL no earlier case used. */
  function answerWith(headers: Record<string, string>): string {
    origin.route('/v1/previews', {
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: '{"url":"https://example.com/"}',
    });
    caseNumber += 1;
    return `${nginx.origin}/v1/previews?url=https%3A%2F%2Fexample.com%2Fcase-${caseNumber}`;
  }

  /** The X-Cache-Status of each request in turn, and how many of them reached the fixture. */
  async function statuses(url: string, headerSets: Record<string, string>[]): Promise<[string[], number]> {
    const hitsBefore = origin.hits('/v1/previews');
    const seen: string[] = [];
    for (const headers of headerSets) {
      const answer = await settled(nginx, await send(url, { headers }));
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('{"url":"https://example.com/"}');
      seen.push(String(answer.headers['x-cache-status']));
    }
    return [seen, origin.hits('/v1/previews') - hitsBefore];
  }

  it.each([
    ['private, no-store', 'private, no-store'],
    ['private', 'private, max-age=3600'],
    ['no-cache', 'no-cache'],
    ['fresh for less than the proxy keeps answers', 'public, max-age=10'],
    ['without a max-age', 'public'],
  ])('never stores an answer marked %s', async (_name, cacheControl) => {
    const url = answerWith({ 'cache-control': cacheControl });
    expect(await statuses(url, [{}, {}])).toEqual([['MISS', 'MISS'], 2]);
  });

  it('stores a public answer and serves it again', async () => {
    const url = answerWith({ 'cache-control': 'public, max-age=3600' });
    expect(await statuses(url, [{}, {}, {}])).toEqual([['MISS', 'HIT', 'HIT'], 1]);
  });

  it('never stores an answer to a request with credentials unless the answer varies on them', async () => {
    const url = answerWith({ 'cache-control': 'public, max-age=3600', vary: 'Authorization' });
    const bearer = { authorization: 'Bearer client-one' };
    expect(await statuses(url, [bearer, bearer])).toEqual([['MISS', 'MISS'], 2]);
  });

  it('keys answers that vary on the credential headers by credential', async () => {
    const url = answerWith({ 'cache-control': 'public, max-age=3600', vary: 'Authorization, X-API-Key' });
    const one = { 'x-api-key': 'client-one' };
    const two = { 'x-api-key': 'client-two' };
    const bearer = { authorization: 'Bearer client-one' };
    expect(await statuses(url, [one, one, two, {}, bearer, one])).toEqual([
      ['MISS', 'HIT', 'MISS', 'MISS', 'MISS', 'HIT'],
      4,
    ]);
  });

  it('answers 503 problem+json with Retry-After when no instance of the app is reachable', async () => {
    const answer = await send(`${unreachable.origin}/test`, { headers: { 'x-request-id': 'no-app' } });
    expect(answer.headers['retry-after']).toBe('5');
    expectProblem(answer, {
      status: 503,
      code: 'OVERLOADED',
      title: 'Service overloaded',
      detail: 'No instance of the service is reachable; retry shortly',
      instance: '/test',
      requestId: 'no-app',
    });
  });
});

/** Waits until `seconds` of the current one-minute rate-limit window remain, so a test's requests share one window. */
async function insideOneWindow(seconds: number): Promise<void> {
  const left = 60 - ((Date.now() / 1000) % 60);
  if (left < seconds) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 50));
}

describe('nginx in front of the service with API keys and a rate limit (e2e, real nginx and the built app)', () => {
  const KEY = 'nginx-client-key-0123456789';
  let fixture: FixtureUpstream;
  let service: ReturnType<typeof startService>;
  let nginx: NginxProcess;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/keyed', articlePage('Keyed'));
    const port = await freePort();
    service = startService({
      PORT: String(port),
      HOST: '127.0.0.1',
      TRUST_PROXY: PROXY,
      FETCH_ALLOW_PRIVATE: fixture.hostPort,
      PARSE_WORKERS: '1',
      SHUTDOWN_DELAY_MS: '0',
      API_KEYS: `${KEY}:client`,
      RATE_LIMIT_PER_MINUTE: '30',
    });
    await waitForHttp(`http://127.0.0.1:${port}/health/live`);
    nginx = await startNginx(`127.0.0.1:${port}`, `${PROXY}/32`);
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop();
    service?.child.kill('SIGTERM');
    await service?.exited;
    await fixture?.close();
  });

  it('keys cached previews on the credentials: the same key is a HIT, no key or a wrong key a 401 never cached', async () => {
    await insideOneWindow(20);
    const url = `${nginx.origin}/v1/previews?url=${encodeURIComponent(fixture.url('/keyed'))}&fields=title`;
    const first = await settled(nginx, await send(url, { headers: { 'x-api-key': KEY } }));
    expect([first.status, first.headers['x-cache-status']]).toEqual([200, 'MISS']);
    const second = await send(url, { headers: { 'x-api-key': KEY } });
    expect([second.status, second.headers['x-cache-status']]).toEqual([200, 'HIT']);
    const refused: [number, string][] = [];
    for (const headers of [{}, { 'x-api-key': 'wrong-key-000000000000' }, {}] as Record<string, string>[]) {
      const answer = await send(url, { headers });
      refused.push([answer.status, String(answer.headers['x-cache-status'])]);
    }
    expect(refused).toEqual([
      [401, 'MISS'],
      [401, 'MISS'],
      [401, 'MISS'],
    ]);
    expect(fixture.hits('/keyed')).toBe(1);
  }, 90_000);

  it('limits a key wherever its requests come from', async () => {
    const batch = (from: string) =>
      send(`${nginx.origin}/v1/previews/batch`, {
        from,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY },
        body: JSON.stringify({ urls: ['not a url'] }),
      });
    const first = await batch('127.0.0.5');
    expect(first.status).toBe(200);
    const remaining = Number(first.headers['ratelimit-remaining']);
    const addresses = ['127.0.0.6', '127.0.0.7', '127.0.0.8'];
    const rest = [];
    for (let i = 0; i <= remaining; i++) rest.push(await batch(addresses[i % addresses.length]));
    expect(rest.map((answer) => answer.status)).toEqual([...Array.from({ length: remaining }, () => 200), 429]);
    const refused = rest[remaining];
    expect(refused.headers).toMatchObject({
      'content-type': 'application/problem+json; charset=utf-8',
      'ratelimit-limit': '30',
      'ratelimit-remaining': '0',
      'ratelimit-policy': '30;w=60',
      'retry-after': expect.stringMatching(/^\d+$/),
    });
    expect(JSON.parse(refused.text)).toMatchObject({
      code: 'RATE_LIMITED',
      detail: expect.stringMatching(/^More than 30 requests a minute for this API key/),
    });
  });
});

describe('nginx in front of the service, rate limit per client address (e2e, real nginx and the built app)', () => {
  let service: ReturnType<typeof startService>;
  let nginx: NginxProcess;

  beforeAll(async () => {
    const port = await freePort();
    service = startService({
      PORT: String(port),
      HOST: '127.0.0.1',
      TRUST_PROXY: PROXY,
      PARSE_WORKERS: '1',
      SHUTDOWN_DELAY_MS: '0',
      RATE_LIMIT_PER_MINUTE: '3',
    });
    await waitForHttp(`http://127.0.0.1:${port}/health/live`);
    nginx = await startNginx(`127.0.0.1:${port}`, `${PROXY}/32`);
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop();
    service?.child.kill('SIGTERM');
    await service?.exited;
  });

  it('counts the address nginx forwards: three from 127.0.0.5 pass, the fourth is a 429 that is not cached, 127.0.0.6 still passes', async () => {
    await insideOneWindow(15);
    const batch = (from: string) =>
      send(`${nginx.origin}/v1/previews/batch`, {
        from,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ urls: ['not a url'] }),
      });
    const first = [await batch(CLIENT), await batch(CLIENT), await batch(CLIENT)];
    expect(first.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(first.map((answer) => answer.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    const refused = await batch(CLIENT);
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({
      'content-type': 'application/problem+json; charset=utf-8',
      'retry-after': expect.stringMatching(/^\d+$/),
      'ratelimit-limit': '3',
    });
    expect(JSON.parse(refused.text)).toMatchObject({
      code: 'RATE_LIMITED',
      detail: expect.stringMatching(/^More than 3 requests a minute from this client address/),
    });
    expect((await batch('127.0.0.6')).status).toBe(200);
    // A GET preview refused for its rate limit is not kept by the proxy either.
    const get = (from: string) => send(`${nginx.origin}/v1/previews?url=https%3A%2F%2Fexample.com%2F`, { from });
    const again = [await get(CLIENT), await get(CLIENT)];
    expect(again.map((answer) => [answer.status, answer.headers['x-cache-status']])).toEqual([
      [429, 'MISS'],
      [429, 'MISS'],
    ]);
  }, 90_000);
});
