import { registerAs } from '@nestjs/config';
import { bool, ConfigError, int, list, type Env } from './env.js';

/** What an API key may do: `client` previews; `admin` also purges, refreshes and reads debug data. */
export const ROLES = ['client', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** One configured API key. */
export interface ApiKey {
  key: string;
  role: Role;
}

const API_KEYS = 'API_KEYS';
/** Printable ASCII without space, comma or colon (they separate the pairs), long enough not to be guessed. */
const KEY_PATTERN = /^[\x21-\x2b\x2d-\x39\x3b-\x7e]{16,256}$/;
const API_KEYS_ALLOWED =
  'comma-separated key:role pairs, role client or admin, each key 16 to 256 printable characters without spaces, ' +
  'commas or colons, and given once';

/** The error names the variable and the offending pair's role but never shows a key, even a malformed one. */
function refuseKey(item: string): never {
  const colon = item.lastIndexOf(':');
  const shown = colon === -1 ? `<redacted, ${item.length} characters>` : `<redacted>:${item.slice(colon + 1)}`;
  throw new ConfigError(API_KEYS, shown, API_KEYS_ALLOWED);
}

function apiKeys(env: Env): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const item of list(env, API_KEYS, [])) {
    const colon = item.lastIndexOf(':');
    const key = item.slice(0, colon);
    const role = item.slice(colon + 1).toLowerCase();
    const known = ROLES.find((candidate) => candidate === role);
    if (colon === -1 || known === undefined || !KEY_PATTERN.test(key) || keys.some((other) => other.key === key)) {
      refuseKey(item);
    }
    keys.push({ key, role: known });
  }
  return keys;
}

/** A browser origin as the `Origin` header sends it: scheme, host and optional port, nothing else. */
function isOrigin(item: string): boolean {
  try {
    const url = new URL(item);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === item.toLowerCase();
  } catch {
    return false;
  }
}

/** Who may call the API, how often, and from which browser origins. */
export function readAccessConfig(env: Env = process.env) {
  return {
    /** Empty: authentication is off. */
    apiKeys: apiKeys(env),
    /** With authentication off, whether anyone may purge, refresh and read debug data. */
    adminOpen: bool(env, 'ADMIN_OPEN', false),
    /** Requests per minute per API key (per client address with authentication off); 0 turns the limit off. */
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', { default: 600, min: 0, max: 1_000_000 }),
    /** Browser origins allowed by CORS; empty sends no CORS headers. */
    corsOrigins: list(env, 'CORS_ORIGINS', [], {
      test: isOrigin,
      allowed: 'comma-separated origins such as https://app.example.com (scheme, host, optional port)',
    }).map((origin) => origin.toLowerCase()),
  };
}

export const accessConfig = registerAs('access', () => readAccessConfig());
export type AccessConfig = ReturnType<typeof readAccessConfig>;
