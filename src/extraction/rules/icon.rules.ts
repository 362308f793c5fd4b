import type { IconInfo } from '../metadata.js';
import { faviconUrl } from '../normalize/urls.js';
import { rule, type Rule } from './rule.js';

const ICON_RELS = new Set(['icon', 'shortcut icon', 'apple-touch-icon', 'apple-touch-icon-precomposed', 'mask-icon']);

/** Icons declared with `rel` `icon`, `shortcut icon`, `apple-touch-icon(-precomposed)` or `mask-icon`. */
export const iconLinks: Rule<IconInfo[]> = rule('link[rel~=icon]', (page) =>
  page.scan.links
    .filter((l) => ICON_RELS.has(l.rel) || l.rel === 'icon shortcut')
    .map((l) => ({
      url: l.href,
      rel: l.rel === 'icon shortcut' ? 'shortcut icon' : l.rel,
      ...(l.sizes === undefined ? {} : { sizes: l.sizes }),
      ...(l.type === undefined ? {} : { type: l.type }),
    })),
);

/** `/favicon.ico` at the page's origin, which browsers request when a page declares no icon. */
export const faviconFallback: Rule<IconInfo[]> = rule('/favicon.ico', (page) => {
  const url = faviconUrl(page.scan.url);
  return url === undefined ? undefined : [{ url, rel: 'icon' }];
});

/** The size a vector icon counts as: it scales to any size. */
const VECTOR_SIZE = 1024;
/** Apple touch icons without `sizes` are 180×180 on current devices. */
const TOUCH_ICON_SIZE = 180;

/**
 * The icons best first: the largest declared size (`any` and SVG count as scalable, an apple-touch-icon without
 * `sizes` as 180×180), then the type (SVG, then apple-touch-icon, then other bitmaps, then `.ico`), page order
 * last. Monochrome masks (`mask-icon`) follow every full-colour icon, and `/favicon.ico` comes last of all.
 */
export function rankIcons<T extends IconInfo>(icons: readonly T[]): T[] {
  return icons
    .map((icon, index) => ({ icon, index, ...iconRank(icon) }))
    .sort((a, b) => a.tier - b.tier || b.size - a.size || b.kind - a.kind || a.index - b.index)
    .map((entry) => entry.icon);
}

function iconRank(icon: IconInfo): { tier: number; size: number; kind: number } {
  const path = pathOf(icon.url);
  const svg = icon.type === 'image/svg+xml' || path.endsWith('.svg');
  const ico = icon.type === 'image/x-icon' || icon.type === 'image/vnd.microsoft.icon' || path.endsWith('.ico');
  const touch = icon.rel.startsWith('apple-touch-icon');
  const tier = path === '/favicon.ico' ? 2 : icon.rel === 'mask-icon' ? 1 : 0;
  let size = declaredSize(icon.sizes);
  if (size === undefined) size = svg ? VECTOR_SIZE : touch ? TOUCH_ICON_SIZE : 0;
  const kind = svg ? 3 : touch ? 2 : ico ? 0 : 1;
  return { tier, size, kind };
}

/** The largest side named in `sizes` (`16x16 32x32`, `any`), if any. */
function declaredSize(sizes: string | undefined): number | undefined {
  let best: number | undefined;
  for (const token of (sizes ?? '').toLowerCase().split(/\s+/)) {
    const m = /^(\d{1,4})x(\d{1,4})$/.exec(token);
    const side = token === 'any' ? VECTOR_SIZE : m ? Math.max(Number(m[1]), Number(m[2])) : undefined;
    if (side !== undefined && (best === undefined || side > best)) best = side;
  }
  return best;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}
