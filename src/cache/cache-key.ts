import { hash } from 'node:crypto';
import { CACHE_SCHEMA_VERSION } from './cache-entry.js';

/** memcached refuses keys over 250 bytes. */
export const MAX_KEY_BYTES = 250;

/** Keys a store accepts as they are: printable ASCII without spaces (memcached's rule), short enough. */
const SAFE_KEY = /^[\x21-\x7e]+$/;

/** JSON with object keys sorted at every level and `undefined` members left out, so equal options give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (typeof member !== 'object' || member === null || Array.isArray(member)) return member;
    const record = member as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort((a, b) => a.localeCompare(b, 'en'))
        .map((key) => [key, record[key]]),
    );
  });
}

/** sha256 of `text`, base64url (43 characters). */
export function digest(text: string): string {
  // One-shot `crypto.hash` (Node 20.12+): a third of createHash().update().digest() on a cache hit's short keys.
  return hash('sha256', text, 'base64url');
}

/**
 * The key of a preview: `prefix` + schema version + sha256 of the normalized URL and the options that change the
 * answer. The URL is never in the key: keys stay short, opaque and valid for every store.
 * Arrays in `variant` keep their order: sort them first when the order does not change the answer.
 */
export function previewKey(prefix: string, normalizedUrl: string, variant: Record<string, unknown> = {}): string {
  // Without options (every preview today) the stable text is plain JSON: skip the sorting replacer.
  const text =
    Object.keys(variant).length === 0 ? JSON.stringify([normalizedUrl, {}]) : stableJson([normalizedUrl, variant]);
  return `${prefix}v${CACHE_SCHEMA_VERSION}:${digest(text)}`;
}

/**
 * `prefix` + `name` when that is a valid store key, else `prefix` + `sha256:` + its digest, so callers of
 * `@Cached` may build keys from any text (a URL, user input) without breaking memcached.
 */
export function safeKey(prefix: string, name: string): string {
  const key = prefix + name;
  if (SAFE_KEY.test(key) && Buffer.byteLength(key) <= MAX_KEY_BYTES) return key;
  return `${prefix}sha256:${digest(name)}`;
}
