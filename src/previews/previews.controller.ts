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
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblemResponses } from '../common/swagger/api-problem-responses.decorator.js';
import { BatchService } from './batch.service.js';
import { BatchItemDto, BatchRequestDto, BatchResponseDto } from './dto/batch.dto.js';
import { PreviewQueryDto, PreviewTargetQueryDto } from './dto/preview-query.dto.js';
import { PreviewDto } from './dto/preview.dto.js';
import { PreviewSerializerInterceptor } from './preview-serializer.interceptor.js';
import { PreviewsService } from './previews.service.js';
import { etagMatches, ResponseCache } from './response-cache.js';

/** What building a preview can fail with, as every route that builds one documents it. */
export const PREVIEW_ERRORS = [
  'VALIDATION_FAILED',
  'INVALID_URL',
  'BLOCKED_DESTINATION',
  'UPSTREAM_ERROR',
  'UPSTREAM_TOO_LARGE',
  'UPSTREAM_TIMEOUT',
  'OVERLOADED',
] as const;

/** A weak ETag for one representation: the cached entry's version and the selection that shaped the body. */
function etagFor(version: string, groups: readonly string[]): string {
  const selection = `${version}|${groups.join(',')}`;
  return `W/"${createHash('sha256').update(selection).digest('base64url').slice(0, 27)}"`;
}

const NDJSON = 'application/x-ndjson';

/** Whether the client prefers NDJSON over JSON (`Accept: application/x-ndjson`). */
function wantsNdjson(accept: string | undefined): boolean {
  return accept?.split(',').some((type) => type.trim().split(';')[0].trim() === NDJSON) ?? false;
}

/** An AbortController aborted when the client closes the connection before the answer is complete. */
function abortOnDisconnect(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  // The framework, the logger and the stream writer already watch this response: make room for one more listener.
  reply.raw.setMaxListeners(reply.raw.getMaxListeners() + 1);
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client closed the connection'));
  });
  return controller;
}

@ApiTags('previews')
@Controller('v1/previews')
@UseInterceptors(PreviewSerializerInterceptor)
export class PreviewsController {
  constructor(
    private readonly previews: PreviewsService,
    private readonly batch: BatchService,
    private readonly serializer: PreviewSerializerInterceptor,
    private readonly responses: ResponseCache,
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
  @ApiProblemResponses('VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE')
  async previewMany(
    @Body() body: BatchRequestDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchResponseDto | AsyncGenerator<BatchItemDto>> {
    this.batch.checkSize(body.urls);
    const controller = abortOnDisconnect(reply);
    if (wantsNdjson(accept)) {
      void reply.header('content-type', `${NDJSON}; charset=utf-8`);
      return this.batch.asCompleted(body.urls, controller);
    }
    return Object.assign(new BatchResponseDto(), { results: await this.batch.inOrder(body.urls, controller.signal) });
  }

  @Get()
  @ApiOperation({
    summary: 'Preview a URL',
    description:
      'Fetches the page (or answers from the cache) and returns its preview. Null and empty fields are omitted; ' +
      '`fields` narrows the answer; `debug=true` adds sources, timings, redirects and bytes for callers allowed to see them.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag from an earlier answer' })
  @ApiOkResponse({
    type: PreviewDto,
    description: 'The preview',
    headers: {
      'Cache-Control': { description: 'public, max-age=<seconds of freshness left>', schema: { type: 'string' } },
      ETag: { description: 'Weak validator of this representation', schema: { type: 'string' } },
      'X-Cache': { description: 'HIT, MISS or STALE', schema: { type: 'string', enum: ['HIT', 'MISS', 'STALE'] } },
    },
  })
  @ApiNotModifiedResponse({ description: 'The ETag in If-None-Match is still current' })
  @ApiProblemResponses(...PREVIEW_ERRORS)
  async preview(
    @Query() query: PreviewQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const result = await this.previews.preview(query.url, { refresh: query.refresh });
    const groups = this.serializer.groupsFor(request);
    const etag = etagFor(result.version, groups);
    void reply
      .header('cache-control', `public, max-age=${result.maxAgeSeconds}`)
      .header('etag', etag)
      .header('x-cache', result.state);
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag)) {
      void reply.status(304);
      return undefined;
    }
    // Serialized here rather than by the interceptor, so that the same text can be written again by the micro-cache.
    const body = this.serializer.toJson(Object.assign(new PreviewDto(), result.preview), groups);
    if (result.state === 'MISS') this.responses.purge(result.key);
    if (result.state !== 'STALE' && ResponseCache.cacheable(query)) {
      const freshUntil = Date.now() + result.maxAgeSeconds * 1000;
      this.responses.remember(request.url, { body, etag, cacheKey: result.key, freshUntil });
    }
    void reply.type('application/json; charset=utf-8');
    return body;
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Purge the cached preview of a URL',
    description:
      'Removes the cached preview (and a cached error) of the URL from every store; the next GET fetches it again.',
  })
  @ApiNoContentResponse({ description: 'The cached preview, if any, is gone' })
  @ApiProblemResponses('VALIDATION_FAILED', 'UNAUTHORIZED', 'FORBIDDEN')
  async purge(@Query() query: PreviewTargetQueryDto): Promise<void> {
    this.responses.purge(await this.previews.purge(query.url));
  }
}
