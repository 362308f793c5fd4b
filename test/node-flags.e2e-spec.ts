import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { freePort, startService, waitForHttp, type StartedService } from './support/processes.js';

/**
 * The service started the way a deployment may start it, with flags for node itself on the command line: a V8 heap
 * cap is the main thread's (worker threads refuse V8 flags in their own `execArgv`), and the parse threads still run.
 */
describe('node flags on the command line (e2e, the built service)', () => {
  let fixture: FixtureUpstream;
  let service: StartedService;
  let base: string;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/article', articlePage('Under a heap cap'));
    const port = await freePort();
    service = startService(
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        SHUTDOWN_DELAY_MS: '0',
        PARSE_WORKERS: '1',
        FETCH_ALLOW_PRIVATE: fixture.hostPort,
      },
      ['--max-old-space-size=256', '--max-semi-space-size=8', '--trace-warnings'],
    );
    base = `http://127.0.0.1:${port}`;
    await Promise.race([
      waitForHttp(`${base}/test`, 15_000),
      service.exited.then((exit) => Promise.reject(new Error(`the service exited at start: ${exit.stderr}`))),
    ]);
  });

  afterAll(async () => {
    if (service.child.exitCode === null) service.child.kill('SIGTERM');
    await service.exited;
    await fixture.close();
  });

  it('starts under a V8 heap cap and parses a page on its worker thread', async () => {
    const response = await fetch(`${base}/v1/previews?url=${encodeURIComponent(fixture.url('/article'))}`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({ title: 'Under a heap cap' });

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toMatchObject({ details: { parsePool: { threads: 1, status: 'up' } } });
  });
});
