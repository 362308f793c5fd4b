import http from 'node:http';
import { until } from './support/counting-upstream.js';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { startListeningApp, type ListeningApp } from './support/test-app.js';

/** POSTs a batch on its own connection and reads the whole answer. */
function postBatch(
  origin: string,
  body: unknown,
  accept = 'application/json',
): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}/v1/previews/batch`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', accept },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body: text }),
      );
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const DEADLINE_MS = 2000;
/** A batch takes the deadline, then the cancelled requests must be seen closing: room for a loaded machine. */
const TEST_TIMEOUT_MS = 20_000;

describe('BATCH_TIMEOUT_MS (e2e)', () => {
  let fixture: FixtureUpstream;
  let service: ListeningApp;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    // Pages that answer only when the test says so: long past the batch deadline.
    const never = new Promise<void>((resolve) => (release = resolve));
    fixture.html('/fast', articlePage('Fast'));
    fixture.html('/warm', articlePage('Warm'));
    for (const name of ['hang-1', 'hang-2', 'later-1', 'later-2']) {
      fixture.html(`/${name}`, articlePage(name), { until: never });
    }
    service = await startListeningApp({
      env: {
        FETCH_ALLOW_PRIVATE: fixture.hostPort,
        PARSE_WORKERS: '1',
        RATE_LIMIT_PER_MINUTE: '0',
        BATCH_TIMEOUT_MS: String(DEADLINE_MS),
        BATCH_CONCURRENCY: '2',
      },
    });
    // One page through the parse thread first: /fast must finish well inside the deadline however cold the process
    // (a thread's first parse loads its code), or the figures below would measure the start-up, not the deadline.
    const warm = await postBatch(service.origin, { urls: [fixture.url('/warm')], fields: ['title'] });
    expect(JSON.parse(warm.body)).toMatchObject({ results: [{ ok: true, preview: { title: 'Warm' } }] });
  });

  beforeEach(() => fixture.resetCounters());

  afterAll(async () => {
    release();
    await service.app.close();
    await fixture.close();
  });

  const urls = (): string[] => ['/fast', '/hang-1', '/hang-2', '/later-1', '/later-2'].map((path) => fixture.url(path));

  const timedOut = (url: string, reachedUpstream?: false) => ({
    url,
    ok: false,
    error: {
      code: 'UPSTREAM_TIMEOUT',
      status: 504,
      title: 'Upstream timeout',
      detail: `not done within the batch deadline (BATCH_TIMEOUT_MS, ${DEADLINE_MS} ms)`,
      cause: 'batch_deadline',
      ...(reachedUpstream === false ? { reachedUpstream } : {}),
    },
  });

  it(
    'answers JSON at the deadline with an UPSTREAM_TIMEOUT entry per unfinished URL, and cancels their work',
    async () => {
      const targets = urls();
      const answer = await postBatch(service.origin, { urls: targets, fields: ['title'] });
      // Answered while the upstream still holds both pages: the deadline, not the upstream, ended the batch.
      expect(fixture.completed('/hang-1') + fixture.completed('/hang-2')).toBe(0);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('application/json; charset=utf-8');
      expect(JSON.parse(answer.body)).toEqual({
        results: [
          { url: targets[0], ok: true, preview: { url: targets[0], title: 'Fast' } },
          timedOut(targets[1]),
          timedOut(targets[2]),
          // Still waiting for a place in the fan-out (BATCH_CONCURRENCY=2): never requested upstream.
          timedOut(targets[3], false),
          timedOut(targets[4], false),
        ],
      });
      await until(() => fixture.aborted().length === 2, 5000, 'the held requests to be cancelled');
      expect(fixture.aborted().sort((a, b) => a.localeCompare(b))).toEqual(['/hang-1', '/hang-2']);
      expect([fixture.hits('/later-1'), fixture.hits('/later-2')]).toEqual([0, 0]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'writes an UPSTREAM_TIMEOUT line per unfinished URL in NDJSON at the deadline',
    async () => {
      const targets = urls();
      const answer = await postBatch(service.origin, { urls: targets, fields: ['title'] }, 'application/x-ndjson');
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('application/x-ndjson; charset=utf-8');
      const lines = answer.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { index: number });
      expect(lines[0]).toEqual({ index: 0, url: targets[0], ok: true, preview: { url: targets[0], title: 'Fast' } });
      expect(lines.slice(1).sort((a, b) => a.index - b.index)).toEqual([
        { index: 1, ...timedOut(targets[1]) },
        { index: 2, ...timedOut(targets[2]) },
        { index: 3, ...timedOut(targets[3], false) },
        { index: 4, ...timedOut(targets[4], false) },
      ]);
      await until(() => fixture.aborted().length === 2, 5000, 'the held requests to be cancelled');
      expect(fixture.aborted().sort((a, b) => a.localeCompare(b))).toEqual(['/hang-1', '/hang-2']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'does not cache the cut-off URLs as timed out: the next batch asks the upstream again',
    async () => {
      const target = fixture.url('/hang-1');
      const answer = await postBatch(service.origin, { urls: [target] });
      expect(JSON.parse(answer.body)).toEqual({ results: [timedOut(target)] });
      expect(fixture.hits('/hang-1')).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );
});
