import { Injectable } from '@nestjs/common';
import type { OembedAnswerDto } from '../oembed/dto/oembed-answer.dto.js';
import { toLinkAnswer, type SizeBounds } from '../oembed/oembed-mapping.js';
import { OembedService } from '../oembed/oembed.service.js';
import { PreviewsService } from '../previews/previews.service.js';

/**
 * The service as an oEmbed 1.0 endpoint. One path, always through the page's cached preview (so purges, refreshes
 * and single-flight apply): for a page of a bundled-registry provider, the provider's answer the preview already
 * holds (asked again, per preview version, only when sizes are given); for any other page a `link` answer built
 * from the preview.
 */
@Injectable()
export class EmbedsService {
  constructor(
    private readonly previews: PreviewsService,
    private readonly oembed: OembedService,
  ) {}

  async answer(url: string, bounds: SizeBounds): Promise<OembedAnswerDto> {
    const { preview, version } = await this.previews.preview(url);
    const page = { ...preview, url };
    if (!this.oembed.servesWithRegistry(url)) return toLinkAnswer(page, bounds);
    const sized = bounds.maxwidth !== undefined || bounds.maxheight !== undefined;
    const provider = sized ? await this.oembed.sizedProviderAnswer(url, version, bounds) : preview.providerAnswer;
    return provider ?? toLinkAnswer(page, bounds);
  }
}
