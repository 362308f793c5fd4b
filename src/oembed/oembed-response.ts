import { plainToInstance, Transform } from 'class-transformer';
import {
  Equals,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  validate,
} from 'class-validator';
import secureJsonParse from 'secure-json-parse';
import { parseOembedXml } from './oembed-xml.js';
import { isAbsoluteHttpUrl } from '../common/validation/is-http-url.decorator.js';

/** The four resource types of oEmbed 1.0. */
export const OEMBED_TYPES = ['photo', 'video', 'link', 'rich'] as const;
export type OembedType = (typeof OEMBED_TYPES)[number];

/** Widths, heights and thumbnail sizes above this are treated as a broken answer. */
export const MAX_OEMBED_DIMENSION = 10_000;

/** Every field an oEmbed 1.0 answer may carry; anything else is dropped. */
export const OEMBED_FIELDS = [
  'type',
  'version',
  'title',
  'author_name',
  'author_url',
  'provider_name',
  'provider_url',
  'cache_age',
  'thumbnail_url',
  'thumbnail_width',
  'thumbnail_height',
  'url',
  'html',
  'width',
  'height',
] as const;

const URL_FIELDS = ['url', 'author_url', 'provider_url', 'thumbnail_url'] as const;

const IsHttpUrl = (): PropertyDecorator =>
  ValidateBy({
    name: 'isHttpUrl',
    validator: { validate: isAbsoluteHttpUrl, defaultMessage: () => '$property must be an absolute http(s) URL' },
  });

/** XML answers carry every value as text, and some JSON providers quote their numbers. */
const ToNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value,
  );

const Dimension = (): PropertyDecorator => {
  const decorators = [
    ToNumber(),
    IsOptional(),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(0),
    Max(MAX_OEMBED_DIMENSION),
  ];
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
};

const Text = (maxLength: number): PropertyDecorator => {
  const decorators = [IsOptional(), IsString(), MaxLength(maxLength)];
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
};

const HttpUrl = (): PropertyDecorator => {
  const decorators = [IsOptional(), IsHttpUrl()];
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
};

/** An oEmbed 1.0 answer as a provider sends it (snake_case), loaded with `plainToInstance` and validated. */
export class OembedResponse {
  @IsIn(OEMBED_TYPES)
  type!: OembedType;

  // Several providers write the version as the JSON number 1.0, which parses to 1.
  @Transform(({ value }: { value: unknown }) => (value === 1 ? '1.0' : value))
  @Equals('1.0')
  version!: '1.0';

  @Text(2000)
  title?: string | null;

  @Text(500)
  author_name?: string | null;

  @HttpUrl()
  author_url?: string | null;

  @Text(500)
  provider_name?: string | null;

  @HttpUrl()
  provider_url?: string | null;

  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(0)
  cache_age?: number | null;

  @HttpUrl()
  thumbnail_url?: string | null;

  @Dimension()
  thumbnail_width?: number | null;

  @Dimension()
  thumbnail_height?: number | null;

  // A photo is its URL, so a photo answer without one is unusable.
  @ValidateIf((answer: OembedResponse) => answer.type === 'photo' || (answer.url !== undefined && answer.url !== null))
  @IsHttpUrl()
  url?: string | null;

  @Text(200_000)
  html?: string | null;

  @Dimension()
  width?: number | null;

  @Dimension()
  height?: number | null;
}

/** Parses a JSON body: prototype-poisoning keys are removed, anything that is not an object is refused. */
export function parseOembedJson(body: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = secureJsonParse(body, null, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return undefined;
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}

/** Keeps the known fields, turns empty strings into absent values and resolves relative URLs against `base`. */
function normalize(plain: Record<string, unknown>, base: string): Record<string, unknown> {
  const known: Record<string, unknown> = {};
  for (const field of OEMBED_FIELDS) {
    const value = Object.hasOwn(plain, field) ? plain[field] : undefined;
    known[field] = typeof value === 'string' && value.trim() === '' ? undefined : value;
  }
  for (const field of URL_FIELDS) {
    const value = known[field];
    if (typeof value !== 'string') continue;
    try {
      known[field] = new URL(value.trim(), base).href;
    } catch {
      // Left as is: the validation below refuses it.
    }
  }
  return known;
}

/**
 * Loads a provider's answer into an {@link OembedResponse} and validates it.
 * @param body the raw body
 * @param format how to read it
 * @param base the URL it came from, to make relative URLs absolute
 * @returns the answer, or a reason why it is unusable
 */
export async function readOembedResponse(
  body: string,
  format: 'json' | 'xml',
  base: string,
): Promise<{ ok: true; response: OembedResponse } | { ok: false; reason: string }> {
  const plain = format === 'json' ? parseOembedJson(body) : parseOembedXml(body);
  if (plain === undefined) return { ok: false, reason: `not an oEmbed ${format} document` };
  const response = plainToInstance(OembedResponse, normalize(plain, base));
  const errors = await validate(response, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    return { ok: false, reason: `invalid answer: ${errors.map((error) => error.property).join(', ')}` };
  }
  return { ok: true, response };
}
