import type { OembedLink } from '../metadata.js';
import { rule, type Rule } from './rule.js';

const OEMBED_FORMATS: Record<string, OembedLink['format']> = {
  'application/json+oembed': 'json',
  'text/json+oembed': 'json',
  'text/xml+oembed': 'xml',
  'application/xml+oembed': 'xml',
};

/** oEmbed endpoints announced with `<link rel="alternate" type="application/json+oembed">` (or `text/xml+oembed`). */
export const oembedDiscovery: Rule<OembedLink[]> = rule('link[type*=oembed]', (page) =>
  page.scan.links.flatMap((l) => {
    const format = l.type === undefined ? undefined : OEMBED_FORMATS[l.type];
    return l.rel.split(' ').includes('alternate') && format !== undefined ? [{ url: l.href, format }] : [];
  }),
);
