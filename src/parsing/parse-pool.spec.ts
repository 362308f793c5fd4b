import { domainFailure } from '../../test/support/domain-failure.js';
import { extract } from '../extraction/extract.js';
import { ADMISSION_BYTES, ParsePool, workerExecArgv } from './parse-pool.js';
import type { ParseTicket } from './page-parser.js';

const SCRIPTED = new URL('../../test/fixtures/workers/scripted.worker.mjs', import.meta.url).href;
const MIB = 1024 * 1024;

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The page a scripted worker reads: its text is the command. */
function page(text: string) {
  return { bytes: Buffer.from(text), truncated: false };
}

function scripted(title: string) {
  return { type: 'website', title, sources: { title: 'scripted' } };
}

describe('ParsePool', () => {
  const pools: ParsePool[] = [];
  const pool = (options: Partial<ConstructorParameters<typeof ParsePool>[0]> = {}): ParsePool => {
    const created = new ParsePool({
      threads: 1,
      queueMax: 4,
      timeoutMs: 2000,
      maxBytesInFlight: 64 * MIB,
      workerFile: SCRIPTED,
      ...options,
    });
    pools.push(created);
    return created;
  };
  /** Admits, parses and releases one page, as the preview pipeline does. */
  const parse = async (parser: ParsePool, text: string, signal?: AbortSignal) => {
    const ticket = parser.admit();
    try {
      return await ticket.parse(page(text), `https://example.com/${encodeURIComponent(text)}`, { signal });
    } finally {
      ticket.release();
    }
  };

  afterAll(async () => {
    await Promise.all(pools.map((created) => created.close()));
  });

  it('decodes the bytes and runs extract() in a worker thread, with the same result as on the main thread', async () => {
    const real = pool({ workerFile: undefined });
    const html = '<html lang="fr"><head><meta charset="windows-1252"><title>Caf\u00e9</title></head></html>';
    // A page as the fetcher hands it over: bytes that own their ArrayBuffer (so it can be transferred).
    const bytes = new Uint8Array(Buffer.from(html, 'latin1'));
    const ticket = real.admit();
    const metadata = await ticket.parse({ bytes, truncated: false }, 'https://example.com/a');
    ticket.release();
    expect(metadata).toEqual(extract(html, 'https://example.com/a'));
    expect(metadata.title).toBe('Caf\u00e9');
    // The ArrayBuffer was moved to the worker, not copied: the caller's view of it is empty now.
    expect(bytes.byteLength).toBe(0);
    expect(real.stats()).toMatchObject({ threads: 1, running: 0, queued: 0, bytesInFlight: 0 });
  });

  it('answers OVERLOADED with Retry-After once the queue is full, and still finishes the queued pages', async () => {
    const busy = pool({ queueMax: 1 });
    const running = parse(busy, 'busy:300');
    const queued = parse(busy, 'busy:1');
    const refused = await domainFailure(parse(busy, 'third'));
    expect(refused).toMatchObject({
      code: 'OVERLOADED',
      message: 'Too many pages are waiting to be parsed; try again shortly',
      details: { cause: 'parse_queue' },
      headers: { 'retry-after': '1' },
    });
    expect(busy.queueSize).toBe(1);
    await expect(Promise.all([running, queued])).resolves.toEqual([scripted('busy:300'), scripted('busy:1')]);
  });

  describe('byte budget', () => {
    it('refuses a page whose size would pass the budget before it is downloaded, and lets one page through always', () => {
      const budgeted = pool({ maxBytesInFlight: 4 * MIB });
      const first = budgeted.admit();
      // Alone in the pool, a page larger than the whole budget is still let through.
      first.reserve(6 * MIB);
      expect(budgeted.stats().bytesInFlight).toBe(6 * MIB);
      first.reserve(1 * MIB);
      const second = budgeted.admit();
      second.reserve(2 * MIB);
      expect(budgeted.stats().bytesInFlight).toBe(3 * MIB);
      // 1 + 2 + 2 MiB: over the 4 MiB budget while others hold bytes.
      const third = budgeted.admit();
      expect(thrown(() => third.reserve(2 * MIB))).toMatchObject({
        code: 'OVERLOADED',
        message: 'Too many bytes of pages are being parsed; try again shortly',
        details: { cause: 'parse_budget' },
        headers: { 'retry-after': '1' },
      });
      expect(budgeted.stats().bytesInFlight).toBe(3 * MIB + ADMISSION_BYTES);
      for (const ticket of [first, second, third]) ticket.release();
      expect(budgeted.stats().bytesInFlight).toBe(0);
    });

    it('refuses to admit any page while the budget is full, saying that the upstream was not reached', () => {
      const budgeted = pool({ maxBytesInFlight: 1 * MIB });
      const holder = budgeted.admit();
      holder.reserve(1 * MIB);
      expect(thrown(() => budgeted.admit())).toMatchObject({
        code: 'OVERLOADED',
        details: { cause: 'parse_budget', reachedUpstream: false },
        headers: { 'retry-after': '1' },
      });
      holder.release();
      holder.release();
      expect(budgeted.stats().bytesInFlight).toBe(0);
      const next: ParseTicket = budgeted.admit();
      // The next page is taken to be a little more like the 1 MiB one just seen.
      expect(budgeted.stats().bytesInFlight).toBe((3 * ADMISSION_BYTES + MIB) / 4);
      next.release();
    });

    it('admits fewer pages at once after large ones, refusing the rest before any request is sent', () => {
      const budgeted = pool({ maxBytesInFlight: 8 * MIB });
      const admissible = (): number => {
        const admitted: ParseTicket[] = [];
        const refusal = thrown(() => {
          for (;;) admitted.push(budgeted.admit());
        });
        expect(refusal).toMatchObject({ code: 'OVERLOADED', details: { reachedUpstream: false } });
        for (const ticket of admitted) ticket.release();
        return admitted.length;
      };
      // Sizes unknown yet: a page is taken to be a typical one.
      expect(budgeted.stats().admissionBytes).toBe(ADMISSION_BYTES);
      expect(admissible()).toBe((8 * MIB) / ADMISSION_BYTES);
      for (let i = 0; i < 12; i++) {
        const ticket = budgeted.admit();
        ticket.reserve(4 * MIB);
        ticket.release();
      }
      expect(budgeted.stats().admissionBytes).toBeGreaterThan(3 * MIB);
      expect(admissible()).toBe(2);
      // And back down once pages are small again.
      for (let i = 0; i < 40; i++) {
        const ticket = budgeted.admit();
        ticket.reserve(64 * 1024);
        ticket.release();
      }
      expect(budgeted.stats().admissionBytes).toBeLessThan(ADMISSION_BYTES);
      expect(budgeted.stats().bytesInFlight).toBe(0);
    });

    it('holds the bytes of queued and parsing pages until their parse ends', async () => {
      const budgeted = pool({ maxBytesInFlight: 64 * MIB });
      const running = parse(budgeted, 'busy:200');
      const queued = parse(budgeted, 'queued');
      expect(budgeted.stats()).toMatchObject({
        running: 1,
        queued: 1,
        bytesInFlight: 'busy:200'.length + 'queued'.length,
      });
      await expect(Promise.all([running, queued])).resolves.toEqual([scripted('busy:200'), scripted('queued')]);
      expect(budgeted.stats()).toMatchObject({ running: 0, queued: 0, bytesInFlight: 0 });
    });
  });

  it('takes a waiting page out of the queue when its caller aborts', async () => {
    const busy = pool();
    const running = parse(busy, 'busy:300');
    const controller = new AbortController();
    const waiting = parse(busy, 'never', controller.signal);
    expect(busy.queueSize).toBe(1);
    const reason = new Error('the client went away');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(busy.queueSize).toBe(0);
    await expect(running).resolves.toEqual(scripted('busy:300'));
  });

  it('fails only the page whose worker crashed and replaces the worker', async () => {
    const crashy = pool();
    const crashed = await domainFailure(parse(crashy, 'crash'));
    expect(crashed).toMatchObject({ code: 'UPSTREAM_ERROR', details: { cause: 'parse_failed' } });
    await expect(parse(crashy, 'next')).resolves.toEqual(scripted('next'));
    expect(crashy.threads).toBe(1);
  });

  it('ends a parse that outlasts PARSE_TIMEOUT_MS, and the page queued behind it still gets its whole deadline', async () => {
    const slow = pool({ timeoutMs: 300 });
    // Queued while the spinning page holds the only thread, then run on the thread that replaces it: neither the
    // wait nor the replacement counts against its deadline.
    const [timedOut, after] = await Promise.allSettled([parse(slow, 'spin'), parse(slow, 'after')]);
    expect(timedOut).toEqual({
      status: 'rejected',
      reason: expect.objectContaining({
        code: 'UPSTREAM_ERROR',
        message: 'The page took longer than 300 ms to parse',
        details: { cause: 'parse_timeout' },
      }),
    });
    expect(after).toEqual({ status: 'fulfilled', value: scripted('after') });
  });

  it('counts only the parse against the deadline, not the wait for a thread', async () => {
    const queued = pool({ timeoutMs: 1000 });
    // The third page waits 1.2 s for the thread (more than the deadline), then parses in 0.6 s (less than it).
    const results = await Promise.all(['busy:600', 'busy:601', 'busy:602'].map((text) => parse(queued, text)));
    expect(results).toEqual([scripted('busy:600'), scripted('busy:601'), scripted('busy:602')]);
  });
});

describe('workerExecArgv', () => {
  it("keeps the process's flags a worker thread accepts and drops the V8 ones it refuses", () => {
    const flags = workerExecArgv(['--max-old-space-size=256', '--trace-warnings', '--max-semi-space-size=16']);
    expect(flags.filter((flag) => flag !== '--no-experimental-require-module')).toEqual(['--trace-warnings']);
  });

  it('passes an empty list through without trying it', () => {
    expect(workerExecArgv([]).filter((flag) => flag !== '--no-experimental-require-module')).toEqual([]);
  });
});
