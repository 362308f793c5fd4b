import type { ImageInfo } from '../metadata.js';
import { rule, type PageContext, type Rule } from '../rules/rule.js';

/*
 * YouTube pages follow one public convention on every video page: the video id in the address and a thumbnail
 * service keyed by it. The rules pack applies these rules on YouTube's hosts only.
 */

const YOUTUBE_ID = /^[\w-]{11}$/;
const YOUTUBE_PATH = /^\/(?:shorts|embed|live|v)\/([\w-]{11})(?:[/?#]|$)/;
const YTIMG_FILE = /^https?:\/\/(?:i\d?\.ytimg\.com|img\.youtube\.com)\/vi\/[\w-]{11}\/(\w+)\.jpg(?:[?#]|$)/;
/** The short-link host, whose path is the id itself. */
const SHORT_HOST = 'youtu.be';

/** The video id of a YouTube watch, short, embed or live address (`youtu.be/<id>` included). */
export function youtubeVideoId(page: PageContext): string | undefined {
  const url = page.url();
  if (url === undefined) return undefined;
  if (url.hostname === SHORT_HOST) {
    const id = url.pathname.slice(1).split('/')[0];
    return YOUTUBE_ID.test(id) ? id : undefined;
  }
  const v = url.searchParams.get('v');
  if (url.pathname === '/watch' && v !== null && YOUTUBE_ID.test(v)) return v;
  return YOUTUBE_PATH.exec(url.pathname)?.[1];
}

/**
 * YouTube's thumbnail of the requested video, `https://img.youtube.com/vi/<id>/<size>.jpg`: the size the
 * page's own `og:image` / `twitter:image` names (`maxresdefault` only exists for HD uploads), else
 * `hqdefault`, which every video has.
 */
export const youtubeThumbnail: Rule<ImageInfo[]> = rule('youtube thumbnail', (page) => {
  const id = youtubeVideoId(page);
  if (id === undefined) return undefined;
  const declared = [...page.meta('og:image'), ...page.meta('twitter:image')]
    .map((image) => YTIMG_FILE.exec(image.trim())?.[1])
    .find((file) => file !== undefined);
  return [{ url: `https://img.youtube.com/vi/${id}/${declared ?? 'hqdefault'}.jpg` }];
});
