import { Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { HostResolver } from '../src/fetcher/host-resolver.js';
import { startTestApp } from './support/test-app.js';

const CLIENT_KEY = 'client-key-fuzz-0123456789';
const ADMIN_KEY = 'admin-key-fuzz-0123456789';

/** Every name resolves to a documentation address, which the SSRF guard refuses: no test request leaves the box. */
@Injectable()
class DocumentationResolver extends HostResolver {
  resolve(): Promise<string[]> {
    return Promise.resolve(['192.0.2.1']);
  }
}

const PRINTABLE = fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)));
const printable = (maxLength: number) => fc.string({ unit: PRINTABLE, maxLength });
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });

/** Target URLs that are wrong, refused or blocked: never one the fetcher would connect to. */
const urlValue = fc.oneof(
  anyText(60),
  fc.constantFrom(
    'http://127.0.0.1:1/',
    'http://10.0.0.1/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'ftp://example.com/',
    'https://example.test/page',
    'https://example.test/' + 'a'.repeat(2100),
    'javascript:alert(1)',
    '',
  ),
);

/** A percent-encoded query value, or raw bytes of a bad encoding. */
const queryValue = fc.oneof(
  urlValue.map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%F0%9F', '+', '&&', '=='),
  printable(200).map((text) => text.replace(/[#&]/g, '')),
  fc.nat({ max: 20_000 }).map((length) => 'x'.repeat(length)),
);

const queryKey = fc.constantFrom('url', 'fields', 'refresh', 'debug', 'maxwidth', 'maxheight', 'format', 'other', '');

/** A query string of 0–6 pairs: duplicate keys, empty ones, bad encodings and huge values included. */
const queryString = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 6 })
  .map((pairs) => pairs.map(([key, value, bare]) => (bare ? key : `${key}=${value}`)).join('&'));

const headerValue = fc.oneof(
  printable(200),
  fc.constantFrom('*', 'W/"x"', '"', 'application/x-ndjson;q=x', 'Bearer', `Bearer ${CLIENT_KEY}`, ADMIN_KEY),
  fc.nat({ max: 12_000 }).map((length) => 'h'.repeat(length)),
);
const headers = fc.dictionary(
  fc.constantFrom('if-none-match', 'accept', 'x-request-id', 'x-api-key', 'authorization', 'x-forwarded-for', 'origin'),
  headerValue,
  { maxKeys: 5 },
);

/** Bodies: JSON of any shape, deep or wide, and text that is not JSON, under several content types. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((value) => ({ type: 'application/json', payload: JSON.stringify(value) })),
  fc
    .record({ urls: fc.array(fc.oneof(urlValue, fc.jsonValue({ maxDepth: 3 })), { maxLength: 60 }) })
    .map((value) => ({ type: 'application/json', payload: JSON.stringify(value) })),
  fc.nat({ max: 5000 }).map((depth) => ({
    type: 'application/json',
    payload: `{"urls":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  })),
  fc
    .tuple(
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', ''),
      anyText(300),
    )
    .map(([type, payload]) => ({ type, payload })),
  fc
    .nat({ max: 400_000 })
    .map((length) => ({ type: 'application/json', payload: `{"urls":["${'u'.repeat(length)}"]}` })),
);

const ROUTES = [
  ['GET', '/v1/previews'],
  ['DELETE', '/v1/previews'],
  ['GET', '/v1/oembed'],
  ['GET', '/test'],
  ['GET', '/health/ready'],
  ['PUT', '/v1/previews'],
  ['GET', '/v1/unknown'],
] as const;

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Never a 5xx (nothing here reaches an upstream), and every error is problem+json with a code and the request id. */
function expectHonest(res: Answer): void {
  expect(res.statusCode).toBeLessThan(500);
  expect(typeof res.headers['x-request-id']).toBe('string');
  if (res.statusCode < 400) return;
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const problem = JSON.parse(res.body) as Record<string, unknown>;
  expect(problem).toMatchObject({
    status: res.statusCode,
    code: expect.stringMatching(/^[A-Z_]+$/),
    requestId: res.headers['x-request-id'],
  });
}

describe('property: any input gets an honest answer (e2e, fast-check)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({
      env: { API_KEYS: `${CLIENT_KEY}:client,${ADMIN_KEY}:admin`, RATE_LIMIT_PER_MINUTE: '0', PARSE_WORKERS: '1' },
      overrides: [{ provide: HostResolver, useClass: DocumentationResolver }],
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('query strings and headers on every route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        queryString,
        headers,
        fc.constantFrom(undefined, CLIENT_KEY, ADMIN_KEY),
        async ([method, path], query, sent, key) => {
          const res = await app.inject({
            method,
            url: query === '' ? path : `${path}?${query}`,
            headers: { ...sent, ...(key === undefined ? {} : { 'x-api-key': key }) },
          });
          expectHonest(res);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('bodies of POST /v1/previews/batch, with and without a key', async () => {
    await fc.assert(
      fc.asyncProperty(body, headers, fc.boolean(), async ({ type, payload }, sent, keyed) => {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/previews/batch',
          headers: {
            ...sent,
            ...(type === '' ? {} : { 'content-type': type }),
            ...(keyed ? { 'x-api-key': CLIENT_KEY } : {}),
          },
          payload,
        });
        expectHonest(res);
      }),
      { numRuns: 300 },
    );
  });
});
