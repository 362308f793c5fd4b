import { scanPage } from '../page-scan.js';
import { hasMetaPrefix, meta } from './meta.rules.js';
import { PageContext } from './rule.js';

describe('meta rules', () => {
  const page = new PageContext(
    scanPage(
      `<meta name="OG:Title" content="  "><meta property="og:title" content="Second">
       <meta name="description" value="From value"><meta http-equiv="Content-Language" content="fr">
       <meta name="citation_title" content="Paper"><meta content="no key">`,
      'https://example.com/',
      () => true,
    ),
  );

  it('matches property, name and http-equiv case-insensitively and skips blank values', () => {
    expect([
      meta('og:title').read(page),
      meta('description').read(page),
      meta('content-language').read(page),
      meta('twitter:title').read(page),
    ]).toEqual(['Second', 'From value', 'fr', undefined]);
  });

  it('names rules after namespaced keys (og:, dc., citation_), and plain names as meta:key', () => {
    expect([meta('og:title').name, meta('dc.title').name, meta('Description').name]).toEqual([
      'og:title',
      'dc.title',
      'meta:description',
    ]);
  });

  it('detects a family of meta keys by prefix', () => {
    expect([hasMetaPrefix('citation_').read(page), hasMetaPrefix('dc.').read(page)]).toEqual([true, undefined]);
  });
});
