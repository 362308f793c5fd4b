import { scanPage } from '../page-scan.js';
import {
  jsonLd,
  jsonLdAuthor,
  jsonLdImages,
  jsonLdProfileDescription,
  jsonLdProfileImages,
  jsonLdProfileName,
  jsonLdType,
  jsonLdVideos,
} from './json-ld.rules.js';
import { PageContext } from './rule.js';

const page = (...blocks: unknown[]): PageContext =>
  new PageContext(
    scanPage(
      blocks.map((b) => `<script type="application/ld+json">${JSON.stringify(b)}</script>`).join(''),
      'https://example.com/',
      () => true,
    ),
  );

describe('JSON-LD rules', () => {
  it('reads text values: strings, numbers, names of objects and first array items', () => {
    const p = page({
      '@type': 'Article',
      headline: 'Story',
      wordCount: 1200,
      publisher: { '@type': 'Organization', name: 'Daily' },
      keywords: ['', 'first'],
      inLanguage: { '@value': 'en' },
      about: { value: 'v' },
      empty: {},
    });
    expect(
      [
        'headline',
        'wordCount',
        'publisher',
        'publisher.name',
        'keywords',
        'inLanguage',
        'about',
        'empty',
        'missing',
      ].map((path) => jsonLd(path).read(p)),
    ).toEqual(['Story', '1200', 'Daily', 'Daily', 'first', 'en', 'v', undefined, undefined]);
  });

  it('joins author names from strings, people, organisations and arrays', () => {
    expect([
      jsonLdAuthor.read(page({ '@type': 'Article', author: 'Jane Doe' })),
      jsonLdAuthor.read(page({ '@type': 'Article', author: { '@type': 'Person', name: 'Jane Doe' } })),
      jsonLdAuthor.read(
        page({ '@type': 'Article', author: [{ name: 'A' }, { givenName: 'B', familyName: 'C' }, 'D', { name: 'A' }] }),
      ),
      jsonLdAuthor.read(page({ '@type': 'Article', author: [{ url: 'https://x' }, 42] })),
    ]).toEqual(['Jane Doe', 'Jane Doe', 'A, B C and D', undefined]);
  });

  it('reads images from URLs, ImageObjects, arrays and thumbnailUrl', () => {
    expect([
      jsonLdImages.read(page({ '@type': 'Article', image: 'https://example.com/a.jpg' })),
      jsonLdImages.read(
        page({
          '@type': 'Article',
          image: [{ '@type': 'ImageObject', url: '/b.jpg', width: 800, height: '600', caption: 'B' }, { width: 1 }],
        }),
      ),
      jsonLdImages.read(page({ '@type': 'VideoObject', thumbnailUrl: ['/t.jpg'] })),
      jsonLdImages.read(page({ '@type': 'Article', image: { contentUrl: '/c.jpg', name: 'C' } })),
      jsonLdImages.read(page({ '@type': 'Article' })),
    ]).toEqual([
      [{ url: 'https://example.com/a.jpg' }],
      [{ url: '/b.jpg', width: 800, height: 600, alt: 'B' }],
      [{ url: '/t.jpg' }],
      [{ url: '/c.jpg', alt: 'C' }],
      undefined,
    ]);
  });

  it('reads VideoObjects, also nested under `video`', () => {
    expect([
      jsonLdVideos.read(page({ '@type': 'VideoObject', contentUrl: '/v.mp4', width: 640, height: 360 })),
      jsonLdVideos.read(page({ '@type': 'Article', video: { '@type': 'VideoObject', embedUrl: '/embed/1' } })),
      jsonLdVideos.read(page({ '@type': 'VideoObject', name: 'no url' })),
    ]).toEqual([[{ url: '/v.mp4', width: 640, height: 360 }], [{ url: '/embed/1' }], undefined]);
  });

  it('reads the name, description and picture of the entity a ProfilePage is about, and of no other page', () => {
    const profile = page({
      '@type': 'ProfilePage',
      mainEntity: {
        '@type': 'Person',
        name: 'Jane Doe',
        description: 'Writes things.',
        image: { '@type': 'ImageObject', contentUrl: '/jane.jpg', width: 400, height: 400 },
      },
    });
    const listed = page({
      '@type': 'ProfilePage',
      mainEntity: [{ '@type': 'Organization', name: 'Acme', image: '/a.png' }],
    });
    const faq = page({
      '@type': 'FAQPage',
      mainEntity: { '@type': 'Question', name: 'Why?', description: 'Because.' },
    });
    const rules = [jsonLdProfileName, jsonLdProfileDescription, jsonLdProfileImages];
    expect([profile, listed, faq].map((p) => rules.map((r) => r.read(p)))).toEqual([
      ['Jane Doe', 'Writes things.', [{ url: '/jane.jpg', width: 400, height: 400 }]],
      ['Acme', undefined, [{ url: '/a.png' }]],
      [undefined, undefined, undefined],
    ]);
  });

  it('infers the page type from the first known @type', () => {
    expect([
      jsonLdType.read(page({ '@type': 'WebSite' }, { '@type': ['Thing', 'BlogPosting'] })),
      jsonLdType.read(page({ '@type': 'Product' })),
      jsonLdType.read(page({ '@type': 'Organization' })),
    ]).toEqual(['article', 'product', undefined]);
  });
});
