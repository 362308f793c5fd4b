import { sampleValue } from './support/metrics.js';
import { freshRequest, logLines, startOnLoopback, waitForLine, type LogLine } from './support/service-logs.js';

/** The request lines of `GET path` (pino-http's line once the answer is sent). */
function requestLines(stdout: string, path: string): LogLine[] {
  return logLines(stdout).filter(
    (line) => line.msg === 'request completed' && (line.req as { url?: string } | undefined)?.url === path,
  );
}

describe('/metrics with WEB_CONCURRENCY=2 (e2e, the built service)', () => {
  it('covers every worker: requests spread over both workers are all counted, whichever worker is scraped', async () => {
    const { service, base } = await startOnLoopback({ WEB_CONCURRENCY: '2' });
    try {
      // Ten at a time on fresh connections, so that both workers take some; until both have (at most 200).
      const servedBy = (): Set<number> => new Set(requestLines(service.stdout(), '/test').map((line) => line.pid));
      let sent = 0;
      while (sent < 40 || (servedBy().size < 2 && sent < 200)) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => freshRequest(`${base}/test`)));
        expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => 200));
        sent += 10;
      }
      await waitForLine(service, () => requestLines(service.stdout(), '/test').length === sent);
      const perWorker = [...servedBy()].map(
        (pid) => requestLines(service.stdout(), '/test').filter((line) => line.pid === pid).length,
      );
      expect(perWorker).toHaveLength(2);
      expect(perWorker.every((count) => count > 0 && count < sent)).toBe(true);

      // Each scrape reaches one worker; each must count every worker's requests.
      for (let i = 0; i < 4; i++) {
        const scrape = await freshRequest(`${base}/metrics`);
        expect(scrape.status).toBe(200);
        expect(scrape.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
        const count = { method: 'GET', route: '/test', status: '200' };
        expect(sampleValue(scrape.body, 'http_request_duration_seconds_count', count)).toBe(sent);
        expect(sampleValue(scrape.body, 'cluster_workers')).toBe(2);
        expect(sampleValue(scrape.body, 'cluster_worker_deaths_total')).toBe(0);
        // Summed series: one sample per label set, not one per worker.
        expect(
          scrape.body.match(/^http_request_duration_seconds_count\{method="GET",route="\/test",status="200"\}/gm),
        ).toHaveLength(1);
      }
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited).toMatchObject({ code: 0, signal: null });
  }, 40_000);
});
