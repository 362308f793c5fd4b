const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

const WEEKDAYS = new Set(
  'mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday sat saturday sun sunday'.split(
    ' ',
  ),
);

/** Words around dates that carry no part of them ("Posted on Mar 5, 2024 at 10:00"). */
const FILLERS = new Set(['at', 'on', 'of', 'the', 'by']);

/** Zone abbreviations whose offset is not in doubt, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  wet: 0,
  west: 60,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  bst: 60,
  msk: 180,
  ist: 330,
  jst: 540,
  kst: 540,
  hkt: 480,
  sgt: 480,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
};

/** US zone names without a season (`10:00 AM ET`): standard or daylight time depending on the date. */
const US_GENERIC_ZONES: Record<string, number> = { et: -300, ct: -360, mt: -420, pt: -480 };
/** The first year of today's US daylight-saving rules; before it the season of a generic zone is not computed. */
const US_DST_RULES_SINCE = 2007;

const MIN_YEAR = 1900;
const MAX_YEAR = 2200;
const MAX_OFFSET_MINUTES = 14 * 60;
/** Two-digit years as POSIX `strptime` reads them: 69–99 are 1969–1999, 00–68 are 2000–2068. */
const TWO_DIGIT_YEAR_PIVOT = 69;

interface DateParts {
  year: number;
  month: number;
  day: number;
  time?: TimeParts;
}

interface TimeParts {
  hour: number;
  minute: number;
  second?: number;
  ms?: number;
  /** Offset from UTC in minutes; a time without a zone is read as UTC. */
  offset?: number;
  /** A US zone named without its season, resolved once the date is known. */
  usZone?: number;
}

/** A value that is a date but whose zone is not understood: no date is better than a confidently wrong one. */
const UNREADABLE = null;
type Parsed<T> = T | undefined | typeof UNREADABLE;

const YMD = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/;
const DMY = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?Z?$/i;
const TIME = /(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?/;
const MERIDIEM = /^\s*([ap])\.?\s?m\.?(?![a-z])/i;
/** An offset (`+8`, `-0500`, `+05:30`, `GMT+8`, `UTC-05:00`). */
const OFFSET = /^(?:gmt|utc|ut)?([+-])(\d{1,4})(?::(\d{2}))?$/;
/** The tokens of a date, each read where the last one ended (see {@link tokenize}). */
const OFFSET_TOKEN = /(?:gmt|utc|ut)?[+-]\d{1,4}(?::\d{2})?(?!\d)/y;
const WORD_TOKEN = /[a-z]+/y;
const NUMBER_TOKEN = /\d+(?:st|nd|rd|th)?/y;
/** Dashes and minus signs pages put where an ASCII hyphen-minus belongs (`−09:00`, `2024–03–05`). */
const DASHES = /[\u2010-\u2015\u2212\ufe63\uff0d]/g;
/** Brackets of comments and annotations after a date: `(Eastern Daylight Time)`, `[Europe/Paris]`. */
const OPENING = new Set(['(', '[']);
const CLOSING = new Set([')', ']']);

/**
 * Reads the many date spellings pages use (ISO 8601, RFC 2822, JavaScript's `Date#toString`, Twitter's
 * `Fri Apr 09 12:53:54 +0000 2010`, `2024/03/05`, `March 5, 2024`, `5 March 2024`, `1-Jan-2020`, `05.03.2024`,
 * `03/14/20`, `Jan 28, 17`, `20240305`, unix seconds or milliseconds) and returns ISO 8601 in UTC. A value without a
 * time keeps its calendar day whatever zone it names; a time whose zone or offset is not understood gives
 * `undefined`, never the same wall time read as UTC.
 */
export function normalizeDate(value: unknown): string | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string' || value.length > 200) return undefined;
  const text = withoutAnnotations(value.replace(DASHES, '-')).replace(/\s+/g, ' ').trim();
  if (text === '' || text.length > 80) return undefined;
  if (/^\d{9,13}$/.test(text)) return fromEpoch(Number(text));
  const parts = parseIsoLike(text) ?? parseCompact(text) ?? parseNumeric(text) ?? parseWithMonthName(text);
  return parts ? toIso(parts) : undefined;
}

/** `value` without what brackets enclose (`GMT-0500 (Eastern Daylight Time)`, `+02:00[Europe/Paris]`). */
function withoutAnnotations(value: string): string {
  let depth = 0;
  let out = '';
  for (const ch of value) {
    if (OPENING.has(ch) || CLOSING.has(ch)) {
      depth = Math.max(0, depth + (OPENING.has(ch) ? 1 : -1));
      out += ' ';
    } else if (depth === 0) {
      out += ch;
    }
  }
  return out;
}

