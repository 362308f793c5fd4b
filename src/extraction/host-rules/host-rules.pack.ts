import type { RulesPack } from '../rules-pack.js';
import { xAuthor, xMedia, xNeedsBody, xPostText, xSiteName, xTitle } from './x.rules.js';
import { youtubeThumbnail } from './youtube.rules.js';

/**
 * The bundled rules pack: host patterns → field rules, for the few large platforms whose pages follow one public,
 * fixed convention. Everything host-specific lives here; the engine loads it like any other rule source.
 */
export const HOST_RULES: RulesPack = [
  {
    name: 'youtube',
    hosts: ['youtube.com', '*.youtube.com', 'youtube-nocookie.com', '*.youtube-nocookie.com', 'youtu.be'],
    fields: { images: [youtubeThumbnail] },
  },
  {
    name: 'x',
    hosts: ['x.com', '*.x.com', 'twitter.com', '*.twitter.com'],
    fields: {
      title: [xTitle],
      description: [xPostText],
      siteName: [xSiteName],
      author: [xAuthor],
      images: [xMedia],
    },
    needsBody: xNeedsBody,
  },
];
