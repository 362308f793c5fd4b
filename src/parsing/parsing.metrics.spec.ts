import { ParsePool } from './parse-pool.js';
import { parsePoolQueueLength, parsePoolUtilization } from './parsing.metrics.js';

const SCRIPTED = new URL('../../test/fixtures/workers/scripted.worker.mjs', import.meta.url).href;

async function gauges(): Promise<[number, number]> {
  const [queue, utilization] = await Promise.all([parsePoolQueueLength.get(), parsePoolUtilization.get()]);
  return [queue.values[0].value, utilization.values[0].value];
}

describe('parse pool gauges', () => {
  it('report the pages waiting and the share of threads busy at scrape time, and forget a closed pool', async () => {
    const pool = new ParsePool({
      threads: 2,
      queueMax: 4,
      timeoutMs: 5000,
      maxBytesInFlight: 64 * 1024 * 1024,
      workerFile: SCRIPTED,
    });
    /** Admits, parses and releases one page, as the preview pipeline does. */
    const parse = async (text: string, url: string) => {
      const ticket = pool.admit();
      try {
        return await ticket.parse({ bytes: new TextEncoder().encode(text), truncated: false }, url);
      } finally {
        ticket.release();
      }
    };
    let running: Promise<unknown> | undefined;
    try {
      expect(await gauges()).toEqual([0, 0]);
      const first = parse('busy:200', 'https://example.com/1');
      expect(await gauges()).toEqual([0, 0.5]);
      const more = [2, 3, 4].map((i) => parse('busy:50', `https://example.com/${i}`));
      expect(await gauges()).toEqual([2, 1]);
      await Promise.all([first, ...more]);
      expect(await gauges()).toEqual([0, 0]);
      running = parse('busy:100', 'https://example.com/5').catch((error: unknown) => error);
      expect(await gauges()).toEqual([0, 0.5]);
    } finally {
      await pool.close();
    }
    expect(await gauges()).toEqual([0, 0]);
    // Closing lets the running page finish; the pool is out of the gauges all the same.
    await expect(running).resolves.toMatchObject({ title: 'busy:100' });
  });
});
