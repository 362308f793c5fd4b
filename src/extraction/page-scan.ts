import { Parser } from 'htmlparser2';

/** A `<meta>` tag: `key` is its lowercased `property`, `name` or `http-equiv`. */
export interface MetaTag {
  key: string;
  value: string;
}

/** A `<link>` tag with its relation list normalised to lowercase single spaces. */
export interface LinkTag {
  rel: string;
  href: string;
  type?: string;
  sizes?: string;
  hreflang?: string;
}

/** An `<img>` seen in the body, kept as a last-resort preview image. */
export interface BodyImage {
  src: string;
  alt?: string;
  width?: string;
  height?: string;
  inContent: boolean;
}

/** A microdata property: `path` joins the enclosing item properties (`author.name`). */
export interface ItemProp {
  path: string;
  value: string;
}

/** Everything one streaming pass collects from a page; rules read only this. */
export interface PageScan {
  url: string;
  metas: MetaTag[];
  links: LinkTag[];
  itemProps: ItemProp[];
  itemTypes: string[];
  jsonLdBlocks: string[];
  times: string[];
  authorLinks: string[];
  /** Short texts of body elements whose class mentions a date (`date`, `time`, `publish`). */
  dateTexts: string[];
  /** Texts of body elements whose class mentions an author or byline, and of links to author pages. */
  bylineTexts: string[];
  bodyImages: BodyImage[];
  title?: string;
  h1?: string;
  paragraph?: string;
  htmlLang?: string;
  baseHref?: string;
  /** `false` when the pass stopped after the head. */
  bodyScanned: boolean;
  /** The budget that stopped the pass before the end of the document, if one did. */
  budget?: BudgetReason;
}

/** Decides, once the head is complete, whether the body still has to be read. */
export type HeadCheck = (scan: PageScan) => boolean;

/** Which limit of a {@link ScanBudget} stopped a pass. */
export type BudgetReason = 'chars' | 'depth' | 'time';

/**
 * How much work one pass may do. Past any limit the pass stops where it is and keeps what it found, so a hostile
 * document (200,000 nested `<div>`s, on which htmlparser2 itself is quadratic) costs a bounded time. The parse
 * pool's timeout stays only as the last resort.
 */
export interface ScanBudget {
  /** Characters of the document read. @default 4194304 */
  maxChars: number;
  /** Elements open at once; htmlparser2's cost per tag grows with it. @default 1024 */
  maxDepth: number;
  /** Milliseconds spent, checked every few hundred tags. @default 500 */
  maxMs: number;
  /** The clock. @default performance.now */
  now: () => number;
}

export const DEFAULT_SCAN_BUDGET: ScanBudget = {
  maxChars: 4 * 1024 * 1024,
  maxDepth: 1024,
  maxMs: 500,
  now: () => performance.now(),
};

/** The clock is read every this many tags (opening or closing, matched or not). */
const TAGS_PER_CLOCK_READ = 256;

