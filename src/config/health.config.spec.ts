import { readHealthConfig } from './health.config.js';

describe('readHealthConfig', () => {
  it('limits the event-loop delay of a ready process to one second by default', () => {
    expect(readHealthConfig({})).toEqual({ maxEventLoopDelayMs: 1000 });
  });

  it('reads a limit in milliseconds, 0 turning the check off', () => {
    expect(readHealthConfig({ READINESS_MAX_EVENT_LOOP_DELAY_MS: '250' })).toEqual({ maxEventLoopDelayMs: 250 });
    expect(readHealthConfig({ READINESS_MAX_EVENT_LOOP_DELAY_MS: '0' })).toEqual({ maxEventLoopDelayMs: 0 });
  });

  it.each(['-1', '1.5', 'soon', '60001'])('refuses %j with a message naming the variable', (value) => {
    expect(() => readHealthConfig({ READINESS_MAX_EVENT_LOOP_DELAY_MS: value })).toThrow(
      `Invalid value for READINESS_MAX_EVENT_LOOP_DELAY_MS: ${JSON.stringify(value)} (allowed: an integer from 0 to 60000)`,
    );
  });
});
