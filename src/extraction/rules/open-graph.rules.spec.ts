import { scanPage } from '../page-scan.js';
import { ogImages, ogUrl, ogUrlAnyway, ogVideos } from './open-graph.rules.js';
import { PageContext } from './rule.js';

const page = (head: string, url = 'https://example.com/a'): PageContext =>
  new PageContext(scanPage(`<html><head>${head}</head></html>`, url, () => true));

describe('Open Graph rules', () => {
  it('attaches og:image:* properties to the preceding og:image', () => {
    const head = `
      <meta property="og:image" content="/one.jpg">
      <meta property="og:image:width" content="1200">
      <meta property="og:image:height" content="630">
      <meta property="og:image:alt" content="First &amp;amp; best">
      <meta property="og:image:type" content="Image/JPEG">
      <meta property="og:image" content="https://example.com/two.png">
      <meta property="og:image:width" content="wide">
      <meta property="og:image:alt" content="Second">`;
    expect(ogImages.read(page(head))).toEqual([
      { url: '/one.jpg', width: 1200, height: 630, alt: 'First & best', type: 'image/jpeg' },
      { url: 'https://example.com/two.png', alt: 'Second' },
    ]);
  });

  it('merges og:image:url and a https og:image:secure_url into the image they describe', () => {
    const head = `
      <meta property="og:image:width" content="10">
      <meta property="og:image" content="http://example.com/a.jpg">
      <meta property="og:image:url" content="http://example.com/a.jpg">
      <meta property="og:image:secure_url" content="https://example.com/a.jpg">
      <meta property="og:image:url" content="https://example.com/b.jpg">
      <meta property="og:image:secure_url" content="http://example.com/not-secure.jpg">
      <meta property="og:image" content="  ">`;
    expect(ogImages.read(page(head))).toEqual([
      { url: 'https://example.com/a.jpg' },
      { url: 'https://example.com/b.jpg' },
    ]);
  });

  it('reads og:video entries with size and type, without alt text', () => {
    const head = `
      <meta property="og:video:url" content="https://example.com/v.mp4">
      <meta property="og:video:type" content="video/mp4">
      <meta property="og:video:width" content="640">
      <meta property="og:video:height" content="360">
      <meta property="og:video:alt" content="ignored">`;
    expect(ogVideos.read(page(head))).toEqual([
      { url: 'https://example.com/v.mp4', type: 'video/mp4', width: 640, height: 360 },
    ]);
  });

  it('takes an og:image:secure_url declared without og:image as the image, and lets a later og:image join it', () => {
    expect([
      ogImages.read(page('<meta property="og:image:secure_url" content="https://example.com/s.jpg">')),
      ogImages.read(
        page(`<meta property="og:image:secure_url" content="https://example.com/s.jpg">
          <meta property="og:image:width" content="600">
          <meta property="og:image" content="http://example.com/s.jpg">
          <meta property="og:image" content="https://example.com/next.jpg">`),
      ),
      ogImages.read(page('<meta property="og:image:secure_url" content="http://example.com/not-secure.jpg">')),
    ]).toEqual([
      [{ url: 'https://example.com/s.jpg' }],
      [{ url: 'https://example.com/s.jpg', width: 600 }, { url: 'https://example.com/next.jpg' }],
      [],
    ]);
  });

  it("leaves an og:url naming the site's home page on a deeper page to other rules, unless nothing else names it", () => {
    const home = '<meta property="og:url" content="https://example.com/">';
    expect([
      ogUrl.read(page(home, 'https://example.com/news/story')),
      ogUrl.read(page(home, 'https://example.com/')),
      ogUrl.read(page('<meta property="og:url" content="/news/story">', 'https://example.com/news/story')),
      ogUrl.read(page('<meta property="og:url" content="/?p=1">', 'https://example.com/news/story')),
      ogUrlAnyway.read(page(home, 'https://example.com/news/story')),
    ]).toEqual([undefined, 'https://example.com/', '/news/story', '/?p=1', 'https://example.com/']);
  });
});
