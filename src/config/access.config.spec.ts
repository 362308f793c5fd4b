import { ConfigError } from './env.js';
import { readAccessConfig } from './access.config.js';

const CLIENT = 'c1ient-key-0123456789';
const ADMIN = 'admin-key-0123456789ab';

describe('readAccessConfig', () => {
  it('has authentication off, admin actions closed, 600 requests a minute and no CORS by default', () => {
    expect(readAccessConfig({})).toEqual({ apiKeys: [], adminOpen: false, rateLimitPerMinute: 600, corsOrigins: [] });
  });

  it('reads key:role pairs, roles case-insensitively, and every other variable', () => {
    const env = {
      API_KEYS: ` ${CLIENT}:client , ${ADMIN}:ADMIN,`,
      ADMIN_OPEN: 'yes',
      RATE_LIMIT_PER_MINUTE: '0',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
    };
    expect(readAccessConfig(env)).toEqual({
      apiKeys: [
        { key: CLIENT, role: 'client' },
        { key: ADMIN, role: 'admin' },
      ],
      adminOpen: true,
      rateLimitPerMinute: 0,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
    });
  });

  it.each([
    [`${CLIENT}`, '<redacted, 21 characters>'],
    [`${CLIENT}:owner`, '<redacted>:owner'],
    ['short-key:client', '<redacted>:client'],
    [`${CLIENT.slice(0, 10)} ${CLIENT.slice(10)}:client`, '<redacted>:client'],
    [`${CLIENT}:client,${CLIENT}:admin`, '<redacted>:admin'],
  ])('refuses API_KEYS=%p without showing the key', (value, shown) => {
    let thrown: unknown;
    try {
      readAccessConfig({ API_KEYS: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).value).toBe(shown);
    expect((thrown as ConfigError).message).not.toContain(CLIENT.slice(0, 10));
    expect((thrown as ConfigError).message).toContain('role client or admin, each key 16 to 256 printable characters');
  });

  it.each(['app.example.com', 'https://app.example.com/', 'https://app.example.com/path', 'ftp://files.example'])(
    'refuses CORS_ORIGINS=%s, which is not an origin',
    (value) => {
      expect(() => readAccessConfig({ CORS_ORIGINS: value })).toThrow(
        `Invalid value for CORS_ORIGINS: "${value}" (allowed: comma-separated origins such as https://app.example.com (scheme, host, optional port))`,
      );
    },
  );

  it('refuses a negative rate limit', () => {
    expect(() => readAccessConfig({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(
      'Invalid value for RATE_LIMIT_PER_MINUTE: "-1" (allowed: an integer from 0 to 1000000)',
    );
  });
});
