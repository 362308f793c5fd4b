import type { ImageInfo, VideoInfo } from '../metadata.js';
import { cleanText, toDimension } from '../normalize/text.js';
import { rule, type Rule } from './rule.js';

/** `twitter:image` (or the older `twitter:image:src`) with `twitter:image:alt`. */
export const twitterImages: Rule<ImageInfo[]> = rule('twitter:image', (page) => {
  const url = [...page.meta('twitter:image'), ...page.meta('twitter:image:src')].find((v) => v.trim() !== '');
  if (url === undefined) return undefined;
  const alt = cleanText(page.meta('twitter:image:alt')[0]);
  return [{ url, ...(alt === undefined ? {} : { alt }) }];
});

/** The `twitter:player` embed with its declared size. */
export const twitterPlayer: Rule<VideoInfo[]> = rule('twitter:player', (page) => {
  const url = page.meta('twitter:player').find((v) => v.trim() !== '');
  if (url === undefined) return undefined;
  const width = toDimension(page.meta('twitter:player:width')[0]);
  const height = toDimension(page.meta('twitter:player:height')[0]);
  return [{ url, ...(width === undefined ? {} : { width }), ...(height === undefined ? {} : { height }) }];
});

/** `twitter:site` as a site name of last resort, without the `@` of the handle. */
export const twitterSite: Rule<string> = rule('twitter:site', (page) => {
  const handle = page.meta('twitter:site').find((v) => v.trim() !== '');
  return handle?.trim().replace(/^@/, '');
});
