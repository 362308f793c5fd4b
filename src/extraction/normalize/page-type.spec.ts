import { normalizeOgType, schemaTypeToPageType } from './page-type.js';

describe('page types', () => {
  it('normalises og:type values', () => {
    expect(
      [
        'article',
        'website',
        'video.other',
        'video.movie',
        'music.song',
        'profile',
        'book',
        'product',
        ' Article ',
        'blog',
      ].map(normalizeOgType),
    ).toEqual(['article', 'website', 'video', 'video', 'music', 'profile', 'book', 'product', 'article', 'article']);
  });

  it('leaves unknown og:type values to other rules', () => {
    expect([normalizeOgType('restaurant.menu'), normalizeOgType(''), normalizeOgType(undefined)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('infers the type from schema.org types', () => {
    expect(
      [
        'Article',
        'NewsArticle',
        'BlogPosting',
        'https://schema.org/ReportageNewsArticle',
        'VideoObject',
        'Product',
        'Book',
        'MusicRecording',
        'ProfilePage',
        'Organization',
        42,
      ].map(schemaTypeToPageType),
    ).toEqual([
      'article',
      'article',
      'article',
      'article',
      'video',
      'product',
      'book',
      'music',
      'profile',
      undefined,
      undefined,
    ]);
  });
});
