import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CountingUpstream, until } from './support/counting-upstream.js';
import { articlePage } from './support/fixture-upstream.js';
import { startListeningApp, type ListeningApp } from './support/test-app.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection to the listening app. */
function request(origin: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      agent: false,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const preview = (origin: string, url: string): Promise<Answer> =>
  request(origin, `/v1/previews?url=${encodeURIComponent(url)}`);

/** A page that makes the preview fetch two more things from its own origin: an oEmbed endpoint and a manifest. */
function pageWithSubRequests(title: string): string {
  const extra =
    `<link rel="alternate" type="application/json+oembed" href="/oembed/${title}.json">` +
    `<link rel="manifest" href="/manifest/${title}.webmanifest">`;
  return articlePage(title, extra);
}

/** Routes: pages (with sub-requests) after 50 ms, their oEmbed and manifest, an image, and held pages. */
function routes(held: () => Promise<void>) {
  return (_req: IncomingMessage, res: ServerResponse, path: string): void => {
    const send = (type: string, body: string | Buffer): void => {
      if (!res.destroyed) res.writeHead(200, { 'content-type': type }).end(body);
    };
    const name = path.split('/').at(-1) ?? '';
    if (path.startsWith('/page/')) {
      setTimeout(() => send('text/html; charset=utf-8', pageWithSubRequests(name)), 50);
    } else if (path.startsWith('/oembed/')) {
      send('application/json', JSON.stringify({ version: '1.0', type: 'rich', title: `oEmbed ${name}` }));
    } else if (path.startsWith('/manifest/')) {
      send('application/manifest+json', JSON.stringify({ icons: [{ src: '/icon.png', sizes: '192x192' }] }));
    } else if (path.startsWith('/image/')) {
      send('image/png', Buffer.from('89504e470d0a1a0a0000000d4948445200000280000001e0', 'hex'));
    } else if (path.startsWith('/slow/')) {
      setTimeout(() => send('text/html; charset=utf-8', articlePage(name)), 300);
    } else if (path.startsWith('/hold/')) {
      void held().then(() => send('text/html; charset=utf-8', articlePage(name)));
    } else if (path.startsWith('/large/')) {
      const body = Buffer.alloc(2 * 1024 * 1024, ' ');
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(body.length) }).end(body);
    } else {
      send('text/html; charset=utf-8', articlePage(name));
    }
  };
}

