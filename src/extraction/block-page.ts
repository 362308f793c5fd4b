import { decodeHTML } from 'entities';
import { BLOCK_SIGNATURES, type BlockReason, type BlockSignature } from './block-signatures.js';
import { collapseWhitespace } from './normalize/text.js';

export type { BlockReason } from './block-signatures.js';

/** What is known of an answer when deciding whether it is a block page rather than the page. */
export interface AnswerSummary {
  status: number;
  /** Response headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** The URL that was asked for. */
  requestedUrl: string;
  /** Where the redirects ended. */
  finalUrl: string;
  /** Whether at least one redirect was followed. */
  redirected: boolean;
  /** The decoded body (only its first {@link BODY_PREFIX_CHARS} characters are read). */
  body: string;
}

/** The block page an answer is, and the signature that says so. */
export interface BlockVerdict {
  reason: BlockReason;
  signature: string;
}

/** Characters of the body the detector reads: block pages say what they are at once. */
export const BODY_PREFIX_CHARS = 32_768;

const TITLE = /<title\b[^>]*>([^<]{0,512})/i;

/**
 * Whether an answer is a bot challenge, a consent interstitial, a login wall or an access refusal instead of the
 * page that was asked for, judged by the signatures of {@link BLOCK_SIGNATURES} (status, headers, `<title>`, body,
 * where redirects led). Pure and cheap: a few anchored expressions over a bounded prefix of the body.
 */
export function detectBlockPage(
  answer: AnswerSummary,
  signatures: readonly BlockSignature[] = BLOCK_SIGNATURES,
): BlockVerdict | undefined {
  const body = answer.body.slice(0, BODY_PREFIX_CHARS);
  const rawTitle = TITLE.exec(body)?.[1];
  const title = rawTitle === undefined ? undefined : collapseWhitespace(decodeHTML(rawTitle));
  const finalUrl = urlKey(answer.finalUrl);
  const requestedUrl = urlKey(answer.requestedUrl);
  const matches = (signature: BlockSignature): boolean => {
    const conditions = [
      signature.status === undefined ? undefined : signature.status.includes(answer.status),
      signature.header === undefined ? undefined : signature.header[1].test(answer.headers[signature.header[0]] ?? ''),
      signature.titles === undefined ? undefined : title !== undefined && titleMatches(signature.titles, title),
      signature.body === undefined ? undefined : signature.body.test(body),
      signature.finalUrl === undefined
        ? undefined
        : signature.finalUrl.test(finalUrl) &&
          (signature.byRedirect !== true || (answer.redirected && !signature.finalUrl.test(requestedUrl))),
      signature.maxBodyLength === undefined ? undefined : answer.body.length <= signature.maxBodyLength,
    ].filter((condition) => condition !== undefined);
    return conditions.length > 0 && conditions.every(Boolean);
  };
  const found = signatures.find(matches);
  return found === undefined ? undefined : { reason: found.reason, signature: found.name };
}

function titleMatches(titles: readonly (string | RegExp)[], title: string): boolean {
  const bare = withoutTrailingDots(title).toLowerCase();
  return titles.some((expected) =>
    typeof expected === 'string' ? withoutTrailingDots(expected).toLowerCase() === bare : expected.test(title),
  );
}

function withoutTrailingDots(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || text[end - 1] === '…')) end -= 1;
  return text.slice(0, end).trimEnd();
}

/** `host/path`, lower case, for matching: the scheme, query and fragment say nothing about a block. */
function urlKey(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}
