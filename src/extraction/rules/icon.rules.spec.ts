import { scanPage } from '../page-scan.js';
import { faviconFallback, iconLinks } from './icon.rules.js';
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
});