/**
 * Splits lower-case date text into tokens: offsets (`+0500`, `gmt+8`, not the tail of a word or number, so the
 * `-2020` of `1-jan-2020` is a dash and a year), words, numbers with their ordinal suffix, and single marks.
 */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let at = 0;
  while (at < text.length) {
    if (/\s/.test(text[at])) {
      at += 1;
      continue;
    }
    const token = tokenAt(text, at);
    tokens.push(token);
    at += token.length;
  }
  return tokens;
}

function tokenAt(text: string, at: number): string {
  const afterWordOrNumber = at > 0 && /[a-z\d]/.test(text[at - 1]);
  const readers = afterWordOrNumber ? [WORD_TOKEN, NUMBER_TOKEN] : [OFFSET_TOKEN, WORD_TOKEN, NUMBER_TOKEN];
  for (const reader of readers) {
    reader.lastIndex = at;
    const found = reader.exec(text);
    if (found !== null) return found[0];
  }
  return text[at];
}

function fromEpoch(n: number): string | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const ms = n < 1e11 ? n * 1000 : n;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= MAX_YEAR ? date.toISOString() : undefined;
}

function parseIsoLike(text: string): Parsed<DateParts> {
  const m = YMD.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length);
  // `2024-03-05+02:00` (a date with a zone) is still that calendar day.
  if (rest !== '' && !/^[T\s+-]/i.test(rest)) return undefined;
  return withTime({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, rest);
}

function parseCompact(text: string): Parsed<DateParts> {
  const m = COMPACT.exec(text);
  if (!m) return undefined;
  const date: DateParts = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (m[4] !== undefined) date.time = { hour: Number(m[4]), minute: Number(m[5]), second: optionalNumber(m[6]) };
  return date;
}

/** `05.03.2024` (dotted: day first), `03/05/2024` and `03/14/20` (slashed: month first unless impossible). */
function parseNumeric(text: string): Parsed<DateParts> {
  const m = DMY.exec(text);
  if (!m) return undefined;
  let first = Number(m[1]);
  let second = Number(m[3]);
  const dayFirst = m[2] === '.' || first > 12;
  if (!dayFirst) [first, second] = [second, first];
  return withTime({ year: fullYear(m[4]), month: second, day: first }, text.slice(m[0].length));
}

function withTime(date: DateParts, rest: string): Parsed<DateParts> {
  // An offset right after the date (`2024-03-05+02:00`) is the zone of a day, not a time.
  if (/^[+-]/.test(rest)) return date;
  const found = TIME.exec(rest);
  if (!found) return date;
  const time = readClock(found, rest.slice(found.index + found[0].length), () => false);
  return time === UNREADABLE ? UNREADABLE : { ...date, time };
}

/**
 * The time of `found` with the meridiem and the zone that follow it in `after`. Tokens after a time must all be
 * understood (a zone, an offset, or what `isDatePart` claims): anything else may be a zone that is not known.
 */
function readClock(found: RegExpExecArray, after: string, isDatePart: (token: string) => boolean): Parsed<TimeParts> {
  let hour = Number(found[1]);
  let rest = after.toLowerCase();
  const meridiem = MERIDIEM.exec(rest);
  if (meridiem) {
    if (meridiem[1].toLowerCase() === 'p' && hour < 12) hour += 12;
    if (meridiem[1].toLowerCase() === 'a' && hour === 12) hour = 0;
    rest = rest.slice(meridiem[0].length);
  }
  const zone = readZone(tokenize(rest), isDatePart);
  if (zone === UNREADABLE) return UNREADABLE;
  return {
    hour,
    minute: Number(found[2]),
    second: optionalNumber(found[3]),
    ms: found[4] === undefined ? undefined : Number(found[4].slice(0, 3).padEnd(3, '0')),
    ...zone,
  };
}

function readZone(tokens: readonly string[], isDatePart: (token: string) => boolean): Parsed<Partial<TimeParts>> {
  let zone: Partial<TimeParts> = {};
  for (const [index, token] of tokens.entries()) {
    const read = zoneToken(token, index + 1 < tokens.length && OFFSET.test(tokens[index + 1]));
    if (read === UNREADABLE) return UNREADABLE;
    if (read !== undefined) zone = read;
    else if (!isDatePart(token) && !/^[.,]$/.test(token)) return UNREADABLE;
  }
  return zone;
}

/**
 * The zone one token names; `undefined` when it names none (it may still be a date part), {@link UNREADABLE} for an
 * offset out of range. `GMT -0500`: the offset after GMT says more than the GMT before it.
 */
function zoneToken(token: string, offsetFollows: boolean): Parsed<Partial<TimeParts>> {
  if (token in ZONES) return ZONES[token] === 0 && offsetFollows ? {} : { offset: ZONES[token] };
  if (token in US_GENERIC_ZONES) return { usZone: US_GENERIC_ZONES[token] };
  if (!OFFSET.test(token)) return undefined;
  const offset = offsetMinutes(token);
  return offset === undefined ? UNREADABLE : { offset };
}