const MIN_PARAGRAPH_LENGTH = 80;
const MAX_CAPTURE_LENGTH = 2000;
const MAX_BODY_IMAGES = 8;
const MAX_TIMES = 4;
const MAX_HINTS = 6;
const MAX_HINT_LENGTH = 80;
/** Bounds on what one page can make the scan keep, far above what real pages declare. */
const MAX_METAS = 2048;
const MAX_LINKS = 1024;
const MAX_ITEM_PROPS = 2048;
const MAX_JSON_LD_BLOCKS = 64;
const MAX_ITEM_TYPES = 64;
const CHROME_TAGS = new Set(['nav', 'header', 'footer', 'aside', 'form', 'menu', 'dialog', 'noscript']);
const INLINE_TAGS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'cite',
  'code',
  'em',
  'font',
  'i',
  'mark',
  'q',
  's',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
]);
const CONTENT_TAGS = new Set(['article', 'main']);
/** Image addresses that name sprite sheets, or tracking pixels and spacers by their usual file names. */
const DECORATIVE_IMAGE =
  /(?:^|[/_.-])sprites?(?:[/_.-]|$)|\/(?:pixel|spacer|blank|transparent|clear|1x1)\.(?:gif|png)(?:[?#]|$)/i;
const MICRODATA_URL_ATTR: Partial<Record<string, string>> = {
  a: 'href',
  area: 'href',
  link: 'href',
  img: 'src',
  audio: 'src',
  video: 'src',
  source: 'src',
  iframe: 'src',
  embed: 'src',
  object: 'data',
};

/** Properties whose microdata value is the element's URL; for the others, links give their text. */
const URL_PROPS = /(?:url|image|logo|sameas|thumbnail)$/;

interface Capture {
  depth: number;
  parts: string[];
  length: number;
  done: (text: string) => void;
}

interface Scope {
  depth: number;
  path: string;
}

type Attribs = Partial<Record<string, string>>;

/**
 * Reads `html` once with htmlparser2's streaming tokenizer (no DOM). When the head closes,
 * `needsBody` decides whether the rest of the document is read at all.
 */
export function scanPage(html: string, url: string, needsBody: HeadCheck, budget: Partial<ScanBudget> = {}): PageScan {
  const limits: ScanBudget = { ...DEFAULT_SCAN_BUDGET, ...budget };
  const scanner = new PageScanner(url, needsBody, limits);
  const parser = new BudgetedParser(scanner);
  scanner.parser = parser;
  // One write of the whole text: the tokenizer reads a flat string much faster than slices of one.
  const over = html.length > limits.maxChars;
  parser.write(over ? html.slice(0, limits.maxChars) : html);
  if (!scanner.stopped && over) scanner.stop('chars');
  if (scanner.stopped) scanner.flush();
  else parser.end();
  return scanner.scan;
}

/**
 * htmlparser2's parser with a hook on every tag the tokenizer meets, matched or not: that is where the scan reads
 * its clock, since a run of unmatched end tags under a deep stack costs time without reaching any handler.
 */
class BudgetedParser extends Parser {
  constructor(private readonly scanner: PageScanner) {
    super(scanner, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  }

  override onopentagname(start: number, endIndex: number): void {
    this.scanner.onTag();
    super.onopentagname(start, endIndex);
  }

  override onclosetag(start: number, endIndex: number): void {
    this.scanner.onTag();
    super.onclosetag(start, endIndex);
  }
}

class PageScanner {
  readonly scan: PageScan;
  parser?: Parser;
  stopped = false;

  private readonly started: number;
  private tags = 0;
  private depth = 0;
  private headDone = false;
  private inBody = false;
  private svgDepth = 0;
  private chromeDepth = 0;
  private contentDepth = 0;
  private rawText: { buffer: string[] | undefined } | undefined;
  private captures: Capture[] = [];
  private scopes: Scope[] = [];

  constructor(
    url: string,
    private readonly needsBody: HeadCheck,
    private readonly budget: ScanBudget,
  ) {
    this.started = budget.now();
    this.scan = {
      url,
      metas: [],
      links: [],
      itemProps: [],
      itemTypes: [],
      jsonLdBlocks: [],
      times: [],
      authorLinks: [],
      dateTexts: [],
      bylineTexts: [],
      bodyImages: [],
      bodyScanned: true,
    };
  }

  /** Counts a tag of the document and stops the pass once the time budget is spent. */
  onTag(): void {
    if (++this.tags % TAGS_PER_CLOCK_READ === 0 && this.budget.now() - this.started > this.budget.maxMs) {
      this.stop('time');
    }
  }

  /** Stops the pass where it is, recording which budget ran out. */
  stop(reason: BudgetReason): void {
    if (this.stopped) return;
    this.scan.budget = reason;
    this.stopped = true;
    this.parser?.pause();
  }

  /** Gives open captures (a `<title>` that never closed) the text they had when the pass stopped. */
  flush(): void {
    for (const capture of this.captures) capture.done(capture.parts.join(''));
    this.captures = [];
    this.rawText = undefined;
  }

  onopentag(name: string, attribs: Attribs): void {
    if (this.stopped) return;
    this.breakCaptures(name);
    this.depth++;
    if (this.depth > this.budget.maxDepth) {
      this.stop('depth');
      return;
    }
    switch (name) {
      case 'html':
        this.scan.htmlLang ??= attribs.lang || attribs['xml:lang'] || undefined;
        break;
      case 'base':
        if (this.scan.baseHref === undefined && attribs.href) this.scan.baseHref = attribs.href;
        break;
      case 'meta':
        this.onMeta(attribs);
        break;
      case 'link':
        this.onLink(attribs);
        break;
      case 'script':
      case 'style':
      case 'template':
        this.rawText = { buffer: isJsonLd(name, attribs) ? [] : undefined };
        break;
      case 'body':
        this.endHead();
        this.inBody = true;
        break;
      default:
        this.onElement(name, attribs);
    }
    if (attribs.itemprop !== undefined || attribs.itemscope !== undefined) this.onMicrodata(name, attribs);
  }

  ontext(text: string): void {
    if (this.stopped) return;
    if (this.rawText) {
      this.rawText.buffer?.push(text);
      return;
    }
    for (const capture of this.captures) {
      if (capture.length < MAX_CAPTURE_LENGTH) {
        const part = text.slice(0, MAX_CAPTURE_LENGTH - capture.length);
        capture.parts.push(part);
        capture.length += part.length;
      }
    }
  }

  onclosetag(name: string): void {
    if (this.stopped) return;
    if (name === 'script' || name === 'style' || name === 'template') {
      const buffer = this.rawText?.buffer;
      if (buffer && this.scan.jsonLdBlocks.length < MAX_JSON_LD_BLOCKS) this.scan.jsonLdBlocks.push(buffer.join(''));
      this.rawText = undefined;
    }
    this.closeCaptures();
    this.breakCaptures(name);
    while (this.scopes.length > 0 && this.scopes[this.scopes.length - 1].depth === this.depth) this.scopes.pop();
    if (name === 'svg' && this.svgDepth > 0) this.svgDepth--;
    if (CHROME_TAGS.has(name) && this.chromeDepth > 0) this.chromeDepth--;
    if (CONTENT_TAGS.has(name) && this.contentDepth > 0) this.contentDepth--;
    this.depth--;
    if (name === 'head') this.endHead();
  }

  private closeCaptures(): void {
    if (this.captures.length === 0) return;
    const open: Capture[] = [];
    for (const capture of this.captures) {
      if (capture.depth === this.depth) capture.done(capture.parts.join(''));
      else open.push(capture);
    }
    this.captures = open;
  }

  /** Block boundaries separate words (`<div>Jane Doe</div><div>Staff</div>`) and start a new line. */
  private breakCaptures(name: string): void {
    if (INLINE_TAGS.has(name)) return;
    for (const capture of this.captures) capture.parts.push('\n');
  }

  private capture(done: (text: string) => void): void {
    this.captures.push({ depth: this.depth, parts: [], length: 0, done });
  }

  private endHead(): void {
    if (this.headDone) return;
    this.headDone = true;
    if (!this.needsBody(this.scan)) {
      this.scan.bodyScanned = false;
      this.stopped = true;
      this.parser?.pause();
    }
  }

  private onMeta(attribs: Attribs): void {
    const value = attribs.content ?? attribs.value;
    // An attribute name holding a quote means an unescaped quote ended `content` early: the value is cut.
    if (value === undefined || Object.keys(attribs).some((name) => /["']/.test(name))) return;
    const key = attribs.property || attribs.name || attribs['http-equiv'];
    if (key && this.scan.metas.length < MAX_METAS) this.scan.metas.push({ key: key.trim().toLowerCase(), value });
  }

  private onLink(attribs: Attribs): void {
    if (!attribs.rel || !attribs.href || this.scan.links.length >= MAX_LINKS) return;
    this.scan.links.push({
      rel: attribs.rel.trim().toLowerCase().replace(/\s+/g, ' '),
      href: attribs.href,
      type: attribs.type?.trim().toLowerCase() || undefined,
      sizes: attribs.sizes?.trim() || undefined,
      hreflang: attribs.hreflang?.trim().toLowerCase() || undefined,
    });
  }

  private onElement(name: string, attribs: Attribs): void {
    if (name === 'svg') this.svgDepth++;
    if (CHROME_TAGS.has(name)) this.chromeDepth++;
    if (CONTENT_TAGS.has(name)) this.contentDepth++;
    this.onTextElement(name);
    if (name === 'time' && attribs.datetime && this.scan.times.length < MAX_TIMES)
      this.scan.times.push(attribs.datetime);
    if (name === 'img' && this.inBody) this.onImage(attribs);
    if (attribs.rel && /\bauthor\b/i.test(attribs.rel)) {
      const authorLinks = this.scan.authorLinks;
      this.capture((text) => authorLinks.push(text));
    }
    if (this.inBody) this.onClassHints(name, attribs);
  }

  /** `<title>` (not an SVG one), the first non-empty `<h1>`, the first long paragraph outside page chrome. */
  private onTextElement(name: string): void {
    const scan = this.scan;
    if (name === 'title' && this.svgDepth === 0 && scan.title === undefined) {
      this.capture((text) => (scan.title ??= text));
    } else if (name === 'h1' && scan.h1 === undefined) {
      this.capture((text) => {
        if (text.trim() !== '') scan.h1 ??= text;
      });
    } else if (name === 'p' && scan.paragraph === undefined && this.chromeDepth === 0) {
      this.capture((text) => {
        if (text.trim().length >= MIN_PARAGRAPH_LENGTH) scan.paragraph ??= text;
      });
    }
  }

  /** Class names and author-page links hint at bylines and dates that no markup declares. */
  private onClassHints(name: string, attribs: Attribs): void {
    const scan = this.scan;
    const cls = attribs.class ?? '';
    if (scan.dateTexts.length < MAX_HINTS && /date|time|publish/i.test(cls)) {
      this.capture((text) => pushShort(scan.dateTexts, text));
    }
    const authorLink = name === 'a' && /\/(?:authors?|people|staff)\//i.test(attribs.href ?? '');
    if (scan.bylineTexts.length < MAX_HINTS && (authorLink || /author|byline/i.test(cls))) {
      this.capture((text) => pushShort(scan.bylineTexts, text));
    }
  }

  private onImage(attribs: Attribs): void {
    const src = attribs.src || attribs['data-src'];
    if (!src || this.chromeDepth > 0 || this.scan.bodyImages.length >= MAX_BODY_IMAGES) return;
    if (attribs['aria-hidden'] === 'true' || src.startsWith('data:') || DECORATIVE_IMAGE.test(src)) return;
    this.scan.bodyImages.push({
      src,
      alt: attribs.alt,
      width: attribs.width,
      height: attribs.height,
      inContent: this.contentDepth > 0,
    });
  }

  private onMicrodata(name: string, attribs: Attribs): void {
    const parent = this.scopes.length > 0 ? this.scopes[this.scopes.length - 1].path : '';
    const props = (attribs.itemprop ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean);
    const paths = props.map((prop) => (parent ? `${parent}.${prop}` : prop));
    if (attribs.itemscope !== undefined) {
      if (attribs.itemtype && props.length === 0 && this.scan.itemTypes.length < MAX_ITEM_TYPES)
        this.scan.itemTypes.push(attribs.itemtype.trim().split(/\s+/)[0]);
      this.scopes.push({ depth: this.depth, path: paths[0] ?? parent });
    }
    if (props.length === 0) return;
    const direct = microdataValue(name, props, attribs);
    const itemProps = this.scan.itemProps;
    const record = (value: string): void => {
      for (const path of paths) if (itemProps.length < MAX_ITEM_PROPS) itemProps.push({ path, value });
    };
    if (direct !== undefined) record(direct);
    else if (name !== 'meta' && name !== 'link') this.capture(record);
  }
}

/** The value a microdata property takes from attributes (content, datetime, a URL), if any. */
function microdataValue(name: string, props: string[], attribs: Attribs): string | undefined {
  const urlAttr = props.some((prop) => URL_PROPS.test(prop)) ? MICRODATA_URL_ATTR[name] : undefined;
  return attribs.content ?? attribs.datetime ?? (urlAttr === undefined ? undefined : attribs[urlAttr]);
}

function pushShort(list: string[], text: string): void {
  const trimmed =
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? '';
  if (trimmed !== '' && trimmed.length <= MAX_HINT_LENGTH) list.push(trimmed);
}

function isJsonLd(name: string, attribs: Attribs): boolean {
  return name === 'script' && (attribs.type ?? '').trim().toLowerCase() === 'application/ld+json';
}
