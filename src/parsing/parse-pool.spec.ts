import { DomainError } from '../common/errors/domain-error.js';
import { extract } from '../extraction/extract.js';
import { ParsePool } from './parse-pool.js';

const SCRIPTED = new URL('../../test/fixtures/workers/scripted.worker.mjs', import.meta.url).href;

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

describe('ParsePool', () => {
  const pools: ParsePool[] = [];
  const pool = (options: Partial<ConstructorParameters<typeof ParsePool>[0]> = {}): ParsePool => {
    const created = new ParsePool({ threads: 1, queueMax: 4, timeoutMs: 2000, workerFile: SCRIPTED, ...options });
    pools.push(created);
    return created;
  };

  afterAll(async () => {
    await Promise.all(pools.map((created) => created.close()));
  });

  it('runs the compiled extract() in a worker thread with the same result as on the main thread', async () => {
    const real = pool({ workerFile: undefined });
    const html = '<html lang="fr"><head><title>Bonjour</title><meta property="og:title" content="Salut"></head></html>';
    await expect(real.parse(html, 'https://example.com/a')).resolves.toEqual(extract(html, 'https://example.com/a'));
  });

  it('answers OVERLOADED with Retry-After once the queue is full, and still finishes the queued tasks', async () => {
    const busy = pool({ queueMax: 1 });
    const running = busy.parse('busy:300', 'https://example.com/1');
    const queued = busy.parse('busy:1', 'https://example.com/2');
    const refused = await failure(busy.parse('third', 'https://example.com/3'));
    expect(refused).toMatchObject({ code: 'OVERLOADED', headers: { 'retry-after': '1' } });
    expect(busy.queueSize).toBe(1);
    await expect(Promise.all([running, queued])).resolves.toEqual([
      { type: 'website', title: 'busy:300', sources: { title: 'scripted' } },
      { type: 'website', title: 'busy:1', sources: { title: 'scripted' } },
    ]);
  });

  it('fails only the task whose worker crashed and replaces the worker', async () => {
    const crashy = pool();
    const crashed = await failure(crashy.parse('crash', 'https://example.com/crash'));
    expect(crashed).toMatchObject({ code: 'UPSTREAM_ERROR', details: { cause: 'parse_failed' } });
    await expect(crashy.parse('next', 'https://example.com/next')).resolves.toEqual({
      type: 'website',
      title: 'next',
      sources: { title: 'scripted' },
    });
    expect(crashy.threads).toBe(1);
  });

  it('ends a parse that outlasts PARSE_TIMEOUT_MS and frees its thread for the next page', async () => {
    const slow = pool({ timeoutMs: 200 });
    const started = Date.now();
    const timedOut = await failure(slow.parse('spin', 'https://example.com/spin'));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(timedOut).toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'The page took longer than 200 ms to parse',
      details: { cause: 'parse_timeout' },
    });
    await expect(slow.parse('after', 'https://example.com/after')).resolves.toMatchObject({ title: 'after' });
  });
});
