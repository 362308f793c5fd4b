const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

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
  cet: 60,
  cest: 120,
  bst: 60,
  ist: 330,
  jst: 540,
  aest: 600,
};

const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  ms?: number;
  /** Offset from UTC in minutes; dates without a zone are read as UTC. */
  offset?: number;
}

const YMD = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/;
const DMY = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?Z?$/i;
const TIME = /(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?/;
const MERIDIEM = /\b([ap])\.?m\b/i;
const ZONE_SUFFIX = /(?:z|[+-]\d{2}:?\d{2}|[+-]\d{2}|gmt|utc|[a-z]{2,3}t)$/i;
const GMT_OFFSET = /^(?:gmt|utc)?([+-])(\d{1,2}):?(\d{2})?$/;

/**
 * Reads the many date spellings pages use (ISO 8601, RFC 2822, `2024/03/05`, `March 5, 2024`,
 * `5 March 2024`, `05.03.2024`, `20240305`, unix seconds or milliseconds) and returns ISO 8601 in UTC,
 * or `undefined` when the value is not a plausible date.
 */
export function normalizeDate(value: unknown): string | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/\s+/g, ' ').trim();
  if (text === '' || text.length > 80) return undefined;
  if (/^\d{9,13}$/.test(text)) return fromEpoch(Number(text));
  const parts = parseIsoLike(text) ?? parseCompact(text) ?? parseDayFirst(text) ?? parseWithMonthName(text);
  return parts ? toIso(parts) : undefined;
}

function fromEpoch(n: number): string | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const ms = n < 1e11 ? n * 1000 : n;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= MAX_YEAR ? date.toISOString() : undefined;
}

function parseIsoLike(text: string): DateParts | undefined {
  const m = YMD.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length);
  if (rest !== '' && !/^[T\s]/i.test(rest)) return undefined;
  return withTime({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, rest);
}

function parseCompact(text: string): DateParts | undefined {
  const m = COMPACT.exec(text);
  if (!m) return undefined;
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: optionalNumber(m[4]),
    minute: optionalNumber(m[5]),
    second: optionalNumber(m[6]),
  };
}

function parseDayFirst(text: string): DateParts | undefined {
  const m = DMY.exec(text);
  if (!m) return undefined;
  let first = Number(m[1]);
  let second = Number(m[3]);
  // A dotted date is European (day first); a slashed one is day first only when the US reading is impossible.
  const dayFirst = m[2] === '.' || first > 12;
  if (!dayFirst) [first, second] = [second, first];
  return withTime({ year: Number(m[4]), month: second, day: first }, text.slice(m[0].length));
}

function parseWithMonthName(text: string): DateParts | undefined {
  const lower = text.toLowerCase().replace(/,/g, ' ');
  const monthMatch = /\b(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?(?=[\s\d]|$)/.exec(lower);
  const yearMatch = /\b(\d{4})\b/.exec(lower);
  if (!monthMatch || !yearMatch) return undefined;
  const rest = lower.replace(monthMatch[0], ' ').replace(yearMatch[0], ' ').replace(TIME, ' ');
  const dayMatch = /\b(\d{1,2})(?:st|nd|rd|th)?\b/.exec(rest.replace(/[+-]\d{2}:?\d{2}/g, ' '));
  return withTime(
    { year: Number(yearMatch[1]), month: MONTHS[monthMatch[1]], day: dayMatch ? Number(dayMatch[1]) : 1 },
    lower,
  );
}

function withTime(parts: DateParts, text: string): DateParts {
  const time = TIME.exec(text);
  if (!time) return parts;
  let hour = Number(time[1]);
  const meridiem = MERIDIEM.exec(text.slice(time.index + time[0].length))?.[1].toLowerCase();
  if (meridiem === 'p' && hour < 12) hour += 12;
  if (meridiem === 'a' && hour === 12) hour = 0;
  const zone = ZONE_SUFFIX.exec(text.slice(time.index + time[0].length).trim());
  return {
    ...parts,
    hour,
    minute: Number(time[2]),
    second: optionalNumber(time[3]),
    ms: time[4] === undefined ? undefined : Number(time[4].slice(0, 3).padEnd(3, '0')),
    offset: zone ? zoneOffset(zone[0]) : undefined,
  };
}

function zoneOffset(zone: string): number | undefined {
  const lower = zone.toLowerCase();
  if (lower in ZONES) return ZONES[lower];
  const m = GMT_OFFSET.exec(lower);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

function toIso(p: DateParts): string | undefined {
  const { year, month, day } = p;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const hour = p.hour ?? 0;
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, p.ms ?? 0);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  return new Date(ms - (p.offset ?? 0) * 60_000).toISOString();
}

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
