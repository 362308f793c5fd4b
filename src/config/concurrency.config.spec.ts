import { availableParallelism } from 'node:os';
import { readConcurrencyConfig } from './concurrency.config.js';

describe('readConcurrencyConfig', () => {
  it('has the documented defaults: one process, a parse thread per core', () => {
    expect(readConcurrencyConfig({})).toEqual({
      webConcurrency: 1,
      parseWorkers: availableParallelism(),
      parseQueueMax: 256,
      parseTimeoutMs: 2000,
      parseMaxInflightMb: 64,
      batchMaxUrls: 50,
      batchConcurrency: 8,
      batchTimeoutMs: 20_000,
    });
  });

  it('reads auto as the number of cores and explicit counts as given', () => {
    expect(
      readConcurrencyConfig({ WEB_CONCURRENCY: 'auto', PARSE_WORKERS: '3', BATCH_CONCURRENCY: '2' }),
    ).toMatchObject({
      webConcurrency: availableParallelism(),
      parseWorkers: 3,
      batchConcurrency: 2,
    });
  });

  it.each([
    ['WEB_CONCURRENCY', '0', 'auto or an integer from 1 to 64'],
    ['WEB_CONCURRENCY', 'many', 'auto or an integer from 1 to 64'],
    ['PARSE_WORKERS', '-2', 'auto or an integer from 0 to 64'],
    ['PARSE_TIMEOUT_MS', '5', 'an integer from 10 to 60000'],
    ['BATCH_MAX_URLS', '0', 'an integer from 1 to 1000'],
    ['BATCH_TIMEOUT_MS', '20s', 'an integer from 100 to 600000'],
    ['BATCH_TIMEOUT_MS', '99', 'an integer from 100 to 600000'],
    ['PARSE_MAX_INFLIGHT_MB', '0', 'an integer from 1 to 65536'],
  ])('refuses %s=%s', (variable, value, allowed) => {
    expect(() => readConcurrencyConfig({ [variable]: value })).toThrow(
      `Invalid value for ${variable}: ${JSON.stringify(value)} (allowed: ${allowed})`,
    );
  });
});
