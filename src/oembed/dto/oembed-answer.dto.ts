import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OEMBED_TYPES, type OembedType } from '../oembed-response.js';

/**
 * An oEmbed 1.0 answer (https://oembed.com, section 2.3.4), as `GET /v1/oembed` returns it. Field names are the
 * spec's snake_case ones. For URLs of a bundled-registry provider it is that provider's answer; for any other URL a
 * `link` answer built from the page's preview.
 */
export class OembedAnswerDto {
  @ApiProperty({ enum: OEMBED_TYPES, example: 'link', description: 'The resource type' })
  type!: OembedType;

  @ApiProperty({ enum: ['1.0'], example: '1.0', description: 'The oEmbed version, always 1.0' })
  version!: '1.0';

  @ApiPropertyOptional({ example: 'How link previews work' })
  title?: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  author_name?: string;

  @ApiPropertyOptional({ example: 'https://example.com/authors/ada' })
  author_url?: string;

  @ApiPropertyOptional({
    example: 'Example Blog',
    description: "The provider's name; for `link` answers the site name",
  })
  provider_name?: string;

  @ApiPropertyOptional({
    example: 'https://example.com',
    description: "The provider's URL; for `link` answers the origin",
  })
  provider_url?: string;

  @ApiPropertyOptional({ example: 3600, description: 'Suggested cache lifetime, seconds' })
  cache_age?: number;

  @ApiPropertyOptional({
    example: 'https://example.com/cover.jpg',
    description: 'A thumbnail within maxwidth × maxheight; present only with its width and height',
  })
  thumbnail_url?: string;

  @ApiPropertyOptional({ example: 480 })
  thumbnail_width?: number;

  @ApiPropertyOptional({ example: 270 })
  thumbnail_height?: number;

  @ApiPropertyOptional({ example: 'https://photos.example/1.jpg', description: 'The image (photo answers)' })
  url?: string;

  @ApiPropertyOptional({
    example: '<iframe src="https://video.example/embed/1" width="640" height="360"></iframe>',
    description: 'Embed markup (video and rich answers of registry providers)',
  })
  html?: string;

  @ApiPropertyOptional({ example: 640, description: 'Width of the resource, at most maxwidth' })
  width?: number;

  @ApiPropertyOptional({ example: 360, description: 'Height of the resource, at most maxheight' })
  height?: number;
}
