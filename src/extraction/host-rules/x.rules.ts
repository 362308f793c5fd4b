import type { ImageInfo } from '../metadata.js';
import { collapseWhitespace } from '../normalize/text.js';
import { jsonLdProfileImages } from '../rules/json-ld.rules.js';
import { rule, type PageContext, type Rule } from '../rules/rule.js';

/*
 * X (Twitter) writes its page titles in one fixed form and serves a generic card as `og:image` when a page is
 * rendered without its media. The rules pack applies these rules on X's hosts only.
 */

const X_HANDLE = /^\w{1,15}$/;
const X_RESERVED = new Set(['home', 'i', 'search', 'explore', 'settings', 'hashtag', 'intent', 'share', 'messages']);
/**
 * `Name on X: "post text" / X` (a post) and `Name (@handle) / X` or `Name (@handle) on X` (a profile).
 * The name runs to the last `on X: "`: display names such as `Life on X` are commoner than posts quoting that form.
 */
const X_POST_TITLE = /^(.+) on X: "([\s\S]*)" \/ X$/;
const X_PROFILE_TITLE = /^(.+) \(@\w{1,15}\) (?:\/|on) X$/;
/** The generic card X serves as `og:image` when a page is rendered without its own media. */
const X_PLACEHOLDER_IMAGE = /^https:\/\/abs\.twimg\.com\/rweb\/ssr\/default\//;
const X_MEDIA =
  /^https:\/\/pbs\.twimg\.com\/(?:media|card_img|ext_tw_video_thumb|amplify_video_thumb|tweet_video_thumb)\//;

interface XPage {
  handle: string;
  name?: string;
  text?: string;
}

/** The account an X (Twitter) address belongs to, and what X's fixed page title says about it. */
function xPage(page: PageContext): XPage | undefined {
  const url = page.url();
  if (url === undefined) return undefined;
  const handle = url.pathname.split('/')[1] ?? '';
  if (!X_HANDLE.test(handle) || X_RESERVED.has(handle.toLowerCase())) return undefined;
  const title = collapseWhitespace(page.meta('og:title').at(0) ?? page.scan.title ?? '');
  const post = X_POST_TITLE.exec(title);
  if (post) return { handle, name: post[1], text: post[2] };
  const profile = X_PROFILE_TITLE.exec(title);
  return profile ? { handle, name: profile[1] } : { handle };
}

/** X's own title form for an account's pages, `Name (@handle) on X`. */
export const xTitle: Rule<string> = rule('x title', (page) => {
  const x = xPage(page);
  return x?.name === undefined ? undefined : `${x.name} (@${x.handle}) on X`;
});

/** The text of a post, which X quotes in its page title. */
export const xPostText: Rule<string> = rule('x post text', (page) => xPage(page)?.text);

/** The display name of the account that wrote the post or owns the profile. */
export const xAuthor: Rule<string> = rule('x author', (page) => xPage(page)?.name);

/** The platform's name, `X`, on every X page (its `og:site_name` is a longer transitional form). */
export const xSiteName: Rule<string> = rule('x site name', (page) => (xPage(page) === undefined ? undefined : 'X'));

/**
 * When X's `og:image` is its generic card: the profile photo of a profile page (JSON-LD
 * `mainEntity.image`), else the post's first attached media in the body.
 */
export const xMedia: Rule<ImageInfo[]> = rule('x media', (page) => {
  if (!xNeedsBody(page)) return undefined;
  const photo = jsonLdProfileImages.read(page);
  if (photo !== undefined) return photo;
  const media = page.scan.bodyImages.find((img) => X_MEDIA.test(img.src));
  return media === undefined ? undefined : [{ url: media.src }];
});

/** `true` on an X page whose `og:image` is the generic card: its real media are in the body. */
export function xNeedsBody(page: PageContext): boolean {
  const og = page.meta('og:image').at(0);
  return og !== undefined && X_PLACEHOLDER_IMAGE.test(og.trim()) && xPage(page) !== undefined;
}
