import { scanPage } from '../page-scan.js';
import {
  bodyImages,
  bylineText,
  dateText,
  defaultAlternate,
  htmlLang,
  link,
  relAuthor,
  text,
  timeElement,
  titleSegment,
} from './html.rules.js';
import { PageContext } from './rule.js';

const page = (html: string): PageContext => new PageContext(scanPage(html, 'https://example.com/', () => true));

describe('HTML fallback rules', () => {
  const html = `<html lang="en-GB"><head><title>Story title | Example News</title>
    <link rel="Canonical" href="/story"><link rel="alternate" hreflang="x-default" href="/intl/story"></head>
    <body><header><p>${'Navigation text that is long enough to look like a paragraph but is chrome. '.repeat(2)}</p>
    <img src="/logo.png"></header>
    <h1> </h1><h1>Main <em>heading</em></h1>
    <p>Short.</p>
    <p>${'A meaningful first paragraph of the article body, long enough to describe the page. '.repeat(2)}</p>
    <a rel="author" href="/jane">Jane Doe</a>
    <span class="byline">Staff</span><div class="author-box"><div>By John Smith</div><div>Editor at large</div></div>
    <span class="post-date">sometime</span><span class="date">March 5, 2024</span>
    <time datetime="2024-03-05T08:00:00Z">today</time>
    <img src="/pixel.gif" width="1" height="1"><img src="/img/sprites/nav-sprite.png" width="300">
    <img src="https://t.example.net/track/1x1.gif?u=1" width="300"><img src="/side.jpg" width="300">
    <img src="/blank-canvas.jpg" width="300">
    <article><img src="/hero.jpg" width="1200" height="600" alt=" Hero "></article>
    </body></html>`;

  it('reads document text, links and language', () => {
    const p = page(html);
    expect({
      title: text('title').read(p),
      h1: text('h1').read(p),
      paragraph: text('paragraph').read(p)?.slice(0, 30),
      canonical: link('canonical').read(p),
      alternate: defaultAlternate.read(p),
      lang: htmlLang.read(p),
      relAuthor: relAuthor.read(p),
      byline: bylineText.read(p),
      date: dateText.read(p),
      time: timeElement.read(p),
      siteFromTitle: titleSegment.read(p),
    }).toEqual({
      title: 'Story title | Example News',
      h1: 'Main heading',
      paragraph: 'A meaningful first paragraph o',
      canonical: '/story',
      alternate: '/intl/story',
      lang: 'en-GB',
      relAuthor: 'Jane Doe',
      byline: 'By John Smith',
      date: 'March 5, 2024',
      time: '2024-03-05T08:00:00Z',
      siteFromTitle: 'Example News',
    });
  });

  it('prefers content images and skips chrome, tiny, sprite and tracking images', () => {
    const p = page(html);
    expect([bodyImages(true).read(p), bodyImages(false).read(p)]).toEqual([
      [{ url: '/hero.jpg', width: 1200, height: 600, alt: 'Hero' }],
      [
        { url: '/side.jpg', width: 300 },
        { url: '/blank-canvas.jpg', width: 300 },
        { url: '/hero.jpg', width: 1200, height: 600, alt: 'Hero' },
      ],
    ]);
  });

  it('finds no site name in a title without separators, else takes the last segment unless the first is much shorter', () => {
    expect([
      titleSegment.read(page('<title>Just a title</title>')),
      titleSegment.read(page('<title>Brand - A much longer page title</title>')),
      titleSegment.read(page('<title>Short story title | Example News</title>')),
      titleSegment.read(page('')),
    ]).toEqual([undefined, 'Brand', 'Example News', undefined]);
  });
});
