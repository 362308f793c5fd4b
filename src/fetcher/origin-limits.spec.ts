/**
 * The fetcher's per-origin limits against a real loopback server that counts what reaches it: connections open at
 * once (a socket counts from its accept until the client's FIN), requests per path, and arrivals per whole second.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CountingUpstream, earlyInASecond, until } from '../../test/support/counting-upstream.js';
import { domainFailure } from '../../test/support/domain-failure.js';
import { DomainError } from '../common/errors/domain-error.js';
import { HostResolver } from './host-resolver.js';
import { MemoryOriginBudget, SharedOriginBudget, type SharedCounters } from './origin-budget.js';
import { OriginLanes } from './origin-lanes.js';
import { SafeFetcher, type SafeFetcherOptions } from './safe-fetcher.js';

class NoDns extends HostResolver {
  resolve(hostname: string): Promise<string[]> {
    return Promise.reject(Object.assign(new Error(`no DNS in this test: ${hostname}`), { code: 'ENOTFOUND' }));
  }
}

const PAGE = '<!doctype html><title>Counted</title>';

/** Where the tests' upstream answers late: `/slow` after 300 ms, `/hold` when the test releases it. */
function upstreamRoutes(held: () => Promise<void>) {
  return (_req: IncomingMessage, res: ServerResponse, path: string): void => {
    const answer = (): void => {
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    };
    if (path === '/redirect-me') res.writeHead(302, { location: '/page' }).end();
    else if (path.startsWith('/slow')) setTimeout(answer, 300);
    else if (path.startsWith('/hold')) void held().then(answer);
    else if (path.startsWith('/big')) {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(4 * 1024 * 1024) });
      res.end(Buffer.alloc(4 * 1024 * 1024, 'a'));
    } else answer();
  };
}

