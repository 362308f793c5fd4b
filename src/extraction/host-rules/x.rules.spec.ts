import { extract } from '../extract.js';
import { scanPage } from '../page-scan.js';
import { PageContext } from '../rules/rule.js';
import { xAuthor, xMedia, xNeedsBody, xPostText, xSiteName, xTitle } from './x.rules.js';

const page = (html: string, url: string): PageContext => new PageContext(scanPage(html, url, () => true));

const X_PLACEHOLDER = 'https://abs.twimg.com/rweb/ssr/default/v2/og/image.png';

const X_POST = `<html lang="en"><head>
  <meta property="og:site_name" content="X (formerly Twitter)">
  <meta property="og:image" content="${X_PLACEHOLDER}">
  <meta property="og:title" content="Life on X on X: &quot;Hello &quot;world&quot;&quot; / X">
  <title>Life on X on X: "Hello "world"" / X</title>
  <link rel="canonical" href="https://x.com/sample/status/1">
</head><body><article>
  <img src="https://pbs.twimg.com/profile_images/9/avatar_x96.jpg" alt="Square profile picture">
  <time datetime="2024-05-01T10:00:00.000Z">May 1</time>
  <img src="https://pbs.twimg.com/media/AbCdEf.jpg" alt="">
</article></body></html>`;

const X_PROFILE = `<html><head>
  <meta property="og:image" content="${X_PLACEHOLDER}">
  <title>Sample Account (@Sample) / X</title>
  <script type="application/ld+json">{"@context":"http://schema.org","@type":"ProfilePage",
    "mainEntity":{"@type":"Person","name":"Sample Account","description":"Writes  samples.",
    "image":{"@type":"ImageObject","contentUrl":"https://pbs.twimg.com/profile_images/9/p_400x400.jpg"}}}</script>
</head><body></body></html>`;

describe('X rules (from the bundled rules pack)', () => {
  it("reads name, handle and post text from X's title forms, with the handle as the address spells it", () => {
    const post = page(X_POST, 'https://x.com/sample/status/1');
    const profile = page(X_PROFILE, 'https://twitter.com/sample');
    const reserved = page(X_POST, 'https://x.com/home');
    const rules = [xTitle, xPostText, xAuthor, xSiteName];
    expect([post, profile, reserved].map((p) => rules.map((r) => r.read(p)))).toEqual([
      ['Life on X (@sample) on X', 'Hello "world"', 'Life on X', 'X'],
      ['Sample Account (@sample) on X', undefined, 'Sample Account', 'X'],
      [undefined, undefined, undefined, undefined],
    ]);
  });

  it("replaces X's generic card by the profile photo or the post's media, and only then", () => {
    const own = X_POST.replace(X_PLACEHOLDER, 'https://pbs.twimg.com/media/Own.jpg');
    const bare = X_POST.replace(/<img[^>]*media[^>]*>/, '');
    const cases = [
      page(X_POST, 'https://x.com/sample/status/1'),
      page(X_PROFILE, 'https://x.com/sample'),
      page(bare, 'https://x.com/sample/status/1'),
      page(own, 'https://x.com/sample/status/1'),
    ];
    expect(cases.map((p) => [xNeedsBody(p), xMedia.read(p)])).toEqual([
      [true, [{ url: 'https://pbs.twimg.com/media/AbCdEf.jpg' }]],
      [true, [{ url: 'https://pbs.twimg.com/profile_images/9/p_400x400.jpg' }]],
      [true, undefined],
      [false, undefined],
    ]);
  });

  it('extracts a whole X post page, reading the body for its media', () => {
    expect(extract(X_POST, 'https://x.com/sample/status/1')).toEqual({
      canonicalUrl: 'https://x.com/sample/status/1',
      type: 'website',
      title: 'Life on X (@sample) on X',
      description: 'Hello "world"',
      siteName: 'X',
      lang: 'en',
      author: 'Life on X',
      publishedAt: '2024-05-01T10:00:00.000Z',
      images: [{ url: 'https://pbs.twimg.com/media/AbCdEf.jpg' }],
      icons: [{ url: 'https://x.com/favicon.ico', rel: 'icon' }],
      sources: {
        canonicalUrl: 'link[rel=canonical]',
        type: 'default',
        title: 'x title',
        description: 'x post text',
        siteName: 'x site name',
        lang: 'html[lang]',
        author: 'x author',
        publishedAt: 'time[datetime]',
        images: 'x media',
        icons: '/favicon.ico',
      },
    });
  });

  it('applies only on the hosts the pack names: the same page elsewhere gets the generic rules', () => {
    expect(extract(X_POST, 'https://example.com/sample/status/1')).toEqual({
      canonicalUrl: 'https://x.com/sample/status/1',
      type: 'website',
      title: 'Life on X on X: "Hello "world"" / X',
      siteName: 'X (formerly Twitter)',
      lang: 'en',
      publishedAt: '2024-05-01T10:00:00.000Z',
      images: [{ url: X_PLACEHOLDER }],
      icons: [{ url: 'https://example.com/favicon.ico', rel: 'icon' }],
      sources: {
        canonicalUrl: 'link[rel=canonical]',
        type: 'default',
        title: 'og:title',
        siteName: 'og:site_name',
        lang: 'html[lang]',
        publishedAt: 'time[datetime]',
        images: 'og:image',
        icons: '/favicon.ico',
      },
    });
  });

  it('reads the same page without the pack as any other page', () => {
    expect(extract(X_POST, 'https://x.com/sample/status/1', { rulesPack: [] })).toMatchObject({
      title: 'Life on X on X: "Hello "world"" / X',
      siteName: 'X (formerly Twitter)',
      images: [{ url: X_PLACEHOLDER }],
    });
  });
});
