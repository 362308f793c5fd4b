import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { DomainError } from '../common/errors/domain-error.js';

/** Content codings the fetcher announces in `Accept-Encoding` and can undo. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** More layers than this is not a real server: each layer costs a zlib stream, so refuse before building them. */
const MAX_ENCODING_LAYERS = 3;

/** What was read of a body, after every content coding was undone. */
export interface CappedBody {
  /** Decoded bytes, at most the cap. */
  buffer: Buffer;
  /** Whether the decoded body went on past the cap (and reading stopped there). */
  truncated: boolean;
}

/** What to do with a body that decodes to more than the cap. */
export type OverCap = 'truncate' | 'fail';

/** Drops a body that will not be read, closing its socket. */
export function discard(body: Readable): void {
  // undici reports the destruction of an unfinished body as an 'error' event; nobody waits for this body any more.
  body.on('error', () => undefined);
  body.destroy();
}

function decodeError(detail: string): DomainError {
  return new DomainError('UPSTREAM_ERROR', detail, { details: { cause: 'decode' } });
}

function decoderFor(coding: string): Transform {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    // RFC 9110 `deflate` is the zlib format; the rare raw-deflate server ends as a decode error.
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw decodeError(`unsupported content encoding ${JSON.stringify(coding)}`);
  }
}

/**
 * The decoders for a `Content-Encoding` header, in the order to apply them: codings are listed in the order they
 * were applied, so `gzip, br` is undone by brotli first, then gunzip.
 */
export function decodersFor(contentEncoding: string | undefined): Transform[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length > MAX_ENCODING_LAYERS) throw decodeError(`${codings.length} content encodings`);
  return codings.toReversed().map(decoderFor);
}

/**
 * Reads `body` through its content decoders, counting decoded bytes, and stops as soon as the count passes `cap`:
 * the streams are destroyed there, so a compression bomb costs at most one decoder chunk past the cap and the socket
 * is closed instead of drained. Over the cap, `truncate` keeps the first `cap` bytes and `fail` throws
 * `UPSTREAM_TOO_LARGE`. `onProgress` hears the decoded total after every chunk; what it throws ends the read.
 */
export async function readCapped(
  body: Readable,
  contentEncoding: string | undefined,
  cap: number,
  overCap: OverCap,
  onProgress?: (decodedBytes: number) => void,
): Promise<CappedBody> {
  let decoders: Transform[];
  try {
    decoders = decodersFor(contentEncoding);
  } catch (error) {
    discard(body);
    throw error;
  }
  // pipeline() destroys every stream when one fails or the last one is closed early; its callback only swallows the
  // premature-close report of that early stop, the errors themselves surface in the loop below.
  const stream: Readable =
    decoders.length === 0 ? body : (pipeline([body, ...decoders], () => undefined) as unknown as Readable);
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (size + chunk.length > cap) {
        truncated = true;
        chunks.push(chunk.subarray(0, cap - size));
        size = cap;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
      onProgress?.(size);
    }
  } catch (error) {
    // A decoder error, or the caller refusing more bytes: nothing more of this body is read.
    discard(stream);
    discard(body);
    throw error;
  }
  if (truncated) {
    discard(stream);
    discard(body);
    if (overCap === 'fail') {
      throw new DomainError('UPSTREAM_TOO_LARGE', `the answer is larger than ${cap} bytes`, {
        details: { maxBytes: cap },
      });
    }
  }
  return { buffer: Buffer.concat(chunks, size), truncated };
}
