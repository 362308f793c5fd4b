import probeImageSize from 'probe-image-size/sync.js';
import type { Metadata } from '../extraction/extract.js';
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

/** The preview of an HTML page: extracted metadata first, the oEmbed answer filling what the page lacks. */
export function htmlPreview(
  url: string,
  fetched: FetchResult,
  metadata: Metadata,
  pageOembed: PageOembed | undefined,
  steps: StepTimings,
): PreviewData {
  const oembed = pageOembed?.oembed;
  const thumbnail = oembed?.thumbnailUrl ? [{ url: oembed.thumbnailUrl }] : undefined;
  return {
    url,
    finalUrl: fetched.finalUrl,
    canonicalUrl: metadata.canonicalUrl,
    status: fetched.status,
    contentType: fetched.contentType,
    type: metadata.type,
    title: metadata.title ?? oembed?.title,
    description: metadata.description,
    siteName: metadata.siteName ?? oembed?.providerName,
    lang: metadata.lang,
    author: metadata.author ?? oembed?.authorName,
    publishedAt: metadata.publishedAt,
    modifiedAt: metadata.modifiedAt,
    themeColor: metadata.themeColor,
    images: metadata.images ?? thumbnail,
    videos: metadata.videos,
    icons: metadata.icons,
    oembed,
    providerAnswer: pageOembed?.providerAnswer,
    fetchedAt: new Date().toISOString(),
    sources: metadata.sources,
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
