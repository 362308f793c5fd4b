import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/swagger/api-problem-responses.decorator.js';
import { OembedAnswerDto } from '../oembed/dto/oembed-answer.dto.js';
import { OembedService } from '../oembed/oembed.service.js';
import { OembedQueryDto } from './dto/oembed-query.dto.js';
import { PREVIEW_ERRORS } from './previews.controller.js';
import { PreviewsService } from './previews.service.js';

/** The service as an oEmbed 1.0 endpoint for any URL. */
@ApiTags('oembed')
@Controller('v1/oembed')
export class OembedController {
  constructor(
    private readonly previews: PreviewsService,
    private readonly oembed: OembedService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'oEmbed answer for any URL',
    description:
      "For URLs of a provider in the bundled registry, that provider's answer (sizes passed on, and enforced if it " +
      'ignores them); for any other URL a `link` answer built from the preview.',
  })
  @ApiOkResponse({ type: OembedAnswerDto })
  @ApiProblemResponses(...PREVIEW_ERRORS)
  async answer(@Query() query: OembedQueryDto): Promise<OembedAnswerDto> {
    const { preview } = await this.previews.preview(query.url);
    return this.oembed.answerFor(query.url, preview, { maxwidth: query.maxwidth, maxheight: query.maxheight });
  }
}
