import { LIST_CAPS, MAX_URL_LENGTH } from './limits.js';
import type { IconInfo } from './metadata.js';
import { cleanText } from './normalize/text.js';
import { resolveHttpUrl } from './normalize/urls.js';
import { rankIcons } from './rules/icon.rules.js';

/** Icons a manifest may list before the rest is ignored. */
const MAX_MANIFEST_ICONS = 64;

/**
 * The icons of a web-app manifest (`icons: [{ src, sizes, type, purpose }]`), made absolute against the manifest's
 * own address, as `rel: "manifest"` icons. Icons meant only as monochrome masks are left out; anything that is not
 * a manifest gives no icons.
 */
export function manifestIcons(manifest: unknown, manifestUrl: string): IconInfo[] {
  if (!isRecord(manifest) || !Array.isArray(manifest.icons)) return [];
  const icons: IconInfo[] = [];
  for (const entry of manifest.icons.slice(0, MAX_MANIFEST_ICONS) as unknown[]) {
    const icon = manifestIcon(entry, manifestUrl);
    if (icon !== undefined && !icons.some((known) => known.url === icon.url)) icons.push(icon);
    if (icons.length >= LIST_CAPS.icons) break;
  }
  return icons;
}

/** One entry of a manifest's `icons` as an icon; `undefined` when it has no usable `src` or is a mask only. */
function manifestIcon(entry: unknown, manifestUrl: string): IconInfo | undefined {
  if (!isRecord(entry) || typeof entry.src !== 'string') return undefined;
  const purposes = typeof entry.purpose === 'string' ? entry.purpose.toLowerCase().split(/\s+/) : ['any'];
  if (purposes.every((purpose) => purpose === 'monochrome')) return undefined;
  const url = resolveHttpUrl(entry.src, manifestUrl);
  if (url === undefined || url.length > MAX_URL_LENGTH) return undefined;
  const sizes = cleanText(entry.sizes)?.slice(0, 64);
  const type = cleanText(entry.type)?.toLowerCase().slice(0, 64);
  return { url, rel: 'manifest', ...(sizes === undefined ? {} : { sizes }), ...(type === undefined ? {} : { type }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The page's icons and its manifest's, each URL once, ranked best first (see {@link rankIcons}) and capped. */
export function mergeIcons(page: readonly IconInfo[], manifest: readonly IconInfo[]): IconInfo[] {
  const seen = new Set<string>();
  const all = [...page, ...manifest].filter((icon) => !seen.has(icon.url) && seen.add(icon.url));
  return rankIcons(all).slice(0, LIST_CAPS.icons);
}
