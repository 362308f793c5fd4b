import { detectBlockPage, type AnswerSummary } from './block-page.js';
import { BLOCK_SIGNATURES } from './block-signatures.js';

const answer = (over: Partial<AnswerSummary>): AnswerSummary => ({
  status: 200,
  headers: {},
  requestedUrl: 'https://news.example.com/2024/story',
  finalUrl: 'https://news.example.com/2024/story',
  redirected: false,
  body: '',
  ...over,
});

const page = (title: string, body = ''): string =>
  `<html><head><title>${title}</title></head><body>${body}</body></html>`;
const article = (title: string): string =>
  page(title, `<p>${'A real article has a body that goes on. '.repeat(2000)}</p>`);

describe('detectBlockPage', () => {
  it.each([
    [
      'a Cloudflare challenge header',
      answer({ status: 403, headers: { 'cf-mitigated': 'challenge' } }),
      'bot-challenge',
    ],
    [
      'a Cloudflare challenge script',
      answer({ status: 503, body: '<script>window._cf_chl_opt={cvId:"3"}</script>' }),
      'bot-challenge',
    ],
    ['"Attention Required! | Cloudflare"', answer({ body: page('Attention Required! | Cloudflare') }), 'bot-challenge'],
    [
      '"Just a moment..." from Cloudflare',
      answer({ body: page('Just a moment...'), headers: { server: 'cloudflare' } }),
      'bot-challenge',
    ],
    ['an AWS WAF CAPTCHA', answer({ status: 405, headers: { 'x-amzn-waf-action': 'captcha' } }), 'bot-challenge'],
    [
      'a DataDome CAPTCHA',
      answer({ status: 403, body: "<script src='https://ct.captcha-delivery.com/c.js'>" }),
      'bot-challenge',
    ],
    ['a robot check', answer({ body: page('Robot Check') }), 'bot-challenge'],
    ['"Are you a robot?"', answer({ body: page('Are you a robot?') }), 'bot-challenge'],
    ['a CAPTCHA form', answer({ body: '<form method="get" action="/errors/validateCaptcha">' }), 'bot-challenge'],
    [
      "a search engine's traffic check",
      answer({ redirected: true, finalUrl: 'https://www.google.com/sorry/index?continue=x' }),
      'bot-challenge',
    ],
    [
      "YouTube's consent interstitial",
      answer({ redirected: true, finalUrl: 'https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com' }),
      'consent',
    ],
    ['"Before you continue to YouTube"', answer({ body: page('Before you continue to YouTube') }), 'consent'],
    [
      'a redirect to a consent page',
      answer({ redirected: true, finalUrl: 'https://news.example.com/cookie-consent?return=/2024/story' }),
      'consent',
    ],
    [
      'a redirect to a login page',
      answer({ redirected: true, finalUrl: 'https://news.example.com/accounts/login/?next=/2024/story' }),
      'login-wall',
    ],
    [
      'a redirect to an auth wall',
      answer({ redirected: true, finalUrl: 'https://www.example.com/authwall?trk=x' }),
      'login-wall',
    ],
    ['a 401', answer({ status: 401 }), 'login-wall'],
    ['a 403', answer({ status: 403, body: page('Nope') }), 'forbidden'],
    ['"403 Forbidden" served with 200', answer({ body: page('403 Forbidden', '<h1>Forbidden</h1>') }), 'forbidden'],
    ['"Access Denied" served with 200', answer({ body: page('Access Denied', 'Reference #18.1') }), 'forbidden'],
    ['"Error 403"', answer({ body: page('Error 403 - Forbidden') }), 'forbidden'],
  ])('recognises %s', (_name, summary, reason) => {
    expect(detectBlockPage(summary)?.reason).toBe(reason);
  });

  it.each([
    ['an ordinary page', answer({ body: article('How link previews work') })],
    ['an article titled "Access Denied"', answer({ body: article('Access Denied') })],
    [
      'an article about "403 Forbidden" errors, long as articles are',
      answer({ body: article('403 Forbidden explained') }),
    ],
    ['"Just a moment..." without Cloudflare, on a real page', answer({ body: article('Just a moment...') })],
    [
      'a page behind Cloudflare that loads its bot script',
      answer({ body: page('News', '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js">') }),
    ],
    ['a cookie banner on a real page', answer({ body: article('News') + '<div>We value your privacy</div>' })],
    [
      'a login page asked for directly',
      answer({ redirected: true, requestedUrl: 'https://e.com/login', finalUrl: 'https://e.com/login/' }),
    ],
    ['a login page reached without a redirect', answer({ finalUrl: 'https://e.com/signin' })],
    [
      'a redirect whose query names a login path',
      answer({ redirected: true, finalUrl: 'https://e.com/story/?from=/login' }),
    ],
    ['a 404', answer({ status: 404, body: page('Not found') })],
    ['a 503 without a challenge', answer({ status: 503, body: page('Service Unavailable') })],
  ])('lets %s through', (_name, summary) => {
    expect(detectBlockPage(summary)).toBeUndefined();
  });

  it('names the signature that matched, and takes the first in order', () => {
    const summary = answer({ status: 403, headers: { 'cf-mitigated': 'challenge' }, body: page('403 Forbidden') });
    expect(detectBlockPage(summary)).toEqual({ reason: 'bot-challenge', signature: 'cloudflare challenge header' });
  });

  it('reads only the start of the body, and decodes the title', () => {
    const late = answer({ body: `${' '.repeat(40_000)}<script>window._cf_chl_opt={}</script>` });
    const encoded = answer({ body: page('Before you continue to YouTube'.replace('you', '&#121;ou')) });
    expect([detectBlockPage(late), detectBlockPage(encoded)?.reason]).toEqual([undefined, 'consent']);
  });

  it('has signatures that all name a condition, with unique names', () => {
    const names = BLOCK_SIGNATURES.map((signature) => signature.name);
    expect(new Set(names).size).toBe(names.length);
    for (const signature of BLOCK_SIGNATURES) {
      const conditions = [signature.status, signature.header, signature.titles, signature.body, signature.finalUrl];
      expect(conditions.some((condition) => condition !== undefined)).toBe(true);
    }
  });
});
