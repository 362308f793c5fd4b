import { scanPage } from '../page-scan.js';
import { PageContext } from './rule.js';
import { twitterImages, twitterPlayer, twitterSite } from './twitter.rules.js';

const page = (head: string): PageContext => new PageContext(scanPage(head, 'https://example.com/', () => true));

describe('Twitter card rules', () => {
  it('reads twitter:image with its alt text, and the older twitter:image:src', () => {
    expect([
      twitterImages.read(
        page('<meta name="twitter:image" content="/c.png"><meta name="twitter:image:alt" content="A card">'),
      ),
      twitterImages.read(page('<meta property="twitter:image:src" content="/d.png">')),
      twitterImages.read(page('<meta name="twitter:card" content="summary">')),
    ]).toEqual([[{ url: '/c.png', alt: 'A card' }], [{ url: '/d.png' }], undefined]);
  });

  it('gives each twitter:image:alt to the image it follows, never to another one', () => {
    expect([
      twitterImages.read(
        page(`<meta name="twitter:image" content="/a.png"><meta name="twitter:image:alt" content="Alt of a">
          <meta name="twitter:image" content="/b.png">`),
      ),
      twitterImages.read(
        page(
          '<meta name="twitter:image" content=" "><meta name="twitter:image:alt" content="Alt of nothing"><meta name="twitter:image:src" content="/c.png">',
        ),
      ),
      twitterImages.read(
        page('<meta name="twitter:image:alt" content="Before any image"><meta name="twitter:image" content="/d.png">'),
      ),
    ]).toEqual([[{ url: '/a.png', alt: 'Alt of a' }, { url: '/b.png' }], [{ url: '/c.png' }], [{ url: '/d.png' }]]);
  });

  it('reads the player with its size', () => {
    const head = `<meta name="twitter:player" content="https://example.com/embed/1">
      <meta name="twitter:player:width" content="480"><meta name="twitter:player:height" content="270">`;
    expect([
      twitterPlayer.read(page(head)),
      twitterPlayer.read(page('<meta name="twitter:player" content="https://example.com/embed/2">')),
      twitterPlayer.read(page('')),
    ]).toEqual([
      [{ url: 'https://example.com/embed/1', width: 480, height: 270 }],
      [{ url: 'https://example.com/embed/2' }],
      undefined,
    ]);
  });

  it('reads the site handle without its @', () => {
    expect([
      twitterSite.read(page('<meta name="twitter:site" content=" @example ">')),
      twitterSite.read(page('')),
    ]).toEqual(['example', undefined]);
  });
});
