import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { freePort, startService, waitForHttp } from './support/processes.js';

/** PIDs of the direct children of `pid` (the cluster's workers). */
function childPids(pid: number): number[] {
  try {
    return execFileSync('/usr/bin/pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One GET on a fresh connection: a kept-alive socket to the killed worker would die with it, as it would anywhere. */
async function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('cluster process model (WEB_CONCURRENCY=2)', () => {
  let fixture: FixtureUpstream;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    for (let i = 0; i < 10; i++) fixture.html(`/slow-${i}`, articlePage(`Slow ${i}`), { delayMs: 800 });
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('replaces a killed worker while requests keep succeeding, and drains to exit 0 on SIGTERM', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = startService({
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_CONCURRENCY: '2',
      SHUTDOWN_DELAY_MS: '200',
      PARSE_WORKERS: '1',
      FETCH_ALLOW_PRIVATE: fixture.hostPort,
    });
    const primary = service.child.pid ?? 0;
    try {
      await waitForHttp(`${base}/test`);
      const workers = await waitFor(() => {
        const pids = childPids(primary);
        return pids.length === 2 ? pids : undefined;
      }, 10_000);

      process.kill(workers[0], 'SIGKILL');
      const during = await Promise.all(Array.from({ length: 40 }, () => get(`${base}/test`)));
      expect(during).toEqual(Array.from({ length: 40 }, () => 200));

      const replaced = await waitFor(() => {
        const pids = childPids(primary);
        return pids.length === 2 && !pids.includes(workers[0]) ? pids : undefined;
      }, 10_000);
      expect(replaced).toContain(workers[1]);
      const after = await Promise.all(Array.from({ length: 20 }, () => get(`${base}/test`)));
      expect(after).toEqual(Array.from({ length: 20 }, () => 200));

      // Previews whose upstream answers after 800 ms are still running when SIGTERM arrives (and after the 200 ms
      // drain delay): the workers must finish them before they exit.
      const previewUrl = (i: number): string =>
        `${base}/v1/previews?url=${encodeURIComponent(fixture.url('/slow-' + i))}`;
      const inFlight = Array.from({ length: 10 }, (_, i) => get(previewUrl(i)));
      // Every one of them has reached the upstream, which holds it for 800 ms: all ten are in flight now.
      await waitFor(() => {
        const reached = Array.from({ length: 10 }, (_, i) => fixture.hits(`/slow-${i}`)).every((hits) => hits === 1);
        return reached ? true : undefined;
      }, 10_000);
      service.child.kill('SIGTERM');
      expect(await Promise.all(inFlight)).toEqual(Array.from({ length: 10 }, () => 200));
    } finally {
      if (service.child.exitCode === null) service.child.kill('SIGTERM');
    }
    const exited = await service.exited;
    expect(exited).toMatchObject({ code: 0, signal: null });
    expect(childPids(primary)).toEqual([]);
  }, 30_000);
});
