import { scanPage } from '../page-scan.js';
import { faviconFallback, iconLinks, rankIcons } from './icon.rules.js';
import { PageContext } from './rule.js';

const page = (head: string, url = 'https://example.com/a/b'): PageContext =>
  new PageContext(scanPage(head, url, () => true));

describe('icon rules', () => {
  it('reads every kind of icon link with sizes and type', () => {
    const head = `
      <link rel="icon" href="/i.png" sizes="32x32" type="image/PNG">
      <link rel="Shortcut Icon" href="/s.ico">
      <link rel="icon shortcut" href="/s2.ico">
      <link rel="apple-touch-icon" href="/t.png" sizes="180x180">
      <link rel="apple-touch-icon-precomposed" href="/p.png">
      <link rel="mask-icon" href="/m.svg">
      <link rel="stylesheet" href="/x.css">
      <link rel="icon">`;
    expect(iconLinks.read(page(head))).toEqual([
      { url: '/i.png', rel: 'icon', sizes: '32x32', type: 'image/png' },
      { url: '/s.ico', rel: 'shortcut icon' },
      { url: '/s2.ico', rel: 'shortcut icon' },
      { url: '/t.png', rel: 'apple-touch-icon', sizes: '180x180' },
      { url: '/p.png', rel: 'apple-touch-icon-precomposed' },
      { url: '/m.svg', rel: 'mask-icon' },
    ]);
  });

  it('falls back to /favicon.ico of the origin, for http(s) pages only', () => {
    expect([faviconFallback.read(page('')), faviconFallback.read(page('', 'ftp://example.com/x'))]).toEqual([
      [{ url: 'https://example.com/favicon.ico', rel: 'icon' }],
      undefined,
    ]);
  });

  it('ranks icons best first: declared size, then SVG and touch icons over bitmaps and .ico, masks and /favicon.ico last', () => {
    const icons = [
      { url: 'https://e.com/favicon.ico', rel: 'icon' },
      { url: 'https://e.com/i16.ico', rel: 'icon', sizes: '16x16' },
      { url: 'https://e.com/mask.svg', rel: 'mask-icon' },
      { url: 'https://e.com/i32.png', rel: 'icon', sizes: '32x32', type: 'image/png' },
      { url: 'https://e.com/touch.png', rel: 'apple-touch-icon' },
      { url: 'https://e.com/logo.svg', rel: 'icon', type: 'image/svg+xml' },
      { url: 'https://e.com/m192.png', rel: 'manifest', sizes: '192x192' },
      { url: 'https://e.com/multi.ico', rel: 'icon', sizes: '16x16 48x48' },
      { url: 'https://e.com/unknown.png', rel: 'icon' },
      { url: 'https://e.com/p180.png', rel: 'icon', sizes: '180x180' },
    ];
    expect(rankIcons(icons).map((icon) => icon.url.slice('https://e.com/'.length))).toEqual([
      'logo.svg',
      'm192.png',
      'touch.png',
      'p180.png',
      'multi.ico',
      'i32.png',
      'i16.ico',
      'unknown.png',
      'mask.svg',
      'favicon.ico',
    ]);
  });
});
