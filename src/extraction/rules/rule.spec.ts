import { scanPage } from '../page-scan.js';
import { firstMatch, PageContext, rule } from './rule.js';

const page = (html: string): PageContext => new PageContext(scanPage(html, 'https://example.com/a', () => true));

describe('firstMatch', () => {
  const html = '<head><meta property="og:title" content="From OG"></head>';

  it('returns the first value that survives normalisation, with the rule name', () => {
    const rules = [
      rule<string>('empty', () => undefined),
      rule<string>('rejected', () => 'no'),
      rule<string>('og', (p) => p.meta('og:title')[0]),
    ];
    expect(firstMatch(rules, page(html), (raw) => (raw === 'no' ? undefined : raw))).toEqual({
      value: 'From OG',
      source: 'og',
    });
  });

  it('treats a throwing rule as giving nothing and moves on', () => {
    const rules = [
      rule<string>('broken', () => {
        throw new Error('boom');
      }),
      rule<string>('fallback', () => 'ok'),
    ];
    expect(firstMatch(rules, page(html), (raw) => raw)).toEqual({ value: 'ok', source: 'fallback' });
  });

  it('treats a throwing normaliser and an empty list as nothing', () => {
    const rules = [rule<string[]>('list', () => []), rule<string[]>('other', () => ['x'])];
    const throwing = (): string[] => {
      throw new Error('bad');
    };
    expect([firstMatch(rules, page(html), (raw) => raw), firstMatch(rules, page(html), throwing)]).toEqual([
      { value: ['x'], source: 'other' },
      undefined,
    ]);
  });

  it('uses an http(s) <base href> as the base for relative references', () => {
    expect([
      page('<head><base href="https://cdn.example.net/x/"></head>').base,
      page('<head><base href="data:text/html,hi"></head>').base,
    ]).toEqual(['https://cdn.example.net/x/', 'https://example.com/a']);
  });
});
