/*
 * Caps on what one page can put into a preview, whatever it declares: a hostile page (an og:title of 900,000
 * characters, 50,000 og:image tags) yields a preview of bounded size. Documented in the README ("Field caps").
 */

/** Longest text of each field in UTF-16 code units, the `…` of a cut value included. */
export const TEXT_CAPS = {
  title: 300,
  description: 1000,
  siteName: 100,
  /** Longer bylines are not names: the author normaliser drops them rather than cutting them. */
  author: 100,
  alt: 300,
  themeColor: 64,
} as const;

/** Longest URL kept in a preview (the same limit the service puts on the URLs it is asked for). */
export const MAX_URL_LENGTH = 2048;

/** Most entries of each list. */
export const LIST_CAPS = {
  images: 8,
  videos: 4,
  icons: 8,
  oembedLinks: 4,
} as const;

/** Raw characters read from one declared value before it is cleaned and capped: the rest cannot be shown anyway. */
export function rawReadLimit(cap: number): number {
  return cap * 4 + 256;
}
