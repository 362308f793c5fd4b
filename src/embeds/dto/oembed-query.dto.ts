import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PreviewTargetQueryDto } from '../../previews/dto/preview-query.dto.js';

/** Largest size a caller can ask an embed to fit in. */
const MAX_EMBED_SIZE = 10_000;

/** The query of `GET /v1/oembed`, as the oEmbed 1.0 spec names it. */
export class OembedQueryDto extends PreviewTargetQueryDto {
  // No examples on the sizes: Swagger UI would pre-fill "Try it out" with them and shrink the answer.
  @ApiPropertyOptional({ description: 'Largest width the embed may take, px (e.g. 640)', minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EMBED_SIZE)
  maxwidth?: number;

  @ApiPropertyOptional({ description: 'Largest height the embed may take, px (e.g. 480)', minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EMBED_SIZE)
  maxheight?: number;

  @ApiPropertyOptional({ description: 'Answer format; only json is served', enum: ['json'], default: 'json' })
  @IsOptional()
  @IsIn(['json'], { message: 'format must be json (xml is not served)' })
  format?: 'json';
}
