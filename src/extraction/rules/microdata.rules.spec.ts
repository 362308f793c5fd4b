import { scanPage } from '../page-scan.js';
import { itemprop, microdataType } from './microdata.rules.js';
import { PageContext } from './rule.js';

const page = (body: string): PageContext =>
  new PageContext(scanPage(`<html><body>${body}</body></html>`, 'https://example.com/', () => true));

describe('microdata rules', () => {
  const html = `
    <div itemscope itemtype="https://schema.org/NewsArticle">
      <h1 itemprop="headline">The <b>headline</b></h1>
      <a itemprop="url" href="/story">link</a>
      <a itemprop="articleSection" href="/tech">Tech</a>
      <img itemprop="image" src="/pic.jpg">
      <meta itemprop="datePublished" content="2024-03-05">
      <time itemprop="dateModified" datetime="2024-03-06">yesterday</time>
      <div itemprop="author" itemscope itemtype="https://schema.org/Person">
        <span itemprop="name">Jane Doe</span>
      </div>
      <span itemprop="keywords about">  </span>
    </div>`;

  it('reads values by property path, from content, datetime, URLs or text', () => {
    const p = page(html);
    expect(
      [
        'headline',
        'url',
        'articleSection',
        'image',
        'datePublished',
        'dateModified',
        'author.name',
        'author',
        'keywords',
      ].map((path) => itemprop(path).read(p)),
    ).toEqual([
      'The headline',
      '/story',
      'Tech',
      '/pic.jpg',
      '2024-03-05',
      '2024-03-06',
      'Jane Doe',
      'Jane Doe',
      undefined,
    ]);
  });

  it('infers the page type from a top-level itemtype', () => {
    expect([
      microdataType.read(page(html)),
      microdataType.read(page('<div itemscope itemtype="https://schema.org/Organization"></div>')),
    ]).toEqual(['article', undefined]);
  });
});
