import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Exclude, Expose } from 'class-transformer';
import type { OembedAnswerDto } from '../../oembed/dto/oembed-answer.dto.js';
import { ALL_FIELDS_GROUP, DEBUG_GROUP, fieldGroup, type PreviewField } from './preview-fields.js';

/** Exposes a selectable field: always without `fields=`, otherwise only when it is named. */
const Field = (field: PreviewField): PropertyDecorator => Expose({ groups: [ALL_FIELDS_GROUP, fieldGroup(field)] });
const DebugField = (): PropertyDecorator => Expose({ groups: [DEBUG_GROUP] });

export class ImageDto {
  @ApiProperty({ example: 'https://example.com/cover.jpg' })
  url!: string;

  @ApiPropertyOptional({ example: 1200 })
  width?: number;

  @ApiPropertyOptional({ example: 630 })
  height?: number;

  @ApiPropertyOptional({ example: 'The cover picture' })
  alt?: string;

  @ApiPropertyOptional({ example: 'image/jpeg' })
  type?: string;
}

export class VideoDto {
  @ApiProperty({ example: 'https://example.com/clip.mp4' })
  url!: string;

  @ApiPropertyOptional({ example: 1280 })
  width?: number;

  @ApiPropertyOptional({ example: 720 })
  height?: number;

  @ApiPropertyOptional({ example: 'video/mp4' })
  type?: string;
}

export class IconDto {
  @ApiProperty({ example: 'https://example.com/apple-touch-icon.png' })
  url!: string;

  @ApiPropertyOptional({ example: '180x180' })
  sizes?: string;

  @ApiPropertyOptional({ example: 'image/png' })
  type?: string;

  @ApiProperty({ example: 'apple-touch-icon', description: 'The link relation it came from' })
  rel!: string;
}

export class OembedDto {
  @ApiProperty({ enum: ['photo', 'video', 'link', 'rich'], example: 'video' })
  type!: string;

  @ApiPropertyOptional({ example: 'A talk about link previews' })
  title?: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  authorName?: string;

  @ApiPropertyOptional({ example: 'https://video.example/ada' })
  authorUrl?: string;

  @ApiPropertyOptional({ example: 'Video Example' })
  providerName?: string;

  @ApiPropertyOptional({ example: 'https://video.example/' })
  providerUrl?: string;

  @ApiPropertyOptional({
    description: 'Embed markup; only passed through from providers in the bundled registry',
    example: '<iframe src="https://video.example/embed/1" width="640" height="360"></iframe>',
  })
  html?: string;

  @ApiPropertyOptional({ example: 640 })
  width?: number;

  @ApiPropertyOptional({ example: 360 })
  height?: number;

  @ApiPropertyOptional({ example: 'https://video.example/thumb/1.jpg' })
  thumbnailUrl?: string;
}

export class TimingsDto {
  @ApiProperty({ example: 1.2, description: 'DNS lookup, ms' })
  dns!: number;

  @ApiProperty({ example: 20.5, description: 'TCP and TLS connect, ms' })
  connect!: number;

  @ApiProperty({ example: 80.1, description: 'Time to the first byte of the answer, ms' })
  ttfb!: number;

  @ApiProperty({ example: 15.3, description: 'Reading the body, ms' })
  download!: number;

  @ApiProperty({ example: 3.4, description: 'Parsing and extraction, ms' })
  parse!: number;

  @ApiProperty({ example: 121.7, description: 'The whole preview, ms' })
  total!: number;
}

export class RedirectDto {
  @ApiProperty({ example: 'http://example.com/post' })
  url!: string;

  @ApiProperty({ example: 301 })
  status!: number;
}

/** A link preview. Null, undefined and empty fields are omitted from the answer. */
export class PreviewDto {
  @ApiProperty({ example: 'https://example.com/post', description: 'The URL that was asked for' })
  url!: string;

  @Field('finalUrl')
  @ApiPropertyOptional({ example: 'https://www.example.com/post', description: 'Where the redirects ended' })
  finalUrl?: string;

  @Field('canonicalUrl')
  @ApiPropertyOptional({ example: 'https://www.example.com/post' })
  canonicalUrl?: string;

  @Field('status')
  @ApiPropertyOptional({ example: 200, description: 'HTTP status of the final answer' })
  status?: number;

  @Field('contentType')
  @ApiPropertyOptional({ example: 'text/html' })
  contentType?: string;

  @Field('type')
  @ApiPropertyOptional({ example: 'article', description: 'og:type, inferred when absent; `image` for image URLs' })
  type?: string;

  @Field('title')
  @ApiPropertyOptional({ example: 'How link previews work' })
  title?: string;

  @Field('description')
  @ApiPropertyOptional({ example: 'What happens between pasting a link and seeing its card.' })
  description?: string;

  @Field('siteName')
  @ApiPropertyOptional({ example: 'Example Blog' })
  siteName?: string;

  @Field('lang')
  @ApiPropertyOptional({ example: 'en', description: 'ISO 639-1' })
  lang?: string;

  @Field('author')
  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  author?: string;

  @Field('publishedAt')
  @ApiPropertyOptional({ example: '2024-03-05T10:00:00.000Z', format: 'date-time' })
  publishedAt?: string;

  @Field('modifiedAt')
  @ApiPropertyOptional({ example: '2024-03-06T08:30:00.000Z', format: 'date-time' })
  modifiedAt?: string;

  @Field('themeColor')
  @ApiPropertyOptional({ example: '#336699' })
  themeColor?: string;

  @Field('images')
  @ApiPropertyOptional({ type: [ImageDto] })
  images?: ImageDto[];

  @Field('videos')
  @ApiPropertyOptional({ type: [VideoDto] })
  videos?: VideoDto[];

  @Field('icons')
  @ApiPropertyOptional({ type: [IconDto] })
  icons?: IconDto[];

  @Field('oembed')
  @ApiPropertyOptional({ type: OembedDto })
  oembed?: OembedDto;

  @Field('fetchedAt')
  @ApiPropertyOptional({ example: '2024-03-07T12:00:00.000Z', format: 'date-time' })
  fetchedAt?: string;

  @DebugField()
  @ApiPropertyOptional({
    description: 'Debug only: the rule that gave each field',
    example: { title: 'og:title', description: 'meta:description' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  sources?: Record<string, string>;

  @DebugField()
  @ApiPropertyOptional({ type: TimingsDto, description: 'Debug only' })
  timings?: TimingsDto;

  @DebugField()
  @ApiPropertyOptional({ type: [RedirectDto], description: 'Debug only' })
  redirects?: RedirectDto[];

  @DebugField()
  @ApiPropertyOptional({ example: 48213, description: 'Debug only: decoded bytes read' })
  bytes?: number;

  /** A registry provider's own oEmbed answer, kept with the cached preview for `GET /v1/oembed`; never shown here. */
  @Exclude()
  @ApiHideProperty()
  providerAnswer?: OembedAnswerDto;
}
