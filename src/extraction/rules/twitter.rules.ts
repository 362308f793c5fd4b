import type { ImageInfo, VideoInfo } from '../metadata.js';
import { cleanText, toDimension } from '../normalize/text.js';
import { rule, type Rule } from './rule.js';

const TWITTER_IMAGE_KEYS = new Set(['twitter:image', 'twitter:image:src']);

/**
 * `twitter:image` (or the older `twitter:image:src`) entries, each with the `twitter:image:alt` that follows it
 * before the next image: an alt text belongs to its own image, never to another one.
 */
export const twitterImages: Rule<ImageInfo[]> = rule('twitter:image', (page) => {
  const images: ImageInfo[] = [];
  let current: ImageInfo | undefined;
  for (const { key, value } of page.scan.metas) {
    if (TWITTER_IMAGE_KEYS.has(key)) {
      current = value.trim() === '' ? undefined : { url: value };
      if (current) images.push(current);
    } else if (key === 'twitter:image:alt' && current !== undefined && current.alt === undefined) {
      const alt = cleanText(value);
      if (alt !== undefined) current.alt = alt;
    }
  }
  return images.length > 0 ? images : undefined;
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
