import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FixtureUpstream } from './support/fixture-upstream.js';
import { startTestApp } from './support/test-app.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CP1251_PRIVET = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет"

const head = (inner: string): string => `<!doctype html><html lang="en"><head>${inner}</head><body></body></html>`;

/** What every preview of a fixture page without icons of its own carries. */
const base = (fixture: FixtureUpstream, path: string): Record<string, unknown> => ({
  url: fixture.url(path),
  finalUrl: fixture.url(path),
  status: 200,
  contentType: 'text/html',
  type: 'website',
  icons: [{ url: fixture.url('/favicon.ico'), rel: 'icon' }],
  fetchedAt: expect.stringMatching(ISO_DATE),
});

describe('previews of hostile pages, block pages, dates and icons (e2e, through the service)', () => {
  let fixture: FixtureUpstream;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    const ogImages = Array.from({ length: 50_000 }, (_, i) => `<meta property="og:image" content="/i/${i}.jpg">`);
    fixture
      .html('/deep', `<title>deep</title>${'<div>'.repeat(200_000)}`)
      .html('/many-images', head(`<title>Images</title>${ogImages.join('')}`))
      .html('/long-title', head(`<meta property="og:title" content="${'word '.repeat(180_000)}">`))
      .html('/unclosed-title', `<html><head><title>${'x'.repeat(1 << 20)}`)
      .route('/redirect-nowhere', { status: 302, body: '<html><title>Moved</title></html>' })
      .route('/cloudflare', {
        status: 403,
        headers: { 'content-type': 'text/html', 'cf-mitigated': 'challenge', server: 'cloudflare' },
        body: '<html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={}</script></body></html>',
      })
      .route('/interstitial', {
        status: 503,
        headers: { 'content-type': 'text/html; charset=utf-8', server: 'cloudflare' },
        body: '<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>',
      })
      .route('/news/story', { status: 302, headers: { location: '/cookie-consent?return=%2Fnews%2Fstory' } })
      .html('/cookie-consent', head('<title>Your privacy choices</title>'))
      .html('/watch', head('<title>Before you continue to YouTube</title>'))
      .route('/members/story', { status: 302, headers: { location: '/accounts/login/?next=%2Fmembers%2Fstory' } })
      .html('/accounts/login/', head('<title>Log in</title><meta property="og:title" content="Log in to Example">'))
      .html('/forbidden-200', '<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>')
      .route('/late-charset', {
        headers: { 'content-type': 'text/html' },
        body: Buffer.concat([
          Buffer.from(`<html><head><!--${'-'.repeat(3000)}--><meta charset="windows-1251"><title>`),
          CP1251_PRIVET,
          Buffer.from('</title></head></html>'),
        ]),
      })
      .html(
        '/dated',
        head(`<title>Dated</title><meta property="article:published_time" content="Fri Apr 09 12:53:54 +0000 2010">
          <meta property="article:modified_time" content="2024-03-05T10:00:00 XYZT">`),
      )
      .html(
        '/app',
        head(`<title>App</title><link rel="manifest" href="/app.webmanifest">
          <link rel="icon" href="/favicon.ico"><link rel="icon" href="/i16.png" sizes="16x16" type="image/png">`),
      )
      .route('/app.webmanifest', {
        headers: { 'content-type': 'application/manifest+json' },
        body: JSON.stringify({
          icons: [
            { src: '/icons/512.png', sizes: '512x512', type: 'image/png' },
            { src: '/icons/mono.svg', purpose: 'monochrome' },
          ],
        }),
      })
      .html('/app-broken-manifest', head('<title>App</title><link rel="manifest" href="/missing.webmanifest">'));
    app = await startTestApp({
      env: {
        FETCH_ALLOW_PRIVATE: fixture.hostPort,
        PARSE_WORKERS: '1',
        CACHE_BLOCKED_TTL_SECONDS: '120',
        ADMIN_OPEN: 'true',
      },
    });
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  const get = (path: string, query = '', requestId = 'req-hostile') =>
    app.inject({
      method: 'GET',
      url: `/v1/previews?url=${encodeURIComponent(fixture.url(path))}${query}`,
      headers: { 'x-request-id': requestId },
    });

  const problem = (code: string, title: string, detail: string, extras: Record<string, unknown>) => ({
    type: `urn:link-preview:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status: 502,
    detail,
    code,
    instance: '/v1/previews',
    requestId: 'req-hostile',
    ...extras,
  });

  const blocked = (detail: string, reason: string, upstreamStatus: number) =>
    problem('UPSTREAM_BLOCKED', 'Upstream blocked the request', `${fixture.hostPort} ${detail}`, {
      reason,
      upstreamStatus,
    });

  describe('hostile pages', () => {
    it('answers with the title of a page whose 200,000 nested elements stop the scan, and says so in debug', async () => {
      const res = await get('/deep', '&debug=true');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        ...base(fixture, '/deep'),
        title: 'deep',
        sources: { type: 'default', title: 'title', icons: '/favicon.ico', scan: 'budget:depth' },
        timings: expect.objectContaining({ parse: expect.any(Number) }),
        bytes: 19 + 200_000 * 5,
      });
    });

    it('keeps the preview of a page with 50,000 og:image tags small', async () => {
      const res = await get('/many-images');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        ...base(fixture, '/many-images'),
        lang: 'en',
        title: 'Images',
        images: Array.from({ length: 8 }, (_, i) => ({ url: fixture.url(`/i/${i}.jpg`) })),
      });
      expect(res.body.length).toBeLessThan(2000);
    });

    it('caps a 900,000-character og:title and an unclosed <title> followed by 1 MiB of text', async () => {
      const long = await get('/long-title');
      const unclosed = await get('/unclosed-title');
      expect([long.statusCode, unclosed.statusCode]).toEqual([200, 200]);
      expect(long.json()).toEqual({
        ...base(fixture, '/long-title'),
        lang: 'en',
        title: `${'word '.repeat(59)}word…`,
      });
      expect(unclosed.json()).toEqual({ ...base(fixture, '/unclosed-title'), title: `${'x'.repeat(299)}…` });
    });

    it('answers a redirect without a Location with UPSTREAM_ERROR and its status, not a preview of its body', async () => {
      const res = await get('/redirect-nowhere');
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual(
        problem('UPSTREAM_ERROR', 'Upstream error', `${fixture.hostPort} answered 302 without a redirect to follow`, {
          cause: 'status',
          upstreamStatus: 302,
        }),
      );
    });
  });

  describe('block pages', () => {
    it('answers a Cloudflare challenge with UPSTREAM_BLOCKED (bot-challenge), cached for its own TTL', async () => {
      const first = await get('/cloudflare');
      expect(first.statusCode).toBe(502);
      expect(first.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(first.json()).toEqual(blocked('answered with a bot challenge instead of the page', 'bot-challenge', 403));
      const second = await get('/cloudflare');
      expect([second.statusCode, second.json()]).toEqual([502, first.json()]);
      expect(fixture.hits('/cloudflare')).toBe(1);
    });

    it('recognises a "Just a moment..." interstitial served with 503', async () => {
      const res = await get('/interstitial');
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual(blocked('answered with a bot challenge instead of the page', 'bot-challenge', 503));
    });

    it('answers a redirect to a consent page, and a consent interstitial served with 200, with reason consent', async () => {
      const redirected = await get('/news/story');
      const served = await get('/watch');
      const detail = 'asks for consent to cookies before it shows the page';
      expect([redirected.statusCode, served.statusCode]).toEqual([502, 502]);
      expect(redirected.json()).toEqual(blocked(detail, 'consent', 200));
      expect(served.json()).toEqual(blocked(detail, 'consent', 200));
    });

    it('answers a redirect to a login page with reason login-wall, never with the login page as the preview', async () => {
      const res = await get('/members/story');
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual(blocked('asks to log in before it shows the page', 'login-wall', 200));
    });

    it('previews a login page that was asked for itself', async () => {
      const res = await get('/accounts/login/');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ...base(fixture, '/accounts/login/'), lang: 'en', title: 'Log in to Example' });
    });

    it('answers "403 Forbidden" served with 200 with reason forbidden', async () => {
      const res = await get('/forbidden-200');
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual(blocked('refused access to the page', 'forbidden', 200));
    });
  });

  describe('charsets, dates and icons', () => {
    it('decodes a page by a <meta charset> beyond its first 1024 bytes', async () => {
      const res = await get('/late-charset');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ...base(fixture, '/late-charset'), title: 'Привет' });
    });

    it("reads Twitter's date form and gives no date rather than one read in a zone it does not know", async () => {
      const res = await get('/dated');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        ...base(fixture, '/dated'),
        lang: 'en',
        title: 'Dated',
        publishedAt: '2010-04-09T12:53:54.000Z',
      });
    });

    it("ranks the page's icons with its web-app manifest's, best first and /favicon.ico last", async () => {
      const res = await get('/app');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        ...base(fixture, '/app'),
        lang: 'en',
        title: 'App',
        icons: [
          { url: fixture.url('/icons/512.png'), sizes: '512x512', type: 'image/png', rel: 'manifest' },
          { url: fixture.url('/i16.png'), sizes: '16x16', type: 'image/png', rel: 'icon' },
          { url: fixture.url('/favicon.ico'), rel: 'icon' },
        ],
      });
      expect(fixture.hits('/app.webmanifest')).toBe(1);
    });

    it('keeps the page icons when its manifest cannot be read', async () => {
      const res = await get('/app-broken-manifest');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ...base(fixture, '/app-broken-manifest'), lang: 'en', title: 'App' });
      expect(fixture.hits('/missing.webmanifest')).toBe(1);
    });
  });
});
