import { decodeHTML } from 'entities';

const LEFTOVER_ENTITY = /&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/i;
const WHITESPACE = /[\s\u200b\u2028\u2029]+/g;

/**
 * Decodes HTML entities that survived the parser's own decoding (pages that escape twice,
 * `&amp;amp;`, `&amp;#39;`) and JSON-LD strings the parser never decodes.
 */
export function decodeEntities(value: string): string {
  let out = value;
  // Two rounds cover double escaping; a third level is vanishingly rare and could be literal text.
  for (let round = 0; round < 2 && LEFTOVER_ENTITY.test(out); round++) {
    out = decodeHTML(out);
  }
  return out;
}

/** Collapses runs of whitespace (including non-breaking and zero-width spaces) into one space and trims. */
export function collapseWhitespace(value: string): string {
  return value.replace(WHITESPACE, ' ').trim();
}

/** Decoded, whitespace-collapsed text, or `undefined` when nothing is left. */
export function cleanText(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const text = collapseWhitespace(decodeEntities(value));
  return text === '' ? undefined : text;
}

/** A positive integer from attribute text such as `"1200"` or `"1200px"`, else `undefined`. */
export function toDimension(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{1,6})(?:\.\d+)?(?:px)?$/i.exec(value.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  return n > 0 ? n : undefined;
}

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Context the grapheme segmenter reads on each side of a cut, so it sees whole clusters around it. */
const SEGMENT_WINDOW = 64;
/** A word boundary is preferred when it keeps at least this share of the allowed length. */
const WORD_BOUNDARY_SHARE = 0.8;
/** Marks that join a cut text to what followed it, dropped before the ellipsis. */
const JOINERS = new Set([',', ';', ':', '·', '•', '|', '/', '\\', '-', '–', '—']);

/**
 * `text` when it has at most `max` UTF-16 code units; otherwise cut before `max` at the last word boundary (when
 * that keeps most of the text) or else at a grapheme boundary, so no character, emoji or accent is split, and ended
 * with `…`. The result, ellipsis included, is never longer than `max`.
 *
 * @param force cut and mark even a short `text` (its source was longer than what was read of it)
 */
export function capText(text: string, max: number, force = false): string {
  if (text.length <= max && !force) return text;
  const room = Math.min(max, text.length) - ELLIPSIS.length;
  const space = lastSpaceAtOrBefore(text, room, Math.ceil(room * WORD_BOUNDARY_SHARE));
  const end = space ?? graphemeBoundaryAtOrBefore(text, room);
  return `${withoutTrailingJoiners(text.slice(0, end))}${ELLIPSIS}`;
}

function withoutTrailingJoiners(text: string): string {
  let end = text.length;
  while (end > 0 && (JOINERS.has(text[end - 1]) || /\s/.test(text[end - 1]))) end -= 1;
  return text.slice(0, end);
}

/** The index of the last whitespace in `text[from..index]`, if any. */
function lastSpaceAtOrBefore(text: string, index: number, from: number): number | undefined {
  for (let at = Math.min(index, text.length - 1); at >= from; at--) {
    if (/\s/.test(text[at])) return at;
  }
  return undefined;
}

/** The last grapheme boundary at or before `index`, found by segmenting a small window around it. */
function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  const start = Math.max(0, index - SEGMENT_WINDOW);
  let boundary = start;
  for (const { index: at, segment } of graphemes.segment(text.slice(start, index + SEGMENT_WINDOW))) {
    if (start + at + segment.length > index) break;
    boundary = start + at + segment.length;
  }
  return boundary;
}
