import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { startTestApp } from './support/test-app.js';

interface StreamedLine {
  line: Record<string, unknown>;
  /** Requests the fixture had completed for the slowest path when this line arrived. */
  slowCompletedAtArrival: number;
}

/** POSTs a batch to the listening app with Accept: application/x-ndjson and reads the lines as they arrive. */
function streamBatch(
  port: number,
  body: unknown,
  onLine: (line: Record<string, unknown>, request: http.ClientRequest) => void,
): Promise<{ status: number; contentType: string; lines: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const lines: Record<string, unknown>[] = [];
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/previews/batch',
        headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
      },
      (res) => {
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let newline = buffered.indexOf('\n');
          while (newline >= 0) {
            const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
            buffered = buffered.slice(newline + 1);
            lines.push(line);
            onLine(line, request);
            newline = buffered.indexOf('\n');
          }
        });
        const done = (): void =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), lines });
        res.on('end', done);
        res.on('close', done);
      },
    );
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    request.end(JSON.stringify(body));
  });
}

describe('POST /v1/previews/batch (e2e)', () => {
  let fixture: FixtureUpstream;
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture
      .html('/slow', articlePage('Slow'), { delayMs: 600 })
      .html('/medium', articlePage('Medium'), { delayMs: 300 })
      .html('/fast', articlePage('Fast'))
      .html('/hang', articlePage('Hang'), { delayMs: 5000 })
      .route('/gone', { status: 404 });
    for (let i = 0; i < 8; i++) fixture.html(`/host-${i}`, articlePage(`Host ${i}`), { delayMs: 150 });
    app = await startTestApp({
      env: {
        FETCH_ALLOW_PRIVATE: fixture.hostPort,
        PARSE_WORKERS: '1',
        BATCH_MAX_URLS: '10',
        BATCH_CONCURRENCY: '8',
        FETCH_PER_HOST_CONCURRENCY: '2',
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app.close();
    await fixture.close();
  });

  beforeEach(() => fixture.resetCounters());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/previews/batch', payload: body as object, headers });

  it('answers JSON in request order, with an error entry for a bad URL and for a failed one, fetching duplicates once', async () => {
    const urls = [
      fixture.url('/slow'),
      'not a url',
      fixture.url('/fast'),
      fixture.url('/gone'),
      `${fixture.url('/fast')}#again`,
    ];
    const res = await post({ urls, fields: ['title'] });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({
      results: [
        { url: urls[0], ok: true, preview: { url: urls[0], title: 'Slow' } },
        {
          url: 'not a url',
          ok: false,
          error: {
            code: 'INVALID_URL',
            status: 400,
            title: 'Invalid URL',
            detail: 'url must be an absolute http or https URL of at most 2048 characters',
          },
        },
        { url: urls[2], ok: true, preview: { url: urls[2], title: 'Fast' } },
        {
          url: urls[3],
          ok: false,
          error: {
            code: 'UPSTREAM_ERROR',
            status: 502,
            title: 'Upstream error',
            detail: `${fixture.hostPort} answered 404`,
            upstreamStatus: 404,
            cause: 'status',
          },
        },
        { url: urls[4], ok: true, preview: { url: urls[4], title: 'Fast' } },
      ],
    });
    expect(fixture.hits('/fast')).toBe(1);
  });

  it('streams NDJSON lines in completion order, the first before the slowest URL has finished', async () => {
    // A query string keeps the slow page out of the cache the previous test filled (the fixture routes by path).
    const urls = [fixture.url('/slow?stream'), fixture.url('/medium'), fixture.url('/fast'), 42];
    const arrivals: StreamedLine[] = [];
    const res = await streamBatch(port, { urls, fields: ['title'] }, (line) =>
      arrivals.push({ line, slowCompletedAtArrival: fixture.completed('/slow') }),
    );
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/x-ndjson; charset=utf-8');
    expect(res.lines.map((line) => line.index)).toEqual([3, 2, 1, 0]);
    expect(res.lines[0]).toEqual({
      index: 3,
      url: 42,
      ok: false,
      error: expect.objectContaining({ code: 'INVALID_URL', status: 400 }),
    });
    expect(res.lines[3]).toEqual({
      index: 0,
      url: urls[0],
      ok: true,
      preview: { url: urls[0], title: 'Slow' },
    });
    expect(arrivals[0].slowCompletedAtArrival).toBe(0);
    expect(arrivals[1].slowCompletedAtArrival).toBe(0);
  });

  it('aborts the upstream requests still running when the client disconnects mid-stream', async () => {
    const urls = [fixture.url('/fast?d=1'), fixture.url('/hang'), fixture.url('/hang?second')];
    await streamBatch(port, { urls }, (_line, request) => request.destroy());
    const deadline = Date.now() + 2000;
    while (fixture.aborted().length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fixture.aborted()).toEqual(['/hang', '/hang']);
    expect(fixture.completed('/hang')).toBe(0);
  });

  it('keeps at most FETCH_PER_HOST_CONCURRENCY requests open to one origin', async () => {
    const urls = Array.from({ length: 8 }, (_, i) => fixture.url(`/host-${i}`));
    const res = await post({ urls, fields: ['title'] });
    const { results } = res.json<{ results: { ok: boolean }[] }>();
    expect(results.map((item) => item.ok)).toEqual(Array.from({ length: 8 }, () => true));
    expect(fixture.peakConcurrency).toBe(2);
  });

  it.each([
    ['an empty list', { urls: [] }, 'urls', 'urls must contain at least 1 elements'],
    [
      'more than BATCH_MAX_URLS',
      { urls: Array.from({ length: 11 }, (_, i) => `https://example.com/${i}`) },
      'urls',
      'urls must contain no more than 10 elements',
    ],
    ['urls that is not a list', { urls: 'https://example.com/' }, 'urls', 'urls must be an array'],
    [
      'an unknown field',
      { urls: ['https://example.com/'], fields: ['bogus'] },
      'fields',
      expect.stringMatching(/^each value in fields must be one of/),
    ],
  ])('refuses %s with VALIDATION_FAILED', async (_label, body, field, message) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, instance: '/v1/previews/batch' });
    expect(res.json().errors).toContainEqual({ field, messages: expect.arrayContaining([message]) });
  });
});
