import { isUtf8 as isWellFormedUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { ResultType, Sniffer } from 'encoding-sniffer/sniffer';

/** A decoded text body and the encoding that decoded it (WHATWG name, lower case). */
export interface DecodedText {
  text: string;
  charset: string;
}

/** How the encoding of a body is found. */
export type SniffMode = 'html' | 'xml' | 'json';

function decoderFor(name: string): TextDecoder | undefined {
  try {
    return new TextDecoder(name);
  } catch {
    // Labels WHATWG maps to `replacement` (iso-2022-kr…) and ones Node lacks (x-user-defined) cannot be constructed.
    return undefined;
  }
}

/** How far the `<meta>` prescan reads: the first 1024 bytes, as the HTML standard's prescan does. */
const PRESCAN_BYTES = 1024;
/**
 * How far a late `<meta charset>` is looked for when the prescan found none: a browser's parser still meets one
 * there (after long comments, scripts or styles) and re-decodes the page with it.
 */
const LATE_META_BYTES = 128 * 1024;

/** Bytes a UTF-8 character can have after its lead byte: a body cut at the cap may end inside one. */
const MAX_UTF8_CONTINUATION = 3;

function isUtf8(buffer: Buffer, truncated: boolean): boolean {
  if (isWellFormedUtf8(buffer)) return true;
  if (!truncated) return false;
  // A body cut at the byte cap may end inside a character, which is not a reason to doubt UTF-8.
  for (let cut = 1; cut <= MAX_UTF8_CONTINUATION && cut < buffer.length; cut++) {
    if (isWellFormedUtf8(buffer.subarray(0, buffer.length - cut))) return true;
  }
  return false;
}

/**
 * UTF-8 through Buffer#toString, which uses V8's SIMD decoder: Node 20's TextDecoder took most of the main thread's
 * time on large pages. Same output as WHATWG decoding (U+FFFD for bad bytes), with the BOM dropped as it does.
 */
function decodeUtf8(buffer: Buffer): string {
  const text = buffer.toString('utf8');
  return text.codePointAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The encoding a `<meta charset>` (or `http-equiv` Content-Type) beyond the prescan names, as a browser's parser
 * would find it and re-decode the page; `undefined` when there is none within {@link LATE_META_BYTES}.
 */
function lateMetaEncoding(buffer: Buffer): string | undefined {
  if (buffer.length <= PRESCAN_BYTES) return undefined;
  const sniffer = new Sniffer({ maxBytes: LATE_META_BYTES, defaultEncoding: 'utf-8' });
  sniffer.write(buffer.subarray(0, LATE_META_BYTES));
  return sniffer.resultType === ResultType.META_TAG ? sniffer.encoding.toLowerCase() : undefined;
}

/**
 * Decodes a body the way a browser would: a BOM wins, then the `charset` of Content-Type, then (HTML only) the
 * `<meta>` or XML-declaration prescan of the first 1024 bytes (not for JSON), then a `<meta charset>` further on,
 * which browsers honour by re-decoding when their parser meets it. Unknown or unsupported labels (`utf-7`, garbage)
 * are skipped like browsers skip them. With nothing declared, HTML is read as UTF-8 when it is valid UTF-8 and as
 * windows-1252 otherwise; JSON and XML default to UTF-8. Never throws.
 */
export function decodeText(
  buffer: Buffer,
  declaredCharset: string | undefined,
  mode: SniffMode,
  truncated = false,
): DecodedText {
  const sniffer = new Sniffer({
    // JSON declares nothing in its text: look only for a BOM, so a `<meta charset>` inside a string is not obeyed.
    maxBytes: mode === 'json' ? 3 : PRESCAN_BYTES,
    transportLayerEncodingLabel: declaredCharset,
    defaultEncoding: 'utf-8',
  });
  sniffer.write(buffer);
  let name = sniffer.encoding.toLowerCase();
  if (sniffer.resultType === ResultType.DEFAULT && mode === 'html') {
    name = lateMetaEncoding(buffer) ?? (isUtf8(buffer, truncated) ? 'utf-8' : 'windows-1252');
  }
  if (name === 'utf-8') return { text: decodeUtf8(buffer), charset: name };
  let decoder = decoderFor(name);
  if (decoder === undefined) {
    name = isUtf8(buffer, truncated) ? 'utf-8' : 'windows-1252';
    if (name === 'utf-8') return { text: decodeUtf8(buffer), charset: name };
    decoder = new TextDecoder(name);
  }
  return { text: decoder.decode(buffer), charset: name };
}
