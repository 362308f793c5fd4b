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
      trustProxy: 'loopback',
      logLevel: 'info',
      docsEnabled: true,
      metricsEnabled: true,
      playgroundEnabled: true,
      shutdownDelayMs: 5000,
      shutdownTimeoutMs: 15000,
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
    };
    expect(readAppConfig(env)).toEqual({
      port: 8080,
      host: '127.0.0.1',
      trustProxy: '10.0.0.0/8',
      logLevel: 'warn',
      docsEnabled: false,
      metricsEnabled: false,
      playgroundEnabled: false,
      shutdownDelayMs: 0,
      shutdownTimeoutMs: 1000,
    });
  });
});
