import { readAppConfig } from './app.config.js';
import { validateEnvironment } from './configuration.js';

describe('validateEnvironment', () => {
  it('accepts an empty environment: every variable has a default', () => {
    expect(validateEnvironment({})).toEqual([]);
  });

  it('reports every bad variable at once, with its value and what is allowed', () => {
    const problems = validateEnvironment({ PORT: 'abc', LOG_LEVEL: 'loud', DOCS_ENABLED: 'maybe' });
    expect(problems.map((problem) => problem.message)).toEqual([
      'Invalid value for PORT: "abc" (allowed: an integer from 0 to 65535)',
      'Invalid value for LOG_LEVEL: "loud" (allowed: fatal, error, warn, info, debug, trace, silent)',
      'Invalid value for DOCS_ENABLED: "maybe" (allowed: true or false)',
    ]);
  });
});

describe('readAppConfig', () => {
  it('has the documented defaults', () => {
    expect(readAppConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      trustProxy: ['loopback'],
      logLevel: 'info',
      docsEnabled: true,
      metricsEnabled: true,
      playgroundEnabled: true,
      shutdownDelayMs: 5000,
      shutdownTimeoutMs: 15000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
    });
  });

  it('reads every variable', () => {
    const env = {
      PORT: '8080',
      HOST: '127.0.0.1',
      TRUST_PROXY: '10.0.0.0/8',
      LOG_LEVEL: 'warn',
      DOCS_ENABLED: 'false',
      METRICS_ENABLED: 'false',
      PLAYGROUND_ENABLED: 'false',
      SHUTDOWN_DELAY_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '1000',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '5000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '75000',
    };
    expect(readAppConfig(env)).toEqual({
      port: 8080,
      host: '127.0.0.1',
      trustProxy: ['10.0.0.0/8'],
      logLevel: 'warn',
      docsEnabled: false,
      metricsEnabled: false,
      playgroundEnabled: false,
      shutdownDelayMs: 0,
      shutdownTimeoutMs: 1000,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 5000,
      keepAliveTimeoutMs: 75_000,
    });
  });

  it.each([
    ['true', ['0.0.0.0/0', '::/0']],
    ['false', []],
    [' loopback , 10.1.2.3, fd00::/8 ', ['loopback', '10.1.2.3', 'fd00::/8']],
  ])('reads TRUST_PROXY=%s as the addresses it trusts', (value, expected) => {
    expect(readAppConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['2', 'proxy.internal', '10.0.0.0/99', 'loopback,,nope'])('refuses TRUST_PROXY=%s', (value) => {
    expect(() => readAppConfig({ TRUST_PROXY: value })).toThrow(
      /^Invalid value for TRUST_PROXY: ".+" \(allowed: true, false, or comma-separated addresses, CIDR ranges/,
    );
  });

  it('refuses a headers timeout longer than the request timeout, naming both', () => {
    expect(() => readAppConfig({ HTTP_HEADERS_TIMEOUT_MS: '6000', HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(
      'Invalid value for HTTP_HEADERS_TIMEOUT_MS: "6000" (allowed: at most HTTP_REQUEST_TIMEOUT_MS (5000))',
    );
  });
});