describe('upstream limits through the app (e2e)', () => {
  let upstream: CountingUpstream;
  let release: () => void = () => undefined;
  let held = Promise.resolve();
  const apps: ListeningApp[] = [];

  const start = async (env: Record<string, string>): Promise<ListeningApp> => {
    const started = await startListeningApp({
      env: { FETCH_ALLOW_PRIVATE: upstream.hostPort, PARSE_WORKERS: '1', RATE_LIMIT_PER_MINUTE: '0', ...env },
    });
    apps.push(started);
    return started;
  };

  beforeAll(async () => {
    upstream = await new CountingUpstream(routes(() => held)).start();
  });

  beforeEach(() => {
    upstream.reset();
    held = new Promise<void>((resolve) => (release = resolve));
  });

  afterAll(async () => {
    release();
    await Promise.all(apps.map(({ app }) => app.close()));
    await upstream.close();
  });

  describe('FETCH_PER_HOST_CONCURRENCY=2', () => {
    let service: ListeningApp;

    beforeAll(async () => {
      service = await start({
        FETCH_PER_HOST_CONCURRENCY: '2',
        FETCH_PER_ORIGIN_PER_SECOND: '0',
        FETCH_QUEUE_TIMEOUT_MS: '30000',
        BATCH_CONCURRENCY: '8',
      });
    });

    it('keeps at most 2 connections to the origin under batches, single previews and their sub-requests at once', async () => {
      const batch = (n: number) =>
        request(service.origin, '/v1/previews/batch', {
          urls: Array.from({ length: 8 }, (_, i) => upstream.url(`/page/b${n}-${i}`)),
          fields: ['title', 'oembed', 'icons'],
        });
      const singles = Array.from({ length: 8 }, (_, i) => preview(service.origin, upstream.url(`/page/s${i}`)));
      const images = Array.from({ length: 4 }, (_, i) => preview(service.origin, upstream.url(`/image/i${i}.png`)));
      const batches = [batch(1), batch(2), batch(3)];
      const answers = await Promise.all([...batches, ...singles, ...images]);
      expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: answers.length }, () => 200));
      const items = answers
        .slice(0, 3)
        .flatMap((answer) => (JSON.parse(answer.body) as { results: unknown[] }).results);
      expect(items).toHaveLength(24);
      expect(items.every((item) => (item as { ok: boolean }).ok)).toBe(true);
      expect(JSON.parse(answers[3].body)).toMatchObject({
        title: 's0',
        oembed: { title: 'oEmbed s0.json' },
        icons: expect.arrayContaining([expect.objectContaining({ sizes: '192x192' })]),
      });
      // Every page led to its oEmbed and manifest fetches on the same origin, all through the same two connections.
      expect(upstream.hitsUnder('/page/')).toBe(32);
      expect(upstream.hitsUnder('/oembed/')).toBe(32);
      expect(upstream.hitsUnder('/manifest/')).toBe(32);
      expect(upstream.hitsUnder('/image/')).toBe(4);
      expect(upstream.peakConnections).toBe(2);
    });
  });

  describe('waiting for the origin (FETCH_PER_HOST_CONCURRENCY=1, FETCH_TIMEOUT_MS=500, FETCH_QUEUE_TIMEOUT_MS=1500)', () => {
    let service: ListeningApp;

    beforeAll(async () => {
      service = await start({
        FETCH_PER_HOST_CONCURRENCY: '1',
        FETCH_TIMEOUT_MS: '500',
        FETCH_QUEUE_TIMEOUT_MS: '1500',
        FETCH_PER_ORIGIN_PER_SECOND: '0',
      });
    });

    it('does not count the wait for a connection as upstream time: queued previews are not UPSTREAM_TIMEOUT', async () => {
      // 300 ms each over one connection: the last waits 900 ms, more than the 500 ms deadline.
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, i) => preview(service.origin, upstream.url(`/slow/q${i}`))),
      );
      expect(answers.map((answer) => [answer.status, answer.headers['x-cache']])).toEqual(
        Array.from({ length: 4 }, () => [200, 'MISS']),
      );
      expect(answers.map((answer) => (JSON.parse(answer.body) as { title: string }).title)).toEqual([
        'q0',
        'q1',
        'q2',
        'q3',
      ]);
    });
  });

  describe('a full origin (FETCH_PER_HOST_CONCURRENCY=1, FETCH_QUEUE_TIMEOUT_MS=300)', () => {
    let service: ListeningApp;

    beforeAll(async () => {
      service = await start({
        FETCH_PER_HOST_CONCURRENCY: '1',
        FETCH_QUEUE_TIMEOUT_MS: '300',
        FETCH_PER_ORIGIN_PER_SECOND: '0',
      });
    });

    it('answers 503 OVERLOADED with Retry-After when no connection frees in time, never asks upstream, and caches nothing', async () => {
      const holding = preview(service.origin, upstream.url('/hold/first'));
      await until(() => upstream.hitsOf('/hold/first') === 1);
      const target = upstream.url('/page-after-wait');
      const shed = await preview(service.origin, target);
      expect(shed.status).toBe(503);
      expect(shed.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(shed.headers['retry-after']).toBe('1');
      expect(JSON.parse(shed.body)).toEqual({
        type: 'urn:link-preview:problem:overloaded',
        title: 'Service overloaded',
        status: 503,
        detail: `${upstream.hostPort} is busy: none of its connections became free within 300 ms`,
        code: 'OVERLOADED',
        instance: '/v1/previews',
        requestId: expect.any(String),
        cause: 'origin_queue',
        reachedUpstream: false,
      });
      expect(upstream.hitsOf('/page-after-wait')).toBe(0);
      release();
      expect((await holding).status).toBe(200);
      // The 503 said nothing about the target: the next request fetches it.
      const next = await preview(service.origin, target);
      expect([next.status, next.headers['x-cache']]).toEqual([200, 'MISS']);
      expect(upstream.hitsOf('/page-after-wait')).toBe(1);
    });
  });

  describe('the parse byte budget (PARSE_MAX_INFLIGHT_MB=1)', () => {
    let service: ListeningApp;

    beforeAll(async () => {
      service = await start({
        PARSE_MAX_INFLIGHT_MB: '1',
        FETCH_PER_HOST_CONCURRENCY: '8',
        FETCH_PER_ORIGIN_PER_SECOND: '0',
      });
    });

    it('sheds a page with 503 OVERLOADED and Retry-After before any request for it once the budget is full', async () => {
      // Four pages awaiting their answer hold 256 KiB each until their size is known: the whole 1 MiB.
      const holding = Array.from({ length: 4 }, (_, i) => preview(service.origin, upstream.url(`/hold/h${i}`)));
      await until(() => upstream.hitsUnder('/hold/') === 4);
      const target = upstream.url('/page-when-full');
      const shed = await preview(service.origin, target);
      expect(shed.status).toBe(503);
      expect(shed.headers['retry-after']).toBe('1');
      expect(JSON.parse(shed.body)).toEqual({
        type: 'urn:link-preview:problem:overloaded',
        title: 'Service overloaded',
        status: 503,
        detail: 'Too many bytes of pages are being parsed; try again shortly',
        code: 'OVERLOADED',
        instance: '/v1/previews',
        requestId: expect.any(String),
        cause: 'parse_budget',
        reachedUpstream: false,
      });
      expect(upstream.hitsOf('/page-when-full')).toBe(0);
      release();
      const answers = await Promise.all(holding);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    });

    it('sheds a page whose Content-Length does not fit the budget as soon as its headers arrive', async () => {
      const holding = preview(service.origin, upstream.url('/hold/one'));
      await until(() => upstream.hitsOf('/hold/one') === 1);
      const shed = await preview(service.origin, upstream.url('/large/two-mib'));
      expect(shed.status).toBe(503);
      expect(shed.headers['retry-after']).toBe('1');
      expect(JSON.parse(shed.body)).toMatchObject({
        code: 'OVERLOADED',
        detail: 'Too many bytes of pages are being parsed; try again shortly',
        cause: 'parse_budget',
      });
      release();
      expect((await holding).status).toBe(200);
      // Alone in the pool, the same page is let through whatever its size.
      const alone = await preview(service.origin, upstream.url('/large/two-mib'));
      expect([alone.status, alone.headers['x-cache']]).toEqual([200, 'MISS']);
    });
  });
});
