import type { PageType } from '../metadata.js';

const OG_TYPES: Record<string, PageType> = {
  website: 'website',
  article: 'article',
  blog: 'article',
  video: 'video',
  music: 'music',
  profile: 'profile',
  book: 'book',
  product: 'product',
  'og:product': 'product',
  image: 'image',
};

const ARTICLE_TYPES = /^(?:\w*article|blogposting|posting|report|newsarticle|liveblogposting|scholarlyarticle)$/;

const SCHEMA_TYPES: Record<string, PageType> = {
  videoobject: 'video',
  movie: 'video',
  tvepisode: 'video',
  product: 'product',
  productgroup: 'product',
  book: 'book',
  musicrecording: 'music',
  musicalbum: 'music',
  musicplaylist: 'music',
  profilepage: 'profile',
  imageobject: 'image',
};

/** Preview type from an `og:type` value: `video.other` → `video`, `music.song` → `music`; unknown → `undefined`. */
export function normalizeOgType(value: unknown): PageType | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return OG_TYPES[lower] ?? OG_TYPES[lower.split('.')[0]];
}

/** Preview type from a schema.org `@type` (`NewsArticle` → `article`, `VideoObject` → `video`). */
export function schemaTypeToPageType(value: unknown): PageType | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.replace(/^https?:\/\/schema\.org\//i, '').toLowerCase();
  if (ARTICLE_TYPES.test(lower)) return 'article';
  return SCHEMA_TYPES[lower];
}
