/** Why a target answered with something other than the page. */
export type BlockReason = 'bot-challenge' | 'consent' | 'login-wall' | 'forbidden';

/**
 * One way a block page shows itself. Every condition it names must hold; a signature with no condition never
 * matches. URLs are matched as `host/path`, lower case, without the scheme, query or fragment.
 */
export interface BlockSignature {
  /** Names the signature in tests and logs. */
  name: string;
  reason: BlockReason;
  /** The status of the answer is one of these. */
  status?: readonly number[];
  /** A response header (lower-case name) whose value matches. */
  header?: readonly [name: string, value: RegExp];
  /**
   * The document's `<title>` (entities decoded, whitespace collapsed) is one of these: a string is a whole title,
   * compared without case and without a trailing `...` or `…`; an expression is tested as it is.
   */
  titles?: readonly (string | RegExp)[];
  /** The start of the body (the detector reads a bounded prefix). */
  body?: RegExp;
  /** Where the fetch ended. */
  finalUrl?: RegExp;
  /** Only when the answer came through a redirect and the requested URL itself does not match `finalUrl`. */
  byRedirect?: boolean;
  /** Only when the whole body is at most this many characters: block pages are small, real pages are not. */
  maxBodyLength?: number;
}

/** A small page: error and block pages of servers and CDNs are a few KiB at most. */
const SMALL_PAGE = 16_384;

/**
 * The signatures, checked in order (the first that matches gives the reason): challenges and walls first, the
 * generic "forbidden" forms last. Titles are anchored so that an article about "Access Denied" is not a block page.
 */
export const BLOCK_SIGNATURES: readonly BlockSignature[] = [
  // Bot challenges and CAPTCHA walls.
  { name: 'cloudflare challenge header', reason: 'bot-challenge', header: ['cf-mitigated', /^challenge$/i] },
  {
    name: 'cloudflare challenge script',
    reason: 'bot-challenge',
    body: /window\._cf_chl_opt\b|\bcf-browser-verification\b/,
  },
  { name: 'cloudflare attention title', reason: 'bot-challenge', titles: ['Attention Required! | Cloudflare'] },
  {
    name: 'cloudflare interstitial title',
    reason: 'bot-challenge',
    titles: ['Just a moment', 'One moment, please', 'Please wait'],
    header: ['server', /cloudflare/i],
  },
  { name: 'aws waf challenge', reason: 'bot-challenge', header: ['x-amzn-waf-action', /^(?:captcha|challenge)$/i] },
  { name: 'datadome captcha', reason: 'bot-challenge', body: /\b(?:geo|ct)\.captcha-delivery\.com\b/ },
  { name: 'perimeterx block', reason: 'bot-challenge', titles: ['Access to this page has been denied.'] },
  { name: 'imperva interruption', reason: 'bot-challenge', titles: ['Pardon Our Interruption'] },
  { name: 'ddos-guard', reason: 'bot-challenge', titles: ['DDoS-Guard'] },
  { name: 'captcha form', reason: 'bot-challenge', body: /<form[^>]+action="\/errors\/validatecaptcha"/i },
  {
    name: 'robot check title',
    reason: 'bot-challenge',
    titles: [
      'Robot Check',
      'Are you a robot?',
      'Are you a human?',
      'Bot Check',
      'Bot Verification',
      'Human Verification',
      'Verify you are human',
      'Please verify you are a human',
      'Security Check',
      'Security Checkpoint',
      'Captcha',
      'Captcha Challenge',
      'Checking your browser',
      /^checking your browser before accessing\b/i,
      'One more step',
      'Just a moment',
    ],
    maxBodyLength: SMALL_PAGE * 4,
  },
  { name: 'search engine traffic check', reason: 'bot-challenge', finalUrl: /^(?:www\.)?google\.[a-z.]+\/sorry\// },

  // Consent interstitials.
  { name: 'google consent host', reason: 'consent', finalUrl: /^consent\.(?:google|youtube)\.[a-z.]+\// },
  { name: 'yahoo consent host', reason: 'consent', finalUrl: /^(?:guce|consent)\.(?:yahoo|aol)\.[a-z.]+\// },
  {
    name: 'consent interstitial title',
    reason: 'consent',
    titles: [
      'Before you continue',
      'Before you continue to YouTube',
      'Before you continue to Google',
      /^before you continue to google \w+$/i,
      'Bevor Sie zu YouTube weitergehen',
      'Bevor Sie zu Google weitergehen',
      "Avant d'accéder à YouTube",
      "Avant d'accéder à Google",
      'Antes de ir a YouTube',
      'Antes de ir a Google',
      'Prima di continuare su YouTube',
      'Prima di continuare su Google',
    ],
  },
  {
    name: 'consent path',
    reason: 'consent',
    finalUrl: /\/(?:cookie-?consent|consent-?management|privacy-?gate|gdpr-?consent|collectconsent)(?:[/?#.]|$)/,
    byRedirect: true,
  },

  // Login walls.
  {
    name: 'login redirect',
    reason: 'login-wall',
    finalUrl: /\/(?:login|log-in|log_in|signin|sign-in|sign_in|sign-on|logon|authwall|session\/new)(?:[/?#.]|$)/,
    byRedirect: true,
  },
  { name: 'authentication required', reason: 'login-wall', status: [401, 407] },

  // Access refused.
  { name: 'forbidden status', reason: 'forbidden', status: [403, 451] },
  {
    name: 'cloudflare access rule',
    reason: 'forbidden',
    titles: [/^access denied \| .+ used cloudflare to restrict access$/i],
  },
  {
    name: 'forbidden title',
    reason: 'forbidden',
    titles: [
      'Forbidden',
      'Access Denied',
      'Access Forbidden',
      'Permission Denied',
      /^(?:error |http (?:error |status )?)?403\b/i,
      /^you don't have permission to access\b/i,
    ],
    maxBodyLength: SMALL_PAGE,
  },
];
