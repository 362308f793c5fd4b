import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminOnly } from '../access/access.decorators.js';
import { principalOf, requireAdmin } from '../access/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { ErrorCode } from '../common/errors/error-codes.js';
import { ApiProblemResponses } from '../common/swagger/api-problem-responses.decorator.js';
import { BatchService } from './batch.service.js';
import { BatchItemDto, BatchRequestDto, BatchResponseDto } from './dto/batch.dto.js';
import { PreviewQueryDto, PreviewTargetQueryDto } from './dto/preview-query.dto.js';
import { PreviewDto } from './dto/preview.dto.js';
import { PreviewAnswer, PreviewSerializerInterceptor, Selected } from './preview-serializer.interceptor.js';
import { PreviewsService } from './previews.service.js';

/** What every `/v1` route can be refused with before it runs: the API key and the rate limit. */
export const ACCESS_ERRORS = ['UNAUTHORIZED', 'RATE_LIMITED'] as const satisfies readonly ErrorCode[];

/** What building a preview can fail with, as every route that builds one documents it. */
export const PREVIEW_ERRORS = [
  ...ACCESS_ERRORS,
  'VALIDATION_FAILED',
  'INVALID_URL',
  'BLOCKED_DESTINATION',
  'UPSTREAM_ERROR',
  'UPSTREAM_BLOCKED',
  'UPSTREAM_TOO_LARGE',
  'UPSTREAM_TIMEOUT',
  'OVERLOADED',
] as const satisfies readonly ErrorCode[];

const NDJSON = 'application/x-ndjson';

/** Whether the client prefers NDJSON over JSON (`Accept: application/x-ndjson`). */
function wantsNdjson(accept: string | undefined): boolean {
  return accept?.split(',').some((type) => type.trim().split(';')[0].trim() === NDJSON) ?? false;
}

/**
 * An AbortController aborted when the client closes the connection before the answer is complete. The reason is a
 * domain error: a client that goes away is no defect of the service, and is not logged as one.
 */
function abortOnDisconnect(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  // The framework, the logger and the stream writer already watch this response: make room for one more listener.
  reply.raw.setMaxListeners(reply.raw.getMaxListeners() + 1);
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) {
      controller.abort(
        new DomainError('UPSTREAM_ERROR', 'The client closed the connection', { details: { cause: 'cancelled' } }),
      );
    }
  });
  return controller;
}

/** Wraps each item of a stream with the selection its serialization needs. */
async function* selectEach<T extends object>(
  items: AsyncIterable<T>,
  selection: Selected<T>['selection'],
): AsyncGenerator<Selected<T>> {
  for await (const item of items) yield new Selected(item, selection);
}

@ApiTags('previews')
@ApiSecurity('bearer')
@ApiSecurity('apiKey')
@Controller('v1/previews')
@UseInterceptors(PreviewSerializerInterceptor)
export class PreviewsController {
  constructor(
    private readonly previews: PreviewsService,
    private readonly batch: BatchService,
  ) {}

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview many URLs',
    description:
      'With `Accept: application/json` (default) the answer is `{ results }` in request order. With ' +
      '`Accept: application/x-ndjson` one JSON line per URL (`{ index, url, ok, preview?, error? }`) is written as ' +
      'each completes; a client that disconnects cancels the fetches still running.',
  })
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({
    description: 'One result per URL',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(BatchResponseDto) } },
      [NDJSON]: { schema: { $ref: getSchemaPath(BatchItemDto) } },
    },
  })
  @ApiExtraModels(BatchResponseDto, BatchItemDto)
  @ApiProblemResponses(...ACCESS_ERRORS, 'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE')
  async previewMany(
    @Body() body: BatchRequestDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Selected<BatchResponseDto> | AsyncGenerator<Selected<BatchItemDto>>> {
    this.batch.checkSize(body.urls);
    const selection = { fields: body.fields, debug: false };
    const controller = abortOnDisconnect(reply);
    if (wantsNdjson(accept)) {
      void reply.header('content-type', `${NDJSON}; charset=utf-8`);
      return selectEach(this.batch.asCompleted(body.urls, controller), selection);
    }
    const results = await this.batch.inOrder(body.urls, controller.signal);
    return new Selected(Object.assign(new BatchResponseDto(), { results }), selection);
  }

  @Get()
  @ApiOperation({
    summary: 'Preview a URL',
    description:
      'Fetches the page (or answers from the cache) and returns its preview. Null and empty fields are omitted; ' +
      '`fields` narrows the answer; `debug=true` adds sources, timings, redirects and bytes, and `refresh=true` ' +
      'skips the cache read: both are admin actions.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag from an earlier answer' })
  @ApiOkResponse({
    type: PreviewDto,
    description: 'The preview',
    headers: {
      'Cache-Control': {
        description: '`public, max-age=<seconds of freshness left>`; `private, no-store` for debug answers',
        schema: { type: 'string' },
      },
      ETag: { description: 'Weak validator of this representation', schema: { type: 'string' } },
      'X-Cache': { description: 'HIT, MISS or STALE', schema: { type: 'string', enum: ['HIT', 'MISS', 'STALE'] } },
      Vary: {
        description: '`Authorization, X-API-Key` when authentication is on or the answer has debug data',
        schema: { type: 'string' },
      },
    },
  })
  @ApiNotModifiedResponse({ description: 'The ETag in If-None-Match is still current' })
  @ApiProblemResponses(...PREVIEW_ERRORS, 'FORBIDDEN')
  preview(@Query() query: PreviewQueryDto, @Req() request: FastifyRequest): Promise<PreviewAnswer> {
    if (query.debug === true) requireAdmin(principalOf(request), 'debug=true');
    if (query.refresh === true) requireAdmin(principalOf(request), 'refresh=true');
    const selection = { fields: query.fields, debug: query.debug === true };
    return this.previews
      .preview(query.url, { refresh: query.refresh })
      .then((result) => new PreviewAnswer(result, selection));
  }

  @Delete()
  @AdminOnly()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Purge the cached preview of a URL (admin)',
    description:
      'Removes the cached preview (and a cached error) of the URL from every store; the next GET fetches it again.',
  })
  @ApiNoContentResponse({ description: 'The cached preview, if any, is gone' })
  @ApiProblemResponses(...ACCESS_ERRORS, 'VALIDATION_FAILED', 'FORBIDDEN')
  async purge(@Query() query: PreviewTargetQueryDto): Promise<void> {
    await this.previews.purge(query.url);
  }
}