describe('SafeFetcher per-origin limits', () => {
  let upstream: CountingUpstream;
  const fetchers: SafeFetcher[] = [];

  function fetcher(overrides: Partial<SafeFetcherOptions> = {}, budget = new MemoryOriginBudget()): SafeFetcher {
    const created = new SafeFetcher(
      {
        timeoutMs: 5000,
        connectTimeoutMs: 1000,
        maxBytes: 8 * 1024 * 1024,
        maxRedirects: 3,
        userAgent: 'origin-limits-spec',
        allowPrivate: [`127.0.0.1:${upstream.port}`],
        allowedPorts: [upstream.port],
        perHostConcurrency: 2,
        perOriginPerSecond: 0,
        queueTimeoutMs: 5000,
        ...overrides,
      },
      new NoDns(),
      budget,
    );
    fetchers.push(created);
    return created;
  }

  let release: () => void = () => undefined;
  let held = Promise.resolve();

  beforeAll(async () => {
    upstream = await new CountingUpstream(upstreamRoutes(() => held)).start();
  });

  beforeEach(() => {
    upstream.reset();
    held = new Promise<void>((resolve) => (release = resolve));
  });

  // Every test starts with no connection open: the peak it reads is its own.
  afterEach(async () => {
    await Promise.all(fetchers.splice(0).map((created) => created.onModuleDestroy()));
    await until(() => upstream.openConnections === 0);
  });

  afterAll(async () => {
    release();
    await upstream.close();
  });

  describe('connections', () => {
    it('never opens more than perHostConcurrency connections to an origin while cancelled fetches drop theirs', async () => {
      const limited = fetcher({ perHostConcurrency: 4 });
      // A steady stream of fetches (each answered one starts the next), and five times a cancelled batch: eight
      // fetches that hold every connection, then all drop their sockets at once. undici's Agent replaced the
      // origin's pool whenever its connected sockets reached zero, while the old pool reconnected for its queue:
      // this very sequence opened 12 to 17 connections at once.
      let started = 0;
      const stream: Promise<unknown>[] = [];
      const next = (): Promise<unknown> =>
        limited.fetch(upstream.url(`/page-${started++}`)).then((answer) => {
          if (started < 200) stream.push(next());
          return answer;
        });
      for (let round = 0; round < 5; round++) {
        const batch = new AbortController();
        const held = Array.from({ length: 8 }, (_, i) =>
          limited.fetch(upstream.url(`/hold-${round}-${i}`), { signal: batch.signal }).catch((error: unknown) => error),
        );
        for (let i = 0; i < 4; i++) stream.push(next());
        await until(() => upstream.hitsUnder(`/hold-${round}-`) >= 4);
        const gone = new Error('the batch client went away');
        batch.abort(gone);
        expect(await Promise.all(held)).toEqual(Array.from({ length: 8 }, () => gone));
      }
      await until(() => started >= 200);
      const answers = (await Promise.all(stream)) as { status: number }[];
      expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: answers.length }, () => 200));
      expect(upstream.peakConnections).toBe(4);
    });

    it('shares the places of an origin between page fetches and sub-requests of one fetcher', async () => {
      const shared = fetcher({ perHostConcurrency: 2 });
      const work = [
        ...Array.from({ length: 4 }, (_, i) => shared.fetch(upstream.url(`/slow-page-${i}`))),
        ...Array.from({ length: 4 }, (_, i) => shared.fetch(upstream.url(`/slow-oembed-${i}`), { mode: 'json' })),
        ...Array.from({ length: 4 }, (_, i) => shared.fetch(upstream.url(`/slow-image-${i}`), { mode: 'image' })),
      ];
      const answers = await Promise.all(work);
      expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 12 }, () => 200));
      expect(upstream.peakConnections).toBe(2);
    });
  });

  describe('waiting for a place', () => {
    it('does not count the wait for a place against the deadline: a queued fetch is never UPSTREAM_TIMEOUT', async () => {
      // Each answer takes 300 ms over one connection: the fourth waits 900 ms, longer than the 500 ms deadline.
      const single = fetcher({ perHostConcurrency: 1, timeoutMs: 500 });
      const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => single.fetch(upstream.url(`/slow-${i}`))));
      expect(answers.map((answer) => answer.body)).toEqual(Array.from({ length: 4 }, () => PAGE));
      expect(upstream.peakConnections).toBe(1);
    });

    it('answers OVERLOADED with Retry-After after FETCH_QUEUE_TIMEOUT_MS, without sending the request upstream', async () => {
      const single = fetcher({ perHostConcurrency: 1, queueTimeoutMs: 200 });
      const holding = single.fetch(upstream.url('/hold'));
      await until(() => upstream.hitsOf('/hold') === 1);
      const shed = await domainFailure(single.fetch(upstream.url('/queued')));
      expect(shed).toMatchObject({
        code: 'OVERLOADED',
        message: `127.0.0.1:${upstream.port} is busy: none of its connections became free within 200 ms`,
        details: { cause: 'origin_queue', reachedUpstream: false },
        headers: { 'retry-after': '1' },
      });
      release();
      await expect(holding).resolves.toMatchObject({ status: 200, body: PAGE });
      expect(upstream.hitsOf('/queued')).toBe(0);
    });

    it("lets a waiting fetch go when its caller's signal aborts, with the caller's reason", async () => {
      const single = fetcher({ perHostConcurrency: 1 });
      const holding = single.fetch(upstream.url('/hold'));
      await until(() => upstream.hitsOf('/hold') === 1);
      const controller = new AbortController();
      const waiting = single.fetch(upstream.url('/abandoned'), { signal: controller.signal });
      const reason = new Error('the client went away');
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      release();
      await holding;
      // The abandoned fetch gave its place back: the next one is served.
      await expect(single.fetch(upstream.url('/next'))).resolves.toMatchObject({ status: 200 });
      expect(upstream.hitsOf('/abandoned')).toBe(0);
    });
  });

  describe('budget per origin and second', () => {
    it('sends at most FETCH_PER_ORIGIN_PER_SECOND requests to an origin in any second, the rest waiting for the next', async () => {
      const budgeted = fetcher({ perHostConcurrency: 4, perOriginPerSecond: 3 });
      await earlyInASecond();
      const answers = await Promise.all(Array.from({ length: 9 }, (_, i) => budgeted.fetch(upstream.url(`/b-${i}`))));
      expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 9 }, () => 200));
      expect(upstream.arrivals).toHaveLength(9);
      expect(upstream.peakPerSecond()).toBe(3);
      expect(new Set(upstream.arrivals).size).toBe(3);
    });

    it('answers OVERLOADED origin_budget with Retry-After when the next window opens after the wait allowance', async () => {
      const budgeted = fetcher({ perHostConcurrency: 4, perOriginPerSecond: 2, queueTimeoutMs: 300 });
      await earlyInASecond();
      const settled = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) => budgeted.fetch(upstream.url(`/o-${i}`))),
      );
      expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
      const refused = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as DomainError] : []));
      expect(refused).toEqual([
        expect.objectContaining({
          code: 'OVERLOADED',
          details: { cause: 'origin_budget', reachedUpstream: false },
          headers: { 'retry-after': '1' },
        }),
        expect.objectContaining({ code: 'OVERLOADED', details: { cause: 'origin_budget', reachedUpstream: false } }),
      ]);
      expect(upstream.arrivals).toHaveLength(2);
    });

    it("stops waiting for the next window when the caller's signal aborts", async () => {
      const budgeted = fetcher({ perHostConcurrency: 4, perOriginPerSecond: 1 });
      await earlyInASecond();
      await budgeted.fetch(upstream.url('/first'));
      const controller = new AbortController();
      const waiting = budgeted.fetch(upstream.url('/second'), { signal: controller.signal });
      const reason = new Error('the client went away');
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      // The next window opens for the next fetch; the abandoned one never goes out.
      await expect(budgeted.fetch(upstream.url('/third'))).resolves.toMatchObject({ status: 200 });
      expect([upstream.hitsOf('/second'), upstream.hitsOf('/third')]).toEqual([0, 1]);
    });

    it('counts every redirect hop, and says the upstream was reached when a later hop is shed', async () => {
      const budgeted = fetcher({ perHostConcurrency: 4, perOriginPerSecond: 1, queueTimeoutMs: 100 });
      await earlyInASecond();
      const shed = await domainFailure(budgeted.fetch(upstream.url('/redirect-me')));
      expect(shed).toMatchObject({ code: 'OVERLOADED', details: { cause: 'origin_budget', reachedUpstream: true } });
      expect(upstream.hitsOf('/redirect-me')).toBe(1);
      expect(upstream.hitsOf('/page')).toBe(0);
    });

    it('falls back to counting in the process while the shared store fails, and shares the store again after', async () => {
      let failing = true;
      const counts = new Map<string, number>();
      const counters: SharedCounters = {
        increment: (key) => {
          if (failing) return Promise.reject(new Error('store down'));
          counts.set(key, (counts.get(key) ?? 0) + 1);
          return Promise.resolve(counts.get(key) ?? 0);
        },
      };
      let now = 1_000_000;
      const budget = new SharedOriginBudget(counters, 'test:', () => now);
      await expect(budget.count('http://a.example', 5)).resolves.toBe(1);
      failing = false;
      // Within a second of the failure the process keeps counting on its own.
      await expect(budget.count('http://a.example', 5)).resolves.toBe(2);
      expect(counts.size).toBe(0);
      now += 1000;
      await expect(budget.count('http://a.example', 5)).resolves.toBe(1);
      await expect(budget.count('http://a.example', 5)).resolves.toBe(2);
      expect([...counts.keys()]).toEqual([expect.stringMatching(/^test:ob:[\w-]{22}:5$/)]);
    });
  });

  describe('admitting the body', () => {
    it('asks admitBytes before reading a body and stops there, unread, when it throws', async () => {
      const client = fetcher();
      const refusal = new DomainError('OVERLOADED', 'no room for this page');
      const announced: number[] = [];
      const refused = await domainFailure(
        client.fetch(upstream.url('/big'), {
          admitBytes: (bytes) => {
            announced.push(bytes);
            throw refusal;
          },
        }),
      );
      expect(refused).toBe(refusal);
      expect(announced).toEqual([4 * 1024 * 1024]);
    });

    it('keeps the bytes of a page undecoded with keepBytes, announcing its size first', async () => {
      const client = fetcher();
      const announced: number[] = [];
      const answer = await client.fetch(upstream.url('/page'), {
        keepBytes: true,
        admitBytes: (bytes) => announced.push(bytes),
      });
      expect(answer).toMatchObject({ status: 200, body: '', declaredCharset: 'utf-8', bytes: PAGE.length });
      expect(answer.raw?.toString()).toBe(PAGE);
      expect(announced).toEqual([PAGE.length]);
    });
  });
});

