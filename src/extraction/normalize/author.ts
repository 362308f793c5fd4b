import { cleanText } from './text.js';
import { isHttpUrl } from './urls.js';

const MAX_AUTHOR_LENGTH = 100;
const BY_PREFIX = /^(?:(?:written|posted|story|words|text|photos?)\s+)?by(?:[\s:]+|$)/i;
const JOB_WORDS = new Set(
  (
    'reporter writer editor correspondent contributor columnist journalist producer analyst staff critic director ' +
    'manager chief senior associate intern freelance author photographer founder ceo cto professor fellow anchor host for at'
  ).split(' '),
);
const BYLINE_SEPARATOR = /[,|\u2022]| [-\u2013\u2014] /;

/**
 * A person or organisation name from a byline or author field: decoded and collapsed, without a
 * leading `By`/`@`, cut before a job title (`Jane Doe, Senior Reporter`), and rejected when it is a
 * URL, empty or too long to be a name.
 */
export function normalizeAuthor(value: unknown): string | undefined {
  let text = cleanText(value);
  if (text === undefined || isHttpUrl(text) || /^www\.|^\/\//i.test(text)) return undefined;
  text = text.replace(BY_PREFIX, '').replace(/^@\s*/, '');
  const parts = text.split(BYLINE_SEPARATOR);
  if (parts.length > 1 && parts.slice(1).some(isJobTitle)) {
    text = parts[0];
  }
  text = text.trim();
  if (text === '' || text.length > MAX_AUTHOR_LENGTH || !/\p{L}/u.test(text)) return undefined;
  return text;
}

function isJobTitle(part: string): boolean {
  return part
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .some((word) => JOB_WORDS.has(word));
}
