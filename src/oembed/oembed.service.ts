import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DomainError } from '../common/errors/domain-error.js';
import { oembedConfig, OEMBED_CREDENTIAL_PROVIDERS, type OembedCredentialProvider } from '../config/oembed.config.js';
import { SafeFetcher } from '../fetcher/safe-fetcher.js';
import type { OembedAnswerDto } from './dto/oembed-answer.dto.js';
import { type PreviewOembed, type SizeBounds, toPreviewOembed, toProviderAnswer } from './oembed-mapping.js';
import { type OembedResponse, readOembedResponse } from './oembed-response.js';
import { ProviderRegistry, type ProviderMatch } from './provider-registry.js';
import { Cached } from '../cache/cached.decorator.js';

/** Largest oEmbed answer read, in decoded bytes. */
export const OEMBED_MAX_BYTES = 256 * 1024;
/** How long an oEmbed answer of `GET /v1/oembed` is kept: providers change embeds rarely. */
const ANSWER_TTL_SECONDS = 3600;

/** Discovered endpoints tried per page at most (the first JSON one, then the next). */
const MAX_DISCOVERED_TRIES = 2;

/** How each credentialed provider wants its token: Meta's Graph oEmbed reads the `access_token` query parameter. */
const CREDENTIAL_PARAMETER: Record<OembedCredentialProvider, string> = {
  facebook: 'access_token',
  instagram: 'access_token',
};

/** An oEmbed endpoint a page advertises with `<link rel="alternate" type="application/json+oembed">` (or `xml+oembed`). */
export interface DiscoveredOembedLink {
  /** Absolute endpoint URL, usually with `url` and `format` already in its query. */
  url: string;
  format: 'json' | 'xml';
}

/** What {@link OembedService.forPage} found for a page. */
export interface PageOembed {
  /** The preview's `oembed` field. */
  oembed: PreviewOembed;
  /**
   * A bundled-registry provider's own answer (unsized), kept with the preview so that `GET /v1/oembed` can pass it
   * on without asking the provider again; none for discovered endpoints, whose answers are not passed on.
   */
  providerAnswer?: OembedAnswerDto;
}

/** Options of {@link OembedService.forPage} and {@link OembedService.answerFor}. */
export interface OembedOptions extends SizeBounds {
  /** Aborts the provider request (the preview's overall deadline). @default none */
  signal?: AbortSignal;
}

interface Request {
  url: URL;
  format: 'json' | 'xml';
  /** Whether the endpoint is from the bundled registry (only then is its html trusted). */
  trusted: boolean;
}

function isCredentialProvider(name: string): name is OembedCredentialProvider {
  return (OEMBED_CREDENTIAL_PROVIDERS as readonly string[]).includes(name);
}

