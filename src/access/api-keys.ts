import { hash, timingSafeEqual } from 'node:crypto';
import type { ApiKey, Role } from '../config/access.config.js';

interface Known {
  digest: Buffer;
  id: string;
  role: Role;
}

function digestOf(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

/**
 * The configured API keys, matched in constant time: the presented key is hashed (so its length leaks nothing) and
 * compared with every configured digest, without stopping at the first match. Keys are kept only as digests.
 */
export class ApiKeys {
  private readonly known: Known[];

  constructor(keys: readonly ApiKey[]) {
    this.known = keys.map(({ key, role }) => {
      const digest = digestOf(key);
      return { digest, role, id: digest.subarray(0, 8).toString('hex') };
    });
  }

  /** Whether authentication is on (at least one key is configured). */
  get enabled(): boolean {
    return this.known.length > 0;
  }

  /** The role and non-secret id of `presented`, or `undefined` when it is not a configured key. */
  match(presented: string): { id: string; role: Role } | undefined {
    const digest = digestOf(presented);
    let found: Known | undefined;
    for (const candidate of this.known) {
      if (timingSafeEqual(candidate.digest, digest) && found === undefined) found = candidate;
    }
    return found === undefined ? undefined : { id: found.id, role: found.role };
  }
}

/** The key a request presents: `X-API-Key`, else `Authorization: Bearer <key>`; `undefined` when there is none. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  return match?.[1];
}