describe('OriginLanes', () => {
  it('closes the pool of an origin left unused for idleMs, and opens a new one when it is used again', async () => {
    const lanes = new OriginLanes({ connections: 1, pool: {}, idleMs: 50 });
    try {
      const slot = await lanes.acquire('http://127.0.0.1:9', 100);
      expect(lanes.size).toBe(1);
      slot?.release();
      slot?.release();
      await until(() => lanes.size === 0);
      const again = await lanes.acquire('http://127.0.0.1:9', 100);
      expect(lanes.size).toBe(1);
      again?.release();
    } finally {
      await lanes.close();
    }
  });

  it('hands a released place to the first waiter, in arrival order', async () => {
    const lanes = new OriginLanes({ connections: 1, pool: {} });
    try {
      const first = await lanes.acquire('http://127.0.0.1:9', 100);
      const order: string[] = [];
      const second = lanes.acquire('http://127.0.0.1:9', 5000).then((slot) => (order.push('second'), slot));
      const third = lanes.acquire('http://127.0.0.1:9', 5000).then((slot) => (order.push('third'), slot));
      first?.release();
      (await second)?.release();
      (await third)?.release();
      expect(order).toEqual(['second', 'third']);
      await expect(lanes.acquire('http://127.0.0.1:9', 10)).resolves.toMatchObject({ pool: expect.anything() });
    } finally {
      await lanes.close();
    }
  });
});
