import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { startTestApp } from './support/test-app.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PNG_640x480 = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from([0, 0, 2, 128, 0, 0, 1, 224, 8, 6, 0, 0, 0]),
  Buffer.alloc(64),
]);

function expectedArticle(fixture: FixtureUpstream, path: string, title: string): Record<string, unknown> {
  const slug = encodeURIComponent(title);
  return {
    url: fixture.url(path),
    finalUrl: fixture.url(path),
    canonicalUrl: fixture.url(`/articles/${slug}`),
    status: 200,
    contentType: 'text/html',
    type: 'article',
    title,
    description: `All about ${title}.`,
    siteName: 'Example News',
    lang: 'en',
    author: 'Ada Lovelace',
    publishedAt: '2024-03-05T10:00:00.000Z',
    images: [{ url: fixture.url(`/images/${slug}.jpg`), width: 1200, height: 630 }],
    icons: [{ url: fixture.url('/favicon.png'), type: 'image/png', rel: 'icon' }],
    fetchedAt: expect.stringMatching(ISO_DATE),
  };
}

describe('GET /v1/previews (e2e, real fetch through a loopback upstream)', () => {
  let fixture: FixtureUpstream;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture
      .html('/article', articlePage('Link previews'))
      .html('/bare', '<html><head><title>Bare</title><meta name="description" content=""></head><body></body></html>')
      .route('/moved', { status: 301, headers: { location: '/article' } })
      .route('/gone', { status: 404, body: 'gone' })
      .route('/photo.png', { headers: { 'content-type': 'image/png' }, body: PNG_640x480 });
    for (let i = 0; i < 12; i++) fixture.html(`/page-${i}`, articlePage(`Page ${i}`), { delayMs: 100 });
    // Authentication off, admin actions (debug, refresh, purge) open: access control has its own spec.
    app = await startTestApp({
      env: { FETCH_ALLOW_PRIVATE: fixture.hostPort, PARSE_WORKERS: '1', ADMIN_OPEN: 'true' },
    });
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  const get = (query: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: `/v1/previews?${query}`, headers });

  it('previews a page (MISS), then answers from the cache (HIT) without fetching again', async () => {
    const first = await get(`url=${encodeURIComponent(fixture.url('/article'))}`);
    expect(first.statusCode).toBe(200);
    expect(first.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=3600',
      'x-cache': 'MISS',
      etag: expect.stringMatching(/^W\/"[\w-]+"$/),
    });
    expect(first.json()).toEqual(expectedArticle(fixture, '/article', 'Link previews'));

    const second = await get(`url=${encodeURIComponent(fixture.url('/article'))}`);
    expect(second.statusCode).toBe(200);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['cache-control']).toMatch(/^public, max-age=(3599|3600)$/);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.json()).toEqual(first.json());
    expect(fixture.hits('/article')).toBe(1);
  });

  it('returns only the requested fields plus url', async () => {
    const res = await get(`url=${encodeURIComponent(fixture.url('/article'))}&fields=title,images`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      url: fixture.url('/article'),
      title: 'Link previews',
      images: [{ url: fixture.url('/images/Link%20previews.jpg'), width: 1200, height: 630 }],
    });
  });

  it('omits null and empty fields', async () => {
    const res = await get(`url=${encodeURIComponent(fixture.url('/bare'))}`);
    expect(res.json()).toEqual({
      url: fixture.url('/bare'),
      finalUrl: fixture.url('/bare'),
      status: 200,
      contentType: 'text/html',
      type: 'website',
      title: 'Bare',
      icons: [{ url: fixture.url('/favicon.ico'), rel: 'icon' }],
      fetchedAt: expect.stringMatching(ISO_DATE),
    });
  });

  it('adds the debug group with debug=true: sources, timings, redirects and bytes', async () => {
    const res = await get(`url=${encodeURIComponent(fixture.url('/moved'))}&debug=true&fields=title`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({
      url: fixture.url('/moved'),
      title: 'Link previews',
      sources: expect.objectContaining({ title: 'og:title', description: 'og:description', siteName: 'og:site_name' }),
      timings: {
        dns: expect.any(Number),
        connect: expect.any(Number),
        ttfb: expect.any(Number),
        download: expect.any(Number),
        parse: expect.any(Number),
        total: expect.any(Number),
      },
      redirects: [{ url: fixture.url('/moved'), status: 301 }],
      bytes: Buffer.byteLength(articlePage('Link previews')),
    });
    expect(res.headers.etag).not.toBe(
      (await get(`url=${encodeURIComponent(fixture.url('/moved'))}&fields=title`)).headers.etag,
    );
  });

  it('answers 304 to a current If-None-Match', async () => {
    const first = await get(`url=${encodeURIComponent(fixture.url('/article'))}`);
    const res = await get(`url=${encodeURIComponent(fixture.url('/article'))}`, {
      'if-none-match': first.headers.etag as string,
    });
    expect(res.statusCode).toBe(304);
    expect(res.body).toBe('');
    expect(res.headers.etag).toBe(first.headers.etag);
    expect(res.headers['x-cache']).toBe('HIT');
  });

  it('skips the cache read with refresh=true', async () => {
    const before = fixture.hits('/article');
    const res = await get(`url=${encodeURIComponent(fixture.url('/article'))}&refresh=true`);
    expect(res.headers['x-cache']).toBe('MISS');
    expect(fixture.hits('/article')).toBe(before + 1);
  });

  it('answers a repeated request from its remembered answer with the same headers and its own request id', async () => {
    const url = `url=${encodeURIComponent(fixture.url('/article'))}&fields=title`;
    const first = await get(url);
    const again = await get(url, { 'x-request-id': 'req-repeat' });
    expect(again.statusCode).toBe(200);
    expect(again.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-cache': 'HIT',
      'x-request-id': 'req-repeat',
      etag: first.headers.etag,
      'cache-control': expect.stringMatching(/^public, max-age=\d+$/),
    });
    expect(again.body).toBe(first.body);
  });

  it('drops remembered answers when refresh=true stores a new version of the page', async () => {
    fixture.html('/changing', articlePage('Version 1'));
    const url = `url=${encodeURIComponent(fixture.url('/changing'))}&fields=title`;
    expect((await get(url)).json()).toEqual({ url: fixture.url('/changing'), title: 'Version 1' });
    expect((await get(url)).headers['x-cache']).toBe('HIT');
    fixture.html('/changing', articlePage('Version 2'));
    const refreshed = await get(`${url}&refresh=true`);
    expect(refreshed.headers['x-cache']).toBe('MISS');
    expect(refreshed.json().title).toBe('Version 2');
    const after = await get(url);
    expect(after.headers['x-cache']).toBe('HIT');
    expect(after.json()).toEqual({ url: fixture.url('/changing'), title: 'Version 2' });
    expect(fixture.hits('/changing')).toBe(2);
  });

  it('purges one entry with DELETE, so the next GET fetches again', async () => {
    const url = encodeURIComponent(fixture.url('/article'));
    await get(`url=${url}`);
    const before = fixture.hits('/article');
    const purge = await app.inject({ method: 'DELETE', url: `/v1/previews?url=${url}` });
    expect(purge.statusCode).toBe(204);
    expect(purge.body).toBe('');
    const after = await get(`url=${url}`);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(fixture.hits('/article')).toBe(before + 1);
  });

  it('fetches a cold URL once for 100 concurrent requests', async () => {
    const url = encodeURIComponent(fixture.url('/page-0'));
    const answers = await Promise.all(Array.from({ length: 100 }, () => get(`url=${url}`)));
    expect(answers.map((res) => res.statusCode)).toEqual(Array.from({ length: 100 }, () => 200));
    expect(new Set(answers.map((res) => res.json().title))).toEqual(new Set(['Page 0']));
    expect(fixture.hits('/page-0')).toBe(1);
  });

  it('previews an image URL as type image with its size', async () => {
    const res = await get(`url=${encodeURIComponent(fixture.url('/photo.png'))}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      url: fixture.url('/photo.png'),
      finalUrl: fixture.url('/photo.png'),
      status: 200,
      contentType: 'image/png',
      type: 'image',
      title: 'photo.png',
      images: [{ url: fixture.url('/photo.png'), width: 640, height: 480, type: 'image/png' }],
      fetchedAt: expect.stringMatching(ISO_DATE),
    });
  });

  it('answers an upstream 404 with UPSTREAM_ERROR and caches it for its own TTL', async () => {
    const url = encodeURIComponent(fixture.url('/gone'));
    const first = await get(`url=${url}`, { 'x-request-id': 'req-gone' });
    expect(first.statusCode).toBe(502);
    expect(first.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(first.json()).toEqual({
      type: 'urn:link-preview:problem:upstream-error',
      title: 'Upstream error',
      status: 502,
      detail: `${fixture.hostPort} answered 404`,
      code: 'UPSTREAM_ERROR',
      instance: '/v1/previews',
      requestId: 'req-gone',
      cause: 'status',
      upstreamStatus: 404,
    });
    const second = await get(`url=${url}`);
    expect(second.statusCode).toBe(502);
    expect(fixture.hits('/gone')).toBe(1);
  });

  it('refuses a private destination with BLOCKED_DESTINATION and does not cache the refusal', async () => {
    const res = await get(`url=${encodeURIComponent('http://10.0.0.1/')}`, { 'x-request-id': 'req-ssrf' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      type: 'urn:link-preview:problem:blocked-destination',
      title: 'Blocked destination',
      status: 403,
      detail: '10.0.0.1 resolves to a non-public address',
      code: 'BLOCKED_DESTINATION',
      instance: '/v1/previews',
      requestId: 'req-ssrf',
      host: '10.0.0.1',
      range: 'private',
    });
  });

  it.each([
    [
      'an ftp url',
      'url=ftp%3A%2F%2Fexample.com%2F',
      'url',
      'url must be an absolute http or https URL of at most 2048 characters',
    ],
    ['a missing url', '', 'url', 'url should not be null or undefined'],
    [
      'a url over 2048 characters',
      'url=' + encodeURIComponent('https://example.com/' + 'a'.repeat(2100)),
      'url',
      'url must be an absolute http or https URL of at most 2048 characters',
    ],
    [
      'an unknown field',
      'url=https%3A%2F%2Fexample.com%2F&fields=title,bogus',
      'fields',
      expect.stringMatching(/^each value in fields must be one of: finalUrl/),
    ],
    ['refresh=yes', 'url=https%3A%2F%2Fexample.com%2F&refresh=yes', 'refresh', 'refresh must be a boolean value'],
    ['debug=1', 'url=https%3A%2F%2Fexample.com%2F&debug=1', 'debug', 'debug must be a boolean value'],
  ])('refuses %s with VALIDATION_FAILED naming the field', async (_label, query, field, message) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(res.json().errors).toContainEqual({ field, messages: expect.arrayContaining([message]) });
  });
});

describe('GET /v1/oembed (e2e)', () => {
  let fixture: FixtureUpstream;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/article', articlePage('Embeds'));
    app = await startTestApp({ env: { FETCH_ALLOW_PRIVATE: fixture.hostPort, PARSE_WORKERS: '1' } });
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  it('answers a link-type oEmbed 1.0 document built from the preview, with the thumbnail when it fits', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/oembed?url=${encodeURIComponent(fixture.url('/article'))}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({
      type: 'link',
      version: '1.0',
      title: 'Embeds',
      author_name: 'Ada Lovelace',
      provider_name: 'Example News',
      provider_url: `http://${fixture.hostPort}`,
      thumbnail_url: fixture.url('/images/Embeds.jpg'),
      thumbnail_width: 1200,
      thumbnail_height: 630,
    });
  });

  it('leaves out a thumbnail larger than maxwidth/maxheight', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/oembed?url=${encodeURIComponent(fixture.url('/article'))}&maxwidth=640&maxheight=480`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      type: 'link',
      version: '1.0',
      title: 'Embeds',
      author_name: 'Ada Lovelace',
      provider_name: 'Example News',
      provider_url: `http://${fixture.hostPort}`,
    });
    expect(fixture.hits('/article')).toBe(1);
  });

  it.each([
    ['maxwidth=0', 'maxwidth', 'maxwidth must not be less than 1'],
    ['maxheight=big', 'maxheight', 'maxheight must be an integer number'],
    ['format=xml', 'format', 'format must be json (xml is not served)'],
  ])('refuses %s with VALIDATION_FAILED', async (extra, field, message) => {
    const res = await app.inject({ method: 'GET', url: `/v1/oembed?url=https%3A%2F%2Fexample.com%2F&${extra}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual({ field, messages: expect.arrayContaining([message]) });
  });
});

describe('stale-while-revalidate (e2e, CACHE_TTL_SECONDS=1)', () => {
  let fixture: FixtureUpstream;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/article', articlePage('Fresh'));
    app = await startTestApp({
      env: {
        FETCH_ALLOW_PRIVATE: fixture.hostPort,
        PARSE_WORKERS: '1',
        CACHE_TTL_SECONDS: '1',
        CACHE_STALE_SECONDS: '60',
      },
    });
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  it('serves a stale entry at once with X-Cache: STALE while exactly one background refresh runs', async () => {
    const url = `/v1/previews?url=${encodeURIComponent(fixture.url('/article'))}`;
    expect((await app.inject({ method: 'GET', url })).headers['x-cache']).toBe('MISS');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    fixture.html('/article', articlePage('Refreshed'), { delayMs: 200 });

    const stale = await Promise.all(Array.from({ length: 10 }, () => app.inject({ method: 'GET', url })));
    expect(stale.map((res) => res.headers['x-cache'])).toEqual(Array.from({ length: 10 }, () => 'STALE'));
    expect(stale.map((res) => res.headers['cache-control'])).toEqual(
      Array.from({ length: 10 }, () => 'public, max-age=0'),
    );
    expect(stale.map((res) => res.json().title)).toEqual(Array.from({ length: 10 }, () => 'Fresh'));

    // Ask again until the refreshed entry is there (the upstream holds the refresh for 200 ms).
    const deadline = Date.now() + 5000;
    let refreshed = await app.inject({ method: 'GET', url });
    while (refreshed.headers['x-cache'] !== 'HIT' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refreshed = await app.inject({ method: 'GET', url });
    }
    expect(refreshed.headers['x-cache']).toBe('HIT');
    expect(refreshed.json().title).toBe('Refreshed');
    expect(fixture.hits('/article')).toBe(2);
  });
});
