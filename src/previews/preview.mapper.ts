import probeImageSize from 'probe-image-size/sync.js';
import type { Metadata } from '../extraction/extract.js';
import { TEXT_CAPS } from '../extraction/limits.js';
import { mergeIcons } from '../extraction/manifest.js';
import type { IconInfo } from '../extraction/metadata.js';
import { capText } from '../extraction/normalize/text.js';
import type { FetchResult } from '../fetcher/safe-fetcher.js';
import type { PageOembed } from '../oembed/oembed.service.js';
import type { PreviewDto } from './dto/preview.dto.js';

/** A preview as stored in the cache and handed to the serializer: plain JSON, same shape as {@link PreviewDto}. */
export type PreviewData = { [K in keyof PreviewDto]: PreviewDto[K] };

/** Milliseconds spent in the steps after the fetch. */
export interface StepTimings {
  parse: number;
  total: number;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function debugPart(fetched: FetchResult, steps: StepTimings): Pick<PreviewData, 'timings' | 'redirects' | 'bytes'> {
  const { dns, connect, ttfb, download } = fetched.timings;
  return {
    timings: {
      dns: round(dns),
      connect: round(connect),
      ttfb: round(ttfb),
      download: round(download),
      parse: round(steps.parse),
      total: round(steps.total),
    },
    redirects: fetched.redirects.map(({ url, status }) => ({ url, status })),
    bytes: fetched.bytes,
  };
}

/** A text the oEmbed answer fills in, held to the cap of the field it fills. */
function capped(text: string | undefined, cap: number): string | undefined {
  return text === undefined ? undefined : capText(text, cap);
}

/** The rules that gave each field, and the scan budget that stopped reading the page early, if one did. */
function sourcesOf(metadata: Metadata): Record<string, string> {
  return metadata.budget === undefined ? metadata.sources : { ...metadata.sources, scan: `budget:${metadata.budget}` };
}

/**
 * The preview of an HTML page: extracted metadata first, the oEmbed answer filling what the page lacks, the icons
 * of the page's web-app manifest ranked with its own.
 */
export function htmlPreview(
  url: string,
  fetched: FetchResult,
  metadata: Metadata,
  pageOembed: PageOembed | undefined,
  steps: StepTimings,
  manifestIcons: readonly IconInfo[] = [],
): PreviewData {
  const oembed = pageOembed?.oembed;
  const thumbnail = oembed?.thumbnailUrl ? [{ url: oembed.thumbnailUrl }] : undefined;
  const icons = manifestIcons.length === 0 ? metadata.icons : mergeIcons(metadata.icons ?? [], manifestIcons);
  return {
    url,
    finalUrl: fetched.finalUrl,
    canonicalUrl: metadata.canonicalUrl,
    status: fetched.status,
    contentType: fetched.contentType,
    type: metadata.type,
    title: metadata.title ?? capped(oembed?.title, TEXT_CAPS.title),
    description: metadata.description,
    siteName: metadata.siteName ?? capped(oembed?.providerName, TEXT_CAPS.siteName),
    lang: metadata.lang,
    author: metadata.author ?? capped(oembed?.authorName, TEXT_CAPS.author),
    publishedAt: metadata.publishedAt,
    modifiedAt: metadata.modifiedAt,
    themeColor: metadata.themeColor,
    images: metadata.images ?? thumbnail,
    videos: metadata.videos,
    icons,
    oembed,
    providerAnswer: pageOembed?.providerAnswer,
    fetchedAt: new Date().toISOString(),
    sources: sourcesOf(metadata),
    ...debugPart(fetched, steps),
  };
}

/** What a media type is called in a preview's `type`. */
function mediaType(contentType: string | undefined): string {
  const [major] = (contentType ?? '').split('/');
  if (major === 'image' || major === 'video' || major === 'audio') return major;
  return contentType === 'application/pdf' ? 'document' : 'file';
}

/** The last path segment, decoded: the best title a bare file has. */
function fileName(url: string): string | undefined {
  const segment = new URL(url).pathname.split('/').filter(Boolean).at(-1);
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The preview of a non-HTML target (an image, a video, a PDF...): its type, and for images their size. */
export function mediaPreview(url: string, fetched: FetchResult, steps: StepTimings): PreviewData {
  const type = mediaType(fetched.contentType);
  const probed = type === 'image' && fetched.head ? probeImageSize(fetched.head) : null;
  const image =
    type === 'image'
      ? [
          {
            url: fetched.finalUrl,
            width: probed?.width,
            height: probed?.height,
            type: probed?.mime ?? fetched.contentType,
          },
        ]
      : undefined;
  return {
    url,
    finalUrl: fetched.finalUrl,
    status: fetched.status,
    contentType: fetched.contentType,
    type,
    title: fileName(fetched.finalUrl),
    images: image,
    videos: type === 'video' ? [{ url: fetched.finalUrl, type: fetched.contentType }] : undefined,
    fetchedAt: new Date().toISOString(),
    ...debugPart(fetched, steps),
  };
}
