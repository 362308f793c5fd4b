/**
 * What the caller wants from a URL: an HTML page to extract from, a JSON or XML document (oEmbed), or an image whose
 * size is needed.
 */
export type FetchMode = 'html' | 'json' | 'xml' | 'image';

/** How much of a body is read: all of it as text (up to the cap), the first bytes of an image, or nothing. */
export type BodyKind = 'text' | 'image-head' | 'none';

/** The media type and charset parameter of a Content-Type header. */
export interface ContentType {
  /** Lower-case `type/subtype` without parameters; undefined when the header is missing or malformed. */
  mimeType?: string;
  /** The `charset` parameter as written (unquoted); the decoder decides whether it is usable. */
  charset?: string;
}

const MIME_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/;

/** Parses a Content-Type header leniently: a malformed one counts as missing rather than failing the fetch. */
export function parseContentType(header: string | undefined): ContentType {
  if (header === undefined) return {};
  const [type = '', ...parameters] = header.split(';');
  const mimeType = type.trim().toLowerCase();
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=', 2);
    if (name.trim().toLowerCase() === 'charset') charset = value.trim().replace(/^"(.*)"$/, '$1');
  }
  return MIME_TYPE.test(mimeType) ? { mimeType, charset } : { charset };
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const DATA_TYPES = new Set(['application/json', 'application/xml', 'application/javascript', 'text/javascript']);

function isData(mimeType: string): boolean {
  // oEmbed providers answer JSON as text/html or text/plain often enough: any textual type is read and parsed.
  if (DATA_TYPES.has(mimeType) || mimeType.startsWith('text/')) return true;
  // `application/ld+json`, `text/xml+oembed` and the common non-standard `application/json+oembed`.
  const subtype = mimeType.slice(mimeType.indexOf('/') + 1);
  return subtype.split('+').some((part) => part === 'json' || part === 'xml');
}

/**
 * Decides how much of an answer to read. Images give their first bytes (enough for the dimensions) in every mode;
 * audio, video, PDF and anything else unexpected are never downloaded. A missing type is read as text: many servers
 * omit it on pages and on oEmbed answers.
 */
export function bodyKindFor(mimeType: string | undefined, mode: FetchMode): BodyKind {
  if (mimeType?.startsWith('image/')) return 'image-head';
  if (mode === 'image') return 'none';
  if (mimeType === undefined) return 'text';
  if (mode === 'html') return HTML_TYPES.has(mimeType) ? 'text' : 'none';
  return isData(mimeType) || HTML_TYPES.has(mimeType) ? 'text' : 'none';
}
