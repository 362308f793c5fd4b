import secureJsonParse from 'secure-json-parse';
import type { SafeFetcher } from './safe-fetcher.js';

/** Decoded bytes of a web-app manifest read at most: real manifests are a few KiB. */
export const MANIFEST_MAX_BYTES = 64 * 1024;
/** Longest wait for a manifest: its icons are a nicety, never worth holding a preview back long. */
export const MANIFEST_TIMEOUT_MS = 2000;

/**
 * Fetches and parses the web-app manifest at `url` through the {@link SafeFetcher} (same SSRF gates, redirect checks
 * and deadline as any fetch), capped at {@link MANIFEST_MAX_BYTES} and {@link MANIFEST_TIMEOUT_MS}. A manifest is
 * optional, so every failure (refused, missing, too large, not JSON) is `undefined`; only the caller's own abort
 * rejects.
 */
export async function fetchManifest(fetcher: SafeFetcher, url: string, signal?: AbortSignal): Promise<unknown> {
  const deadline = AbortSignal.timeout(MANIFEST_TIMEOUT_MS);
  try {
    const answer = await fetcher.fetch(url, {
      mode: 'json',
      accept: 'application/manifest+json,application/json;q=0.9,*/*;q=0.1',
      maxBytes: MANIFEST_MAX_BYTES,
      signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
    });
    if (answer.status !== 200) return undefined;
    return secureJsonParse(answer.body, null, { protoAction: 'remove', constructorAction: 'remove' }) as unknown;
  } catch (error) {
    if (signal?.aborted) throw error;
    return undefined;
  }
}
