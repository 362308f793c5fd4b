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

/** Icon kinds, best last: the rank of a kind is its index. */
const KINDS = ['ico', 'bitmap', 'touch', 'svg'] as const;
/** Defaults of an icon without `sizes`. */
const DEFAULT_SIZE: Record<(typeof KINDS)[number], number> = {
  ico: 0,
  bitmap: 0,
  touch: TOUCH_ICON_SIZE,
  svg: VECTOR_SIZE,
};

function kindOf(icon: IconInfo, path: string): (typeof KINDS)[number] {
  if (icon.type === 'image/svg+xml' || path.endsWith('.svg')) return 'svg';
  if (icon.rel.startsWith('apple-touch-icon')) return 'touch';
  if (icon.type === 'image/x-icon' || icon.type === 'image/vnd.microsoft.icon' || path.endsWith('.ico')) return 'ico';
  return 'bitmap';
}

/** Tiers sort first: full-colour icons, then monochrome masks, then `/favicon.ico`. */
function tierOf(icon: IconInfo, path: string): number {
  if (path === '/favicon.ico') return 2;
  return icon.rel === 'mask-icon' ? 1 : 0;
}

function iconRank(icon: IconInfo): { tier: number; size: number; kind: number } {
  const path = pathOf(icon.url);
  const kind = kindOf(icon, path);
  return { tier: tierOf(icon, path), size: declaredSize(icon.sizes) ?? DEFAULT_SIZE[kind], kind: KINDS.indexOf(kind) };
}

/** The largest side named in `sizes` (`16x16 32x32`, `any`), if any. */
function declaredSize(sizes: string | undefined): number | undefined {
  let best: number | undefined;
  for (const token of (sizes ?? '').toLowerCase().split(/\s+/)) {
    const m = /^(\d{1,4})x(\d{1,4})$/.exec(token);
    let side: number | undefined;
    if (token === 'any') side = VECTOR_SIZE;
    else if (m) side = Math.max(Number(m[1]), Number(m[2]));
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