function offsetMinutes(token: string): number | undefined {
  const m = OFFSET.exec(token);
  if (!m) return undefined;
  const digits = m[2];
  let hours: number;
  let minutes: number;
  if (m[3] !== undefined) {
    if (digits.length > 2) return undefined;
    hours = Number(digits);
    minutes = Number(m[3]);
  } else if (digits.length <= 2) {
    hours = Number(digits);
    minutes = 0;
  } else {
    hours = Number(digits.slice(0, -2));
    minutes = Number(digits.slice(-2));
  }
  const total = hours * 60 + minutes;
  if (minutes > 59 || total > MAX_OFFSET_MINUTES) return undefined;
  return m[1] === '-' ? -total : total;
}

/**
 * Dates written with a month name, in any order: `March 5, 2024`, `5 March 2024`, `Tue, 05 Mar 2024 10:00:00 GMT`,
 * `Tue Mar 05 2024 10:00:00 GMT-0500`, `Fri Apr 09 12:53:54 +0000 2010`, `1-Jan-2020`, `Jan 28, 17`.
 */
function parseWithMonthName(text: string): Parsed<DateParts> {
  const lower = text.toLowerCase();
  const found = TIME.exec(lower);
  const before = found ? lower.slice(0, found.index) : lower;
  const after = found ? lower.slice(found.index + found[0].length) : '';
  const date = { month: 0, years: [] as number[], numbers: [] as number[] };
  for (const token of tokenize(before)) {
    // Words before a time are labels ("Updated"); an offset there (a date without a time) is ignored.
    if (!claimDateToken(token, date, true) && /^\d/.test(token)) return undefined;
  }
  let time: TimeParts | undefined;
  if (found) {
    const read = readClock(found, after, (token) => claimDateToken(token, date, false));
    if (read === UNREADABLE) return UNREADABLE;
    time = read;
  }
  if (date.month === 0 || date.years.length > 1) return undefined;
  if (date.years.length === 1) return { year: date.years[0], month: date.month, day: date.numbers.at(0) ?? 1, time };
  // Without a four-digit year, `Jan 28, 17` and `28 Jan 17`: the day, then a two-digit year.
  if (date.numbers.length !== 2) return undefined;
  return { year: fullYear(String(date.numbers[1])), month: date.month, day: date.numbers[0], time };
}

/**
 * Records `token` as a part of a month-name date; `false` when it is none. With `labels`, other words ("Updated")
 * are claimed too, as carrying nothing.
 */
function claimDateToken(
  token: string,
  date: { month: number; years: number[]; numbers: number[] },
  labels: boolean,
): boolean {
  const word = token.replace(/\.$/, '');
  if (word in MONTHS) {
    if (date.month !== 0) return false;
    date.month = MONTHS[word];
    return true;
  }
  if (WEEKDAYS.has(word) || FILLERS.has(word) || /^[^\s\w]$/.test(token)) return true;
  const number = /^(\d+)(?:st|nd|rd|th)?$/.exec(token);
  if (number === null) return labels && /^[a-z]+$/.test(token) && !(token in ZONES) && !(token in US_GENERIC_ZONES);
  if (number[1].length === 4) date.years.push(Number(number[1]));
  else if (number[1].length <= 2) date.numbers.push(Number(number[1]));
  else return false;
  return true;
}

function fullYear(digits: string): number {
  if (digits.length === 4) return Number(digits);
  const yy = Number(digits);
  return yy >= TWO_DIGIT_YEAR_PIVOT ? 1900 + yy : 2000 + yy;
}

function toIso(p: DateParts): string | undefined {
  const { year, month, day, time } = p;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  if (time === undefined) return check.toISOString();
  const { hour, minute, second = 0 } = time;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const offset = time.offset ?? (time.usZone === undefined ? 0 : usOffset(time.usZone, year, month, day, hour));
  if (offset === undefined) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, time.ms ?? 0);
  return new Date(ms - offset * 60_000).toISOString();
}

/**
 * The offset of a US zone named without its season (`ET`) at a local date and hour: daylight time from the second
 * Sunday of March, 02:00, to the first Sunday of November, 02:00. Unknown before the rules of 2007.
 */
function usOffset(standard: number, year: number, month: number, day: number, hour: number): number | undefined {
  if (year < US_DST_RULES_SINCE) return undefined;
  const starts = nthSunday(year, 3, 2);
  const ends = nthSunday(year, 11, 1);
  const local = Date.UTC(year, month - 1, day, hour);
  const daylight = local >= Date.UTC(year, 2, starts, 2) && local < Date.UTC(year, 10, ends, 2);
  return daylight ? standard + 60 : standard;
}

function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + (n - 1) * 7;
}

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
