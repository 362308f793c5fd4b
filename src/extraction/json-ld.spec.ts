import { jsonLdTypes, jsonLdValue, parseJsonLd } from './json-ld.js';

describe('parseJsonLd', () => {
  it('reads several blocks, arrays and @graph, content nodes before pages and site-wide nodes', () => {
    const nodes = parseJsonLd([
      JSON.stringify({ '@type': 'WebSite', name: 'Site' }),
      JSON.stringify([{ '@type': 'BreadcrumbList' }, { '@type': 'WebPage', name: 'Page' }]),
      JSON.stringify({ '@context': 'https://schema.org', '@graph': [{ '@type': 'NewsArticle', headline: 'Story' }] }),
    ]);
    expect(nodes).toEqual([
      { '@type': 'NewsArticle', headline: 'Story' },
      { '@type': 'WebPage', name: 'Page' },
      { '@type': 'WebSite', name: 'Site' },
      { '@type': 'BreadcrumbList' },
    ]);
  });

  it('tolerates comments, CDATA, trailing commas, raw newlines in strings and a trailing semicolon', () => {
    const nodes = parseJsonLd([
      '<!-- {"@type": "Article", "headline": "Commented"} -->',
      '//<![CDATA[\n{"@type": "Article", "headline": "Wrapped",}\n//]]>',
      '{"@type": "Article", "description": "line one\nline two"};',
      '{"@type": "Person", "name": "A"} {"@type": "Person", "name": "B"}',
      '{ this is not json',
      '   ',
    ]);
    expect(nodes).toEqual([
      { '@type': 'Article', headline: 'Commented' },
      { '@type': 'Article', headline: 'Wrapped' },
      { '@type': 'Article', description: 'line one line two' },
      { '@type': 'Person', name: 'A' },
      { '@type': 'Person', name: 'B' },
    ]);
  });

  it('resolves @id references between graph nodes', () => {
    const nodes = parseJsonLd([
      JSON.stringify({
        '@graph': [
          { '@type': 'Article', author: [{ '@id': '#jane' }], publisher: { '@id': '#org' } },
          { '@type': 'Person', '@id': '#jane', name: 'Jane Doe' },
        ],
      }),
    ]);
    expect(jsonLdValue(nodes, 'author.name')).toBe('Jane Doe');
    expect(nodes[0].publisher).toEqual({ '@id': '#org' });
  });

  it('ignores primitives and keeps untyped nodes with the pages', () => {
    expect(parseJsonLd(['"text"', '[1, null, {"name": "untyped"}]'])).toEqual([{ name: 'untyped' }]);
  });
});

describe('jsonLdValue', () => {
  const nodes = [
    { '@type': 'Article', image: [{ url: '' }, { url: 'https://example.com/b.png' }], headline: ' ' },
    { '@type': 'WebSite', headline: 'Fallback', tags: [] },
  ];

  it('walks arrays in order and skips blank values', () => {
    expect([
      jsonLdValue(nodes, 'image.url'),
      jsonLdValue(nodes, 'headline'),
      jsonLdValue(nodes, 'tags'),
      jsonLdValue(nodes, 'headline.x'),
    ]).toEqual(['https://example.com/b.png', 'Fallback', undefined, undefined]);
  });

  it('lists @type values without the schema.org prefix', () => {
    expect([jsonLdTypes({ '@type': ['https://schema.org/Article', 'Thing', 3] }), jsonLdTypes({})]).toEqual([
      ['Article', 'Thing'],
      [],
    ]);
  });
});
