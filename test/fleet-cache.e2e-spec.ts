import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { startMemcached, type MemcachedProcess } from './support/memcached.js';
import type { StartedService } from './support/processes.js';
import { startOnLoopback } from './support/service-logs.js';

jest.setTimeout(60_000);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The request id sent (and echoed back), to find which process answered in its log lines. */
  requestId: string;
  /** When the request was sent (epoch ms). */
  sentAt: number;
}

/** One request on a fresh connection (so that the kernel may hand it to either worker of a cluster). */
async function send(origin: string, path: string, method = 'GET'): Promise<Answer> {
  const requestId = randomUUID();
  const sentAt = Date.now();
  return new Promise((resolve, reject) => {
    http
      .request(`${origin}${path}`, { method, agent: false, headers: { 'x-request-id': requestId } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, requestId, sentAt }));
      })
      .on('error', reject)
      .end();
  });
}

/**
 * The service as the fleet runs it: memcached shared, auth off with admin actions open, no rate limit and no
 * per-origin budget (every test URL is on the one fixture origin, and what is counted here is fetches per URL);
 * resolves once every worker listens.
 */
async function startFleetMember(
  memcached: MemcachedProcess,
  fixture: FixtureUpstream,
  env: Record<string, string> = {},
): Promise<{ service: StartedService; origin: string }> {
  const { service, base } = await startOnLoopback({
    CACHE_STORE: 'memcached',
    MEMCACHED_SERVERS: memcached.address,
    FETCH_ALLOW_PRIVATE: fixture.hostPort,
    RATE_LIMIT_PER_MINUTE: '0',
    FETCH_PER_ORIGIN_PER_SECOND: '0',
    ADMIN_OPEN: 'true',
    ...env,
  });
  return { service, origin: base };
}

async function stop(service: StartedService): Promise<void> {
  service.child.kill('SIGTERM');
  await service.exited;
}

/** The PID of the process that wrote the log line of request `requestId`, once it is written (log lines lag). */
async function pidOf(services: readonly StartedService[], requestId: string): Promise<number> {
  for (let attempt = 0; attempt < 250; attempt++) {
    for (const service of services) {
      for (const line of service.stdout().split('\n')) {
        if (!line.includes(requestId)) continue;
        const { pid, requestId: id } = JSON.parse(line) as { pid?: number; requestId?: string };
        if (id === requestId && pid !== undefined) return pid;
      }
    }
    await sleep(20);
  }
  throw new Error(`no log line of request ${requestId}`);
}

const previewPath = (fixture: FixtureUpstream, path: string) =>
  `/v1/previews?url=${encodeURIComponent(fixture.url(path))}&fields=title,fetchedAt`;

/**
 * A fleet of two processes sharing one memcached: two workers of one service, or two independent services. `origins`
 * are where to send requests (one per process when they can be told apart, else the same one twice).
 */
interface Fleet {
  services: StartedService[];
  origins: [string, string];
}