/** The endpoint without its query: what may be logged, since the query can hold an access token. */
function loggable(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function setSizes(url: URL, bounds: SizeBounds): void {
  if (bounds.maxwidth !== undefined) url.searchParams.set('maxwidth', String(bounds.maxwidth));
  if (bounds.maxheight !== undefined) url.searchParams.set('maxheight', String(bounds.maxheight));
}

/**
 * Finds and reads the oEmbed answer for a page: from the bundled provider registry first, else from the endpoints
 * the page itself advertises. Every request goes through the {@link SafeFetcher} (same SSRF rules, timeouts and redirect checks as page fetches), capped at
 * {@link OEMBED_MAX_BYTES}. A bad or failed answer never fails a preview: it is dropped and logged at debug level.
 */
@Injectable()
export class OembedService {
  private readonly logger = new Logger(OembedService.name);

  constructor(
    private readonly fetcher: SafeFetcher,
    @Inject(oembedConfig.KEY) private readonly config: ConfigType<typeof oembedConfig>,
    private readonly registry: ProviderRegistry,
  ) {}

  /**
   * The preview's `oembed` field for a page.
   * @param pageUrl the page's URL (its final URL after redirects)
   * @param discovered the oEmbed links found in the page; JSON ones are preferred
   * @returns the mapped answer, `undefined` when there is none or it is unusable
   */
  async forPage(
    pageUrl: string,
    discovered: readonly DiscoveredOembedLink[],
    options: OembedOptions = {},
  ): Promise<PageOembed | undefined> {
    const match = this.registry.find(pageUrl);
    if (match !== undefined) {
      const request = this.registryRequest(match, pageUrl, options);
      const response = request && (await this.read(request, options.signal));
      if (response !== undefined) {
        return { oembed: toPreviewOembed(response, true), providerAnswer: toProviderAnswer(response, options) };
      }
    }
    const candidates = [...discovered]
      .sort((a, b) => Number(a.format !== 'json') - Number(b.format !== 'json'))
      .slice(0, MAX_DISCOVERED_TRIES);
    for (const link of candidates) {
      const request = this.discoveredRequest(link, options);
      const response = request && (await this.read(request, options.signal));
      if (response !== undefined) return { oembed: toPreviewOembed(response, false) };
    }
    return undefined;
  }

  /** Whether a bundled-registry provider serves `pageUrl` (only then is a provider answer passed on). */
  servesWithRegistry(pageUrl: string): boolean {
    return this.registry.find(pageUrl) !== undefined;
  }

  /**
   * A registry provider's answer for `pageUrl` asked for the sizes in `options` (and clamped to them if it ignored
   * them), or `undefined` when no registry provider serves the page or its answer is unusable. Cached per version of
   * the page's cached preview (`previewVersion`): a purge or refresh of the preview makes a new version, so a purged
   * page's answer is never served again.
   */
  @Cached({
    ttl: ANSWER_TTL_SECONDS,
    key: (pageUrl: string, previewVersion: string, options: OembedOptions = {}) =>
      `oembed-answer:${previewVersion}:${options.maxwidth ?? ''}:${options.maxheight ?? ''}`,
  })
  async sizedProviderAnswer(
    pageUrl: string,
    previewVersion: string,
    options: OembedOptions = {},
  ): Promise<OembedAnswerDto | undefined> {
    const match = this.registry.find(pageUrl);
    const request = match && this.registryRequest(match, pageUrl, options);
    const response = request && (await this.read(request, options.signal));
    return response === undefined ? undefined : toProviderAnswer(response, options);
  }

  private registryRequest(match: ProviderMatch, pageUrl: string, bounds: SizeBounds): Request | undefined {
    const url = new URL(match.endpoint);
    url.searchParams.set('url', pageUrl);
    url.searchParams.set('format', match.format);
    setSizes(url, bounds);
    const provider = match.providerName.toLowerCase();
    if (isCredentialProvider(provider)) {
      const token = this.config.providerTokens[provider];
      if (token === undefined) {
        this.logger.debug(`oEmbed provider ${match.providerName} skipped: OEMBED_PROVIDER_TOKENS has no token for it`);
        return undefined;
      }
      url.searchParams.set(CREDENTIAL_PARAMETER[provider], token);
    }
    return { url, format: match.format, trusted: true };
  }

  private discoveredRequest(link: DiscoveredOembedLink, bounds: SizeBounds): Request | undefined {
    let url: URL;
    try {
      url = new URL(link.url);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    setSizes(url, bounds);
    return { url, format: link.format, trusted: false };
  }

  /** Fetches and validates one answer; `undefined` (logged at debug, without the query) when unusable. */
  private async read(request: Request, signal: AbortSignal | undefined): Promise<OembedResponse | undefined> {
    const endpoint = loggable(request.url);
    let reason: string;
    try {
      const answer = await this.fetcher.fetch(request.url.href, {
        mode: request.format,
        maxBytes: OEMBED_MAX_BYTES,
        signal,
      });
      // The fetcher throws on 4xx/5xx and on bodies over the cap; a 2xx other than 200 carries no answer either.
      if (answer.status === 200) {
        const result = await readOembedResponse(answer.body, request.format, answer.finalUrl);
        if (result.ok) return result.response;
        reason = result.reason;
      } else {
        reason = `status ${answer.status}`;
      }
    } catch (error) {
      // The caller gave up (deadline, client gone): not a property of the answer, so let it through.
      if (signal?.aborted) throw error;
      reason = error instanceof DomainError ? error.code : 'fetch failed';
    }
    this.logger.debug(`oEmbed answer from ${endpoint} dropped: ${reason}`);
    return undefined;
  }
}
