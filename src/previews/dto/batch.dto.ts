import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayNotEmpty, ArrayUnique, IsArray, IsDefined, IsIn, IsOptional } from 'class-validator';
import { type ErrorCode, ERROR_CODES } from '../../common/errors/error-codes.js';
import { PREVIEW_FIELDS, type PreviewField } from './preview-fields.js';
import { PreviewDto } from './preview.dto.js';

export class BatchRequestDto {
  @ApiProperty({
    description:
      'The URLs to preview (1 to BATCH_MAX_URLS, 50 by default). Each is validated on its own: a bad one gets its ' +
      'own error entry and never fails the batch. Duplicates are fetched once.',
    type: [String],
    example: ['https://example.com/a', 'https://example.com/b'],
    minItems: 1,
  })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  urls!: unknown[];

  @ApiPropertyOptional({
    description: 'Fields to return for every preview (`url` is always returned)',
    enum: PREVIEW_FIELDS,
    isArray: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty({ message: 'fields must name at least one field (leave it out for every field)' })
  @IsIn(PREVIEW_FIELDS, { each: true, message: `each value in fields must be one of: ${PREVIEW_FIELDS.join(', ')}` })
  @ArrayUnique()
  fields?: PreviewField[];
}

/** Why one URL of a batch has no preview: the problem it would have had as a single request. */
export class BatchErrorDto {
  @ApiProperty({ enum: ERROR_CODES, example: 'UPSTREAM_TIMEOUT' })
  code!: ErrorCode;

  @ApiProperty({ example: 504 })
  status!: number;

  @ApiProperty({ example: 'Upstream timeout' })
  title!: string;

  @ApiProperty({ example: 'example.com did not answer within 8000 ms' })
  detail!: string;

  @ApiPropertyOptional({ example: 404, description: 'For UPSTREAM_ERROR caused by the target answering 4xx/5xx' })
  upstreamStatus?: number;

  @ApiPropertyOptional({
    example: 'status',
    description:
      'For UPSTREAM_ERROR: what went wrong upstream; for OVERLOADED: what was full (origin_queue, origin_budget, ' +
      'parse_queue, parse_budget); for UPSTREAM_TIMEOUT: deadline, connect, read, or batch_deadline',
  })
  cause?: string;

  @ApiPropertyOptional({
    example: 'bot-challenge',
    description: 'For UPSTREAM_BLOCKED: what stood in the way',
    enum: ['bot-challenge', 'consent', 'login-wall', 'forbidden'],
  })
  reason?: string;

  @ApiPropertyOptional({
    example: false,
    description:
      'false when no request for this URL left the service (it was shed, or still waiting at the batch deadline): ' +
      'nothing is known of the target',
  })
  reachedUpstream?: boolean;
}

export class BatchItemDto {
  @ApiPropertyOptional({ example: 0, description: 'Position in the request (NDJSON lines only)' })
  index?: number;

  @ApiProperty({
    type: 'string',
    example: 'https://example.com/a',
    description: 'The URL as given in the request (echoed as it was, also when it was not a string)',
  })
  url!: unknown;

  @ApiProperty({ example: true })
  ok!: boolean;

  @ApiPropertyOptional({ type: PreviewDto })
  preview?: PreviewDto;

  @ApiPropertyOptional({ type: BatchErrorDto })
  error?: BatchErrorDto;
}

export class BatchResponseDto {
  @ApiProperty({ type: [BatchItemDto], description: 'One entry per requested URL, in request order' })
  results!: BatchItemDto[];
}
