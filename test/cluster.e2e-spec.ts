import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { freePort, startService } from './support/processes.js';

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

/** What a client saw: the status of the answer, or the code of the connection error. */
async function outcomeOf(url: string): Promise<number | string> {
  return get(url).catch((error: NodeJS.ErrnoException) => error.code ?? String(error));
}

/** Whether `pid` is still in the process table (a killed child stays there until its parent has reaped it). */
function inProcessTable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** The primary's log lines with message `msg` ("worker listening", "worker died") among the service's JSON lines. */
function primaryLogged(stdout: string, msg: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    })
    .filter((entry) => entry.role === 'primary' && entry.msg === msg);
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

  it('replaces a killed worker (requests racing its death at worst see a reset, all others succeed), and drains to exit 0 on SIGTERM', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = startService({
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_CONCURRENCY: '2',
      SHUTDOWN_DELAY_MS: '200',
      PARSE_WORKERS: '1',
      FETCH_ALLOW_PRIVATE: fixture.hostPort,
      // The primary logs which workers listen at info.
      LOG_LEVEL: 'info',
    });
    const primary = service.child.pid ?? 0;
    try {
      // Both workers must listen before one is killed: while none listens, Node's primary closes the shared socket.
      const listening = (): number[] =>
        primaryLogged(service.stdout(), 'worker listening').map((entry) => entry.workerPid as number);
      const workers = await waitFor(() => {
        const pids = childPids(primary);
        return pids.length === 2 && pids.every((pid) => listening().includes(pid)) ? pids : undefined;
      }, 15_000);
      const [victim, survivor] = workers;

      process.kill(victim, 'SIGKILL');
      // Sent while the victim dies: the ones it had already accepted die with it, as they would behind any balancer.
      const racingDeath = Promise.all(Array.from({ length: 20 }, () => outcomeOf(`${base}/test`)));
      const death = await waitFor(
        () => primaryLogged(service.stdout(), 'worker died').find((entry) => entry.workerPid === victim),
        10_000,
      );
      expect(death).toMatchObject({ level: 50, workerPid: victim, code: null, signal: 'SIGKILL' });
      // Logged on the cluster's exit event, once the primary has reaped it: its sockets are closed by now.
      expect(inProcessTable(victim)).toBe(false);
      const seenDuringDeath = await racingDeath;
      expect(seenDuringDeath.filter((outcome) => outcome !== 200 && outcome !== 'ECONNRESET')).toEqual([]);

      // From the death on, the survivor answers everything, already before the replacement is up.
      const afterDeath = await Promise.all(Array.from({ length: 40 }, () => outcomeOf(`${base}/test`)));
      expect(afterDeath).toEqual(Array.from({ length: 40 }, () => 200));

      const replacement = await waitFor(() => listening().find((pid) => !workers.includes(pid)), 15_000);
      expect(childPids(primary)).toEqual([survivor, replacement].sort((a, b) => a - b));
      const afterReplacement = await Promise.all(Array.from({ length: 20 }, () => outcomeOf(`${base}/test`)));
      expect(afterReplacement).toEqual(Array.from({ length: 20 }, () => 200));

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
