import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

/** One static file of the playground, read once at start. */
export interface PlaygroundAsset {
  body: Buffer;
  contentType: string;
  /** A strong validator of the body. */
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The files `GET /playground/:file` serves (the page itself is `GET /`). */
export const PLAYGROUND_FILES = ['playground.css', 'playground.js', 'icon.svg'] as const;

/** `assets/` beside this module: `src/playground/assets` in tests, `dist/playground/assets` (copied by the build). */
const ASSET_DIR = new URL('./assets/', import.meta.url);

/** Reads `assets/<name>`, through `render` for text that depends on the configuration. */
export function loadAsset(name: string, render: (text: string) => string = (text) => text): PlaygroundAsset {
  const body = Buffer.from(render(readFileSync(new URL(name, ASSET_DIR), 'utf8')));
  return {
    body,
    contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

/** Whether an `If-None-Match` value names `etag` (or `*`). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}
