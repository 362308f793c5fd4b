import type { BudgetReason } from './page-scan.js';

/** An image a page offers for its preview card. */
export interface ImageInfo {
  url: string;
  width?: number;
  height?: number;
  alt?: string;
  type?: string;
}

/** A video a page offers (Open Graph video, Twitter player, JSON-LD VideoObject). */
export interface VideoInfo {
  url: string;
  width?: number;
  height?: number;
  type?: string;
}

/**
 * A site icon; `rel` is the normalised link relation that declared it (`icon`, `apple-touch-icon`, ...), or
 * `manifest` for an icon of the web-app manifest.
 */
export interface IconInfo {
  url: string;
  sizes?: string;
  type?: string;
  rel: string;
}

/** An oEmbed endpoint the page announces through `<link rel="alternate" type="...+oembed">`. */
export interface OembedLink {
  url: string;
  format: 'json' | 'xml';
}

/** Normalised page kind, as in the Preview `type` field. */
export type PageType = 'website' | 'article' | 'video' | 'music' | 'profile' | 'book' | 'product' | 'image';

/** Everything `extract()` reads from a page. Missing fields are `undefined`, never empty strings or arrays. */
export interface Metadata {
  canonicalUrl?: string;
  type: PageType;
  title?: string;
  description?: string;
  siteName?: string;
  lang?: string;
  author?: string;
  publishedAt?: string;
  modifiedAt?: string;
  themeColor?: string;
  images?: ImageInfo[];
  videos?: VideoInfo[];
  icons?: IconInfo[];
  oembedLinks?: OembedLink[];
  /** The web-app manifest the page names (`<link rel="manifest">`), whose icons the service may fetch. */
  manifestUrl?: string;
  /** Name of the rule that gave each field (debug output). */
  sources: Partial<Record<MetadataField, string>>;
  /** `true` when the body was not read because the head already answered every field. */
  truncatedScan?: boolean;
  /** The scan budget that stopped reading the document early (debug output); what was read is kept. */
  budget?: BudgetReason;
}

/** Fields of {@link Metadata} that come from rules. */
export type MetadataField = Exclude<keyof Metadata, 'sources' | 'truncatedScan' | 'budget'>;
