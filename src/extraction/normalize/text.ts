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
