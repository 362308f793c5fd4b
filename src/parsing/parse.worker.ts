import { parentPort } from 'node:worker_threads';
import { decodeText } from '../fetcher/charset.js';
import { extract, type Metadata } from '../extraction/extract.js';

/** A fetched page as the parser takes it: its bytes (content codings undone), not yet decoded to text. */
export interface PageBytes {
  bytes: Uint8Array;
  /** The `charset` of Content-Type, as the server wrote it. */
  declaredCharset?: string;
  /** Whether the body was cut at the byte cap (it may end inside a character). */
  truncated: boolean;
}

/** A page to parse, as the pool hands it to a worker (the bytes' ArrayBuffer is transferred, not copied). */
export interface ParseTask extends PageBytes {
  /** The page's final URL: the base of its relative URLs. */
  url: string;
  /** Set by the pool: the worker reports it when it starts, which is when the parse deadline starts. */
  id?: number;
}

/** What a worker posts when it starts a task: `{ [PARSE_STARTED]: id }`. */
export const PARSE_STARTED = 'parseStarted';

/** Decodes the page as a browser would (BOM, Content-Type, `<meta>` prescan) and extracts its metadata. */
export function parsePage(task: ParseTask): Metadata {
  const buffer = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const { text } = decodeText(buffer, task.declaredCharset, 'html', task.truncated);
  return extract(text, task.url);
}

/** Piscina entry point: one page, decoded and extracted inside a worker thread. */
export default function parseTask(task: ParseTask): Metadata {
  if (task.id !== undefined) parentPort?.postMessage({ [PARSE_STARTED]: task.id });
  return parsePage(task);
}
