import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type AddressInfo } from 'node:net';
import { Client } from 'undici';
import { DrainState } from '../src/common/lifecycle/drain-state.js';
import { startTestApp } from './support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What a raw socket received until the server closed it. */
async function rawExchange(port: number, chunks: string[], keepOpenMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (data: Buffer) => (received += data.toString()));
    socket.once('error', reject);
    socket.once('close', () => resolve(received));
    socket.once('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (keepOpenMs === undefined) socket.end();
    });
  });
}

/** Splits a raw HTTP/1.1 answer into its status, lower-cased headers and body. */
function parseAnswer(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

describe('the HTTP edge on a listening server (e2e)', () => {
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    app = await startTestApp({
      env: { HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000' },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers headers over 16 KiB with a 431 problem and closes the connection', async () => {
    const raw = await rawExchange(port, [`GET /test HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    const answer = parseAnswer(raw);
    expect(answer.status).toBe(431);
    expect(answer.headers).toMatchObject({
      'content-type': 'application/problem+json; charset=utf-8',
      connection: 'close',
      'x-request-id': expect.stringMatching(UUID),
    });
    expect(JSON.parse(answer.body)).toEqual({
      type: 'urn:link-preview:problem:headers-too-large',
      title: 'Request header fields too large',
      status: 431,
      detail: 'The request line and headers are over 16 KiB',
      code: 'HEADERS_TOO_LARGE',
      instance: '',
      requestId: answer.headers['x-request-id'],
    });
  });

  it('answers bytes that are not HTTP with a 400 BAD_REQUEST problem', async () => {
    const answer = parseAnswer(await rawExchange(port, ['HELLO THERE\r\n\r\n']));
    expect(answer.status).toBe(400);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'BAD_REQUEST', title: 'Malformed request', status: 400 });
  });

  it('answers a body that never finishes with a 408 problem once HTTP_REQUEST_TIMEOUT_MS has passed', async () => {
    const raw = await rawExchange(
      port,
      [
        'POST /v1/previews/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ur',
      ],
      0,
    );
    const answer = parseAnswer(raw);
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'REQUEST_TIMEOUT', status: 408, title: 'Request timeout' });
  });

  it('answers headers that never finish with a 408 problem once HTTP_HEADERS_TIMEOUT_MS has passed', async () => {
    const answer = parseAnswer(await rawExchange(port, ['GET /test HTTP/1.1\r\nHost: x\r\n'], 0));
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'REQUEST_TIMEOUT' });
  });

  it('answers a request target over 8 KiB with a 414 problem', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/previews?url=${'a'.repeat(9000)}`);
    expect(res.status).toBe(414);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(await res.json()).toMatchObject({
      code: 'URI_TOO_LONG',
      detail: 'The request target is over 8192 bytes',
      instance: '/v1/previews',
    });
  });

  it('closes a keep-alive connection after a 413, so the next request goes out on a new one and succeeds', async () => {
    const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1 });
    const connections: number[] = [];
    client.on('connect', () => connections.push(Date.now()));
    try {
      const big = await client.request({
        method: 'POST',
        path: '/v1/previews/batch',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ urls: ['x'.repeat(300_000)] }),
      });
      expect(big.statusCode).toBe(413);
      expect(big.headers.connection).toBe('close');
      expect(await big.body.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      const next = await client.request({ method: 'GET', path: '/test' });
      expect(next.statusCode).toBe(200);
      expect(await next.body.text()).toBe('Hello, World!');
      expect(connections).toHaveLength(2);
    } finally {
      await client.close();
    }
  });

  it('closes the connection after a body it could not parse (Fastify cannot know where it ends), and the client goes on', async () => {
    const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1 });
    let connections = 0;
    client.on('connect', () => (connections += 1));
    try {
      const bad = await client.request({
        method: 'POST',
        path: '/v1/previews/batch',
        headers: { 'content-type': 'application/json' },
        body: '{"urls": [',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers.connection).toBe('close');
      expect(await bad.body.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      const next = await client.request({ method: 'GET', path: '/test' });
      expect(next.statusCode).toBe(200);
      expect(next.headers.connection).toBe('keep-alive');
      await next.body.text();
      expect(connections).toBe(2);
    } finally {
      await client.close();
    }
  });
});

describe('methods, query parameters and bodies (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['PUT', '/v1/previews', 'GET, HEAD, DELETE'],
    ['PATCH', '/v1/previews?url=https%3A%2F%2Fexample.com', 'GET, HEAD, DELETE'],
    ['GET', '/v1/previews/batch', 'POST'],
    ['DELETE', '/v1/oembed', 'GET, HEAD'],
    ['POST', '/test', 'GET, HEAD'],
    ['POST', '/health/live', 'GET, HEAD'],
    ['OPTIONS', '/v1/previews', 'GET, HEAD, DELETE'],
  ])('answers %s %s with 405 METHOD_NOT_ALLOWED and Allow: %s', async (method, url, allow) => {
    const res = await app.inject({ method: method as 'GET', url });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const path = url.split('?')[0];
    expect(res.json()).toEqual({
      type: 'urn:link-preview:problem:method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      detail: `${method} is not allowed on ${path}; allowed: ${allow}`,
      code: 'METHOD_NOT_ALLOWED',
      instance: path,
      requestId: res.headers['x-request-id'],
    });
  });

  it('still answers an unknown path with 404', async () => {
    const res = await app.inject({ method: 'PUT', url: '/v1/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'Cannot PUT /v1/nothing' });
  });

  it.each([
    ['an empty fields', '&fields=', 'fields', 'fields must name at least one field (leave it out for every field)'],
    [
      'fields given twice',
      '&fields=title&fields=images',
      'fields',
      'fields must be given once (a list is one comma-separated value)',
    ],
    [
      'url given twice',
      '&url=https%3A%2F%2Fexample.org',
      'url',
      'url must be given once (a list is one comma-separated value)',
    ],
  ])('refuses %s with VALIDATION_FAILED', async (_label, extra, field, message) => {
    const res = await app.inject({ method: 'GET', url: `/v1/previews?url=https%3A%2F%2Fexample.com${extra}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field, messages: [message] }] });
  });

  it('refuses a batch nested deeper than 32 levels before parsing it', async () => {
    const payload = `{"urls":${'['.repeat(1500)}${']'.repeat(1500)}}`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/previews/batch',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'The JSON body nests arrays or objects deeper than 32 levels',
    });
  });

  it.each([
    [
      { urls: Array.from({ length: 1001 }, () => 'https://example.com') },
      'arrays in the body may hold at most 1000 items',
    ],
    [
      { urls: ['https://example.com'], extra: Array.from({ length: 900 }, () => Array(20).fill(1)) },
      'the body may hold at most 10000 values',
    ],
  ])('refuses a body too big to validate before transforming it (%#)', async (payload, message) => {
    const res = await app.inject({ method: 'POST', url: '/v1/previews/batch', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body', messages: [message] }] });
  });

  it('refuses an empty fields list in a batch', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/previews/batch',
      payload: { urls: ['https://example.com'], fields: [] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { field: 'fields', messages: ['fields must name at least one field (leave it out for every field)'] },
    ]);
  });

  it('answers 503 SHUTTING_DOWN with Connection: close once the listener is closing', async () => {
    const closing = await startTestApp();
    try {
      closing.get(DrainState).startClosing();
      const res = await closing.inject({ method: 'GET', url: '/test' });
      expect(res.statusCode).toBe(503);
      expect(res.headers).toMatchObject({ connection: 'close', 'retry-after': '1' });
      expect(res.json()).toMatchObject({
        code: 'SHUTTING_DOWN',
        title: 'Service shutting down',
        detail: 'The service is shutting down; retry on another instance',
      });
    } finally {
      await closing.close();
    }
  });
});

describe('CORS (e2e)', () => {
  let app: NestFastifyApplication;
  let closed: NestFastifyApplication;
  const ORIGIN = 'https://app.example.com';

  beforeAll(async () => {
    app = await startTestApp({ env: { CORS_ORIGINS: `${ORIGIN},http://localhost:5173` } });
    closed = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
    await closed.close();
  });

  it('answers a preflight from an allowed origin with the methods and headers the API takes', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/v1/previews?url=x',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-api-key, if-none-match',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'GET, HEAD, POST, DELETE',
      'access-control-allow-headers': 'Content-Type, Accept, X-API-Key, Authorization, If-None-Match, X-Request-Id',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
  });

  it('lets an allowed origin read the answer and its headers, and tells other origins nothing', async () => {
    const allowed = await app.inject({ method: 'GET', url: '/test', headers: { origin: ORIGIN } });
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(allowed.headers['access-control-expose-headers']).toBe(
      'ETag, X-Cache, X-Request-Id, Server-Timing, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy',
    );
    const other = await app.inject({ method: 'GET', url: '/test', headers: { origin: 'https://evil.example' } });
    expect(other.statusCode).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends no CORS headers at all when CORS_ORIGINS is empty', async () => {
    const res = await closed.inject({ method: 'GET', url: '/test', headers: { origin: ORIGIN } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await closed.inject({
      method: 'OPTIONS',
      url: '/v1/previews',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(405);
  });
});
