import { readFileSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { withRemoteImages } from '../src/playground/content-security.js';
import { startTestApp } from './support/test-app.js';

const ASSETS = new URL('../src/playground/assets/', import.meta.url);
const asset = (name: string): string => readFileSync(new URL(name, ASSETS), 'utf8');
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

describe('playground routes (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves the page at / with the app CSP, img-src opened to http(s) images only', async () => {
    const strict = await app.inject({ method: 'GET', url: '/test' });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      etag: expect.stringMatching(/^"[\w-]{27}"$/),
      'x-request-id': expect.any(String),
      'x-content-type-options': 'nosniff',
    });
    const strictPolicy = String(strict.headers['content-security-policy']);
    expect(strictPolicy).toContain("img-src 'self' data:;");
    expect(res.headers['content-security-policy']).toBe(withRemoteImages(strictPolicy));
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data: http: https:;");
    expect(res.headers['content-security-policy']).toContain("script-src 'self';");
  });

  it('has no inline script, style or event handler, and fills its placeholders', async () => {
    const html = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="/playground/playground.js">']);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).toContain('<a class="nav-link" href="/docs">API docs</a>');
    expect(html).toContain(`Link Preview Service ${VERSION}`);
    expect(html).not.toContain('{{');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await app.inject({ method: 'GET', url: '/' });
    const again = await app.inject({
      method: 'GET',
      url: '/',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
  });

  it.each([
    ['playground.js', 'text/javascript; charset=utf-8'],
    ['playground.css', 'text/css; charset=utf-8'],
    ['icon.svg', 'image/svg+xml'],
  ])('serves /playground/%s as %s', async (name, contentType) => {
    const res = await app.inject({ method: 'GET', url: `/playground/${name}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': contentType,
      'cache-control': 'no-cache',
      etag: expect.stringMatching(/^"[\w-]{27}"$/),
    });
    expect(res.body).toBe(asset(name));
  });

  it.each(['/playground/index.html', '/playground/..%2Fplayground.controller.js', '/playground/nope.js'])(
    'answers %s with NOT_FOUND',
    async (url) => {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND', status: 404, title: 'Not found' });
    },
  );

  it('is not part of the API document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs-json' })).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(document.paths).filter((path) => path === '/' || path.startsWith('/playground'))).toEqual([]);
  });
});

describe('playground with DOCS_ENABLED=false (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({ env: { DOCS_ENABLED: 'false' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('leaves out the link to the docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('href="/docs"');
    expect(res.body).not.toContain('{{');
  });
});

describe('playground with PLAYGROUND_ENABLED=false (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({ env: { PLAYGROUND_ENABLED: 'false' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it.each(['/', '/playground/playground.js'])('answers %s with NOT_FOUND', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', status: 404, detail: `Cannot GET ${url}`, instance: url });
  });
});
