import { ConfigError } from './env.js';
import { DEFAULT_USER_AGENT, readFetchConfig } from './fetch.config.js';

describe('readFetchConfig', () => {
  it('has the documented defaults', () => {
    expect(readFetchConfig({})).toEqual({
      timeoutMs: 8000,
      connectTimeoutMs: 3000,
      maxBytes: 5_242_880,
      maxRedirects: 5,
      userAgent: 'LinkPreviewService/1.0 (+https://github.com/link-preview-service/link-preview-service)',
      allowPrivate: [],
      allowedPorts: [80, 443, 8080, 8443],
      perHostConcurrency: 4,
      perOriginPerSecond: 10,
      queueTimeoutMs: 2000,
    });
    expect(DEFAULT_USER_AGENT).toMatch(/\(\+https:\/\//);
  });

  it('reads every variable', () => {
    const env = {
      FETCH_TIMEOUT_MS: '1500',
      FETCH_CONNECT_TIMEOUT_MS: '500',
      FETCH_MAX_BYTES: '262144',
      FETCH_MAX_REDIRECTS: '0',
      FETCH_USER_AGENT: 'IntranetPreview/2.0 (+https://intranet.example/bot)',
      FETCH_ALLOW_PRIVATE: ' wiki.intranet:443 , 127.0.0.1:8081,[::1]:9000',
      FETCH_ALLOWED_PORTS: '443, 8443',
      FETCH_PER_HOST_CONCURRENCY: '1',
      FETCH_PER_ORIGIN_PER_SECOND: '0',
      FETCH_QUEUE_TIMEOUT_MS: '250',
    };
    expect(readFetchConfig(env)).toEqual({
      timeoutMs: 1500,
      connectTimeoutMs: 500,
      maxBytes: 262_144,
      maxRedirects: 0,
      userAgent: 'IntranetPreview/2.0 (+https://intranet.example/bot)',
      allowPrivate: ['wiki.intranet:443', '127.0.0.1:8081', '[::1]:9000'],
      allowedPorts: [443, 8443],
      perHostConcurrency: 1,
      perOriginPerSecond: 0,
      queueTimeoutMs: 250,
    });
  });

  it.each([
    ['FETCH_TIMEOUT_MS', '8s', 'an integer from 100 to 120000'],
    ['FETCH_TIMEOUT_MS', '0', 'an integer from 100 to 120000'],
    ['FETCH_CONNECT_TIMEOUT_MS', '-1', 'an integer from 100 to 60000'],
    ['FETCH_MAX_BYTES', '5MB', 'an integer from 1024 to 104857600'],
    ['FETCH_MAX_REDIRECTS', '21', 'an integer from 0 to 20'],
    ['FETCH_PER_HOST_CONCURRENCY', '0', 'an integer from 1 to 64'],
    ['FETCH_PER_ORIGIN_PER_SECOND', '-1', 'an integer from 0 to 100000'],
    ['FETCH_PER_ORIGIN_PER_SECOND', '10/s', 'an integer from 0 to 100000'],
    ['FETCH_QUEUE_TIMEOUT_MS', '60001', 'an integer from 0 to 60000'],
  ])('refuses %s=%p naming what is allowed', (variable, value, allowed) => {
    expect(() => readFetchConfig({ [variable]: value })).toThrow(new ConfigError(variable, value, allowed));
  });

  it.each(['localhost', '10.0.0.0/8', 'host:0', '*:80'])('refuses %p in FETCH_ALLOW_PRIVATE', (entry) => {
    expect(() => readFetchConfig({ FETCH_ALLOW_PRIVATE: `127.0.0.1:8080,${entry}` })).toThrow(
      new ConfigError('FETCH_ALLOW_PRIVATE', entry, 'comma-separated host:port pairs'),
    );
  });

  it.each(['0', '65536', 'http', '80-90'])('refuses %p in FETCH_ALLOWED_PORTS', (port) => {
    expect(() => readFetchConfig({ FETCH_ALLOWED_PORTS: `80,${port}` })).toThrow(
      new ConfigError('FETCH_ALLOWED_PORTS', port, 'comma-separated ports from 1 to 65535'),
    );
  });

  it.each(['Bot/1.0\r\nX-Injected: 1', 'Bot/1.0 \u00e9', 'x'.repeat(257)])(
    'refuses a user agent that is not a safe header value: %p',
    (value) => {
      expect(() => readFetchConfig({ FETCH_USER_AGENT: value })).toThrow(
        new ConfigError('FETCH_USER_AGENT', value.trim(), 'at most 256 printable ASCII characters'),
      );
    },
  );
});
