import type { OembedAnswerDto } from './dto/oembed-answer.dto.js';
import type { OembedResponse, OembedType } from './oembed-response.js';

/** The `oembed` field of a preview (camelCase; the shape of the previews' `OembedDto`). */
export interface PreviewOembed {
  type: OembedType;
  title?: string;
  authorName?: string;
  authorUrl?: string;
  providerName?: string;
  providerUrl?: string;
  /** Only from bundled-registry providers. */
  html?: string;
  width?: number;
  height?: number;
  /** Absolute http(s). */
  thumbnailUrl?: string;
}

/** Size bounds a consumer asked for (`maxwidth` / `maxheight`); absent means unbounded. */
export interface SizeBounds {
  /** Largest width in pixels. @default unbounded */
  maxwidth?: number;
  /** Largest height in pixels. @default unbounded */
  maxheight?: number;
}

/** The parts of a preview an oEmbed `link` answer is built from (a `PreviewDto` fits). */
export interface PreviewLike {
  url: string;
  finalUrl?: string;
  title?: string;
  author?: string;
  siteName?: string;
  images?: { url: string; width?: number; height?: number }[];
}

/** Drops null and undefined values, so the result is the same whether it is cached, serialized or compared. */
function compact<T extends object>(value: { [K in keyof T]: T[K] | null | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined && item !== null)) as T;
}

function size(value: number | null | undefined): number | undefined {
  return value === undefined || value === null ? undefined : Math.round(value);
}

/**
 * Maps a validated provider answer to the preview's camelCase `oembed` field.
 * @param trusted whether the answer comes from a bundled-registry provider: only then is its `html` kept
 */
export function toPreviewOembed(response: OembedResponse, trusted: boolean): PreviewOembed {
  return compact<PreviewOembed>({
    type: response.type,
    title: response.title,
    authorName: response.author_name,
    authorUrl: response.author_url,
    providerName: response.provider_name,
    providerUrl: response.provider_url,
    html: trusted ? response.html : undefined,
    width: size(response.width),
    height: size(response.height),
    thumbnailUrl: response.thumbnail_url,
  });
}

/** Scales `width × height` down into the bounds keeping the aspect ratio; a lone known side is clamped. */
export function clampSize(
  width: number | undefined,
  height: number | undefined,
  bounds: SizeBounds,
): { width?: number; height?: number } {
  const maxwidth = bounds.maxwidth ?? Number.POSITIVE_INFINITY;
  const maxheight = bounds.maxheight ?? Number.POSITIVE_INFINITY;
  if (width !== undefined && height !== undefined) {
    const scale = Math.min(1, maxwidth / width, maxheight / height);
    return { width: Math.floor(width * scale), height: Math.floor(height * scale) };
  }
  return {
    width: width === undefined ? undefined : Math.min(width, maxwidth),
    height: height === undefined ? undefined : Math.min(height, maxheight),
  };
}

/**
 * A thumbnail for an answer. The spec wants `thumbnail_url` only together with both sizes, and the thumbnail
 * within maxwidth × maxheight; we cannot resize someone else's image, so one of unknown or too large size is left out.
 */
function thumbnail(
  url: string | null | undefined,
  width: number | undefined,
  height: number | undefined,
  bounds: SizeBounds,
): Pick<OembedAnswerDto, 'thumbnail_url' | 'thumbnail_width' | 'thumbnail_height'> {
  if (url === undefined || url === null || width === undefined || height === undefined) return {};
  if (
    width > (bounds.maxwidth ?? Number.POSITIVE_INFINITY) ||
    height > (bounds.maxheight ?? Number.POSITIVE_INFINITY)
  ) {
    return {};
  }
  return { thumbnail_url: url, thumbnail_width: width, thumbnail_height: height };
}

/** A registry provider's answer for `GET /v1/oembed`, its sizes held within the bounds if the provider ignored them. */
export function toProviderAnswer(response: OembedResponse, bounds: SizeBounds): OembedAnswerDto {
  return compact<OembedAnswerDto>({
    type: response.type,
    version: '1.0',
    title: response.title,
    author_name: response.author_name,
    author_url: response.author_url,
    provider_name: response.provider_name,
    provider_url: response.provider_url,
    cache_age: response.cache_age,
    ...thumbnail(response.thumbnail_url, size(response.thumbnail_width), size(response.thumbnail_height), bounds),
    url: response.url,
    html: response.html,
    ...clampSize(size(response.width), size(response.height), bounds),
  });
}

/** A `link` answer for a page no registry provider serves, built from its preview. */
export function toLinkAnswer(preview: PreviewLike, bounds: SizeBounds): OembedAnswerDto {
  const image = preview.images?.[0];
  return compact<OembedAnswerDto>({
    type: 'link',
    version: '1.0',
    title: preview.title,
    author_name: preview.author,
    provider_name: preview.siteName,
    provider_url: new URL(preview.finalUrl ?? preview.url).origin,
    ...thumbnail(image?.url, image?.width, image?.height, bounds),
  });
}
