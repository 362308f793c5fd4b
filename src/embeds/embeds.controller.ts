import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/swagger/api-problem-responses.decorator.js';
import { OembedAnswerDto } from '../oembed/dto/oembed-answer.dto.js';
import { PREVIEW_ERRORS } from '../previews/previews.controller.js';
import { OembedQueryDto } from './dto/oembed-query.dto.js';
import { EmbedsService } from './embeds.service.js';

/** `GET /v1/oembed`: the service as an oEmbed 1.0 endpoint for any URL. */
@ApiTags('oembed')
@ApiSecurity('bearer')
@ApiSecurity('apiKey')
@Controller('v1/oembed')
export class EmbedsController {
  constructor(private readonly embeds: EmbedsService) {}

  @Get()
  @ApiOperation({
    summary: 'oEmbed answer for any URL',
    description:
      "For URLs of a provider in the bundled registry, that provider's answer (sizes passed on, and enforced if it " +
      'ignores them); for any other URL a `link` answer built from the preview.',
  })
  @ApiOkResponse({ type: OembedAnswerDto })
  @ApiProblemResponses(...PREVIEW_ERRORS)
  answer(@Query() query: OembedQueryDto): Promise<OembedAnswerDto> {
    return this.embeds.answer(query.url, { maxwidth: query.maxwidth, maxheight: query.maxheight });
  }
}
