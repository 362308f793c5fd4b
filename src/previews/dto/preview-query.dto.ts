import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsBoolean, IsDefined, IsIn, IsOptional } from 'class-validator';
import { IsHttpUrl } from '../../common/validation/is-http-url.decorator.js';
import { ToBooleanStrict, ToList } from '../../common/validation/transforms.js';
import { PREVIEW_FIELDS, type PreviewField } from './preview-fields.js';

/** The target URL, shared by every previews route. */
export class PreviewTargetQueryDto {
  @ApiProperty({
    description: 'The page to preview: absolute http(s), at most 2048 characters',
    example: 'https://example.com/post',
  })
  @IsDefined()
  @IsHttpUrl()
  url!: string;
}

export class PreviewQueryDto extends PreviewTargetQueryDto {
  @ApiPropertyOptional({
    // No example: Swagger UI would pre-fill "Try it out" with it and cut the answer down.
    description: 'Comma-separated fields to return, e.g. `title,images` (`url` is always returned)',
    type: 'string',
  })
  @IsOptional()
  @ToList()
  @ArrayNotEmpty({ message: 'fields must name at least one field (leave it out for every field)' })
  @IsIn(PREVIEW_FIELDS, { each: true, message: `each value in fields must be one of: ${PREVIEW_FIELDS.join(', ')}` })
  @ArrayUnique()
  fields?: PreviewField[];

  @ApiPropertyOptional({
    description: 'Skip the cache read and fetch the page again (admin only)',
    type: 'boolean',
    default: false,
  })
  @IsOptional()
  @ToBooleanStrict()
  @IsBoolean()
  refresh?: boolean;

  @ApiPropertyOptional({
    description: 'Add the debug group (sources, timings, redirects, bytes; admin only)',
    type: 'boolean',
    default: false,
  })
  @IsOptional()
  @ToBooleanStrict()
  @IsBoolean()
  debug?: boolean;
}
