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