function describeFleet(
  name: string,
  startFleet: (memcached: MemcachedProcess, fixture: FixtureUpstream) => Promise<Fleet>,
) {
  describe(name, () => {
    let memcached: MemcachedProcess;
    let fixture: FixtureUpstream;
    let fleet: Fleet;
    const origin = (i: number) => fleet.origins[i % 2];
    const processOf = (answer: Answer) => pidOf(fleet.services, answer.requestId);
    const servingProcesses = async (answers: readonly Answer[]) => new Set(await Promise.all(answers.map(processOf)));

    beforeAll(async () => {
      fixture = await new FixtureUpstream().start();
      memcached = await startMemcached();
      fleet = await startFleet(memcached, fixture);
    });

    afterAll(async () => {
      await Promise.all(fleet.services.map(stop));
      await memcached.stop();
      await fixture.close();
    });

    it('fetches a cold URL once for 300 concurrent requests answered by both processes', async () => {
      fixture.html('/stampede', articlePage('Stampede'), { delayMs: 200 });
      const answers = await Promise.all(
        Array.from({ length: 300 }, (_, i) => send(origin(i), previewPath(fixture, '/stampede'))),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      expect(new Set(answers.map((answer) => (JSON.parse(answer.body) as { title: string }).title))).toEqual(
        new Set(['Stampede']),
      );
      expect((await servingProcesses(answers)).size).toBe(2);
      expect(fixture.hits('/stampede')).toBe(1);
    });

    it('fetches each of 30 cold URLs once for 300 concurrent requests', async () => {
      const paths = Array.from({ length: 30 }, (_, i) => `/thirty-${i}`);
      for (const path of paths) fixture.html(path, articlePage(`Page ${path}`), { delayMs: 100 });
      const answers = await Promise.all(
        Array.from({ length: 300 }, (_, i) => send(origin(i), previewPath(fixture, paths[i % 30]))),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      expect(answers.map((answer) => (JSON.parse(answer.body) as { title: string }).title)).toEqual(
        answers.map((_, i) => `Page ${paths[i % 30]}`),
      );
      expect(paths.map((path) => fixture.hits(path))).toEqual(paths.map(() => 1));
    });

    it('fetches an upstream answering 503 once for 1,000 requests (negative caching across processes)', async () => {
      fixture.route('/failing', { status: 503, body: 'down for maintenance', delayMs: 50 });
      const answers: Answer[] = [];
      for (let wave = 0; wave < 10; wave++) {
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 100 }, (_, i) => send(origin(i), previewPath(fixture, '/failing'))),
          )),
        );
      }
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 502));
      expect(JSON.parse(answers[999].body)).toMatchObject({
        code: 'UPSTREAM_ERROR',
        status: 502,
        upstreamStatus: 503,
      });
      expect(fixture.hits('/failing')).toBe(1);
    });

    it('makes a purge on one process visible on the other within a second', async () => {
      fixture.html('/purged', articlePage('Purged'));
      const warm = await send(origin(0), previewPath(fixture, '/purged'));
      expect(warm).toMatchObject({ status: 200, headers: { 'x-cache': 'MISS' } });
      const oldTag = warm.headers.etag;
      // Until each process has served it from its own L1 (the copy a purge must reach).
      const fromL1 = new Set<number>();
      for (let i = 0; fromL1.size < 2 && i < 400; i++) {
        const answer = await send(origin(i), previewPath(fixture, '/purged'));
        expect(answer).toMatchObject({ status: 200, headers: { 'x-cache': 'HIT', etag: oldTag } });
        if (String(answer.headers['server-timing']).includes('cache;desc="memory-l1"')) {
          fromL1.add(await processOf(answer));
        }
      }
      expect(fromL1.size).toBe(2);

      const purge = await send(origin(0), `/v1/previews?url=${encodeURIComponent(fixture.url('/purged'))}`, 'DELETE');
      expect(purge.status).toBe(204);
      const purgedAt = Date.now();
      const purger = await processOf(purge);
      // Poll the other process until it no longer answers with the purged entry.
      let answer: Answer;
      do {
        answer = await send(origin(1), previewPath(fixture, '/purged'));
        expect(answer.status).toBe(200);
        if ((await processOf(answer)) === purger) continue;
        if (answer.headers.etag !== oldTag) break;
        await sleep(20);
      } while (Date.now() - purgedAt < 5000);
      expect(await processOf(answer)).not.toBe(purger);
      expect(answer.headers.etag).not.toBe(oldTag);
      expect(answer.sentAt - purgedAt).toBeLessThan(1000);
      expect(fixture.hits('/purged')).toBe(2);
    });

    it('answers every request while memcached is down, each process fetching for itself', async () => {
      const paths = Array.from({ length: 10 }, (_, i) => `/outage-${i}`);
      for (const path of paths) fixture.html(path, articlePage(`Outage ${path}`));
      await memcached.stop();
      // 60 at a time until both processes have answered some (the kernel picks a worker per connection), 5 rounds at most.
      const answers: Answer[] = [];
      for (let round = 0; round < 5 && (round === 0 || (await servingProcesses(answers)).size < 2); round++) {
        const offset = answers.length;
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 60 }, (_, i) =>
              send(origin(offset + i), previewPath(fixture, paths[(offset + i) % 10])),
            ),
          )),
        );
      }
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      expect(answers.map((answer) => (JSON.parse(answer.body) as { title: string }).title)).toEqual(
        answers.map((_, i) => `Outage ${paths[i % 10]}`),
      );
      expect((await servingProcesses(answers)).size).toBe(2);
      for (const path of paths) expect(fixture.hits(path)).toBeGreaterThanOrEqual(1);
    });
  });
}

describeFleet(
  'two worker processes on one memcached (WEB_CONCURRENCY=2, the built service)',
  async (memcached, fixture) => {
    const { service, origin } = await startFleetMember(memcached, fixture, { WEB_CONCURRENCY: '2' });
    return { services: [service], origins: [origin, origin] };
  },
);

describeFleet('two independent instances on one memcached (two node dist/main.js)', async (memcached, fixture) => {
  const [a, b] = await Promise.all([startFleetMember(memcached, fixture), startFleetMember(memcached, fixture)]);
  return { services: [a.service, b.service], origins: [a.origin, b.origin] };
});
