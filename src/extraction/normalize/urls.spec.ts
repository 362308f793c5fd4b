import { documentBase, faviconUrl, isHttpUrl, resolveHttpUrl, resolveUrl } from './urls.js';

describe('URL normalizers', () => {
  const page = 'https://example.com/news/story.html';

  it('resolves relative, root-relative and protocol-relative references', () => {
    expect([
      resolveUrl('img/a.png', page),
      resolveUrl('/img/a.png', page),
      resolveUrl('//cdn.example.net/a.png', page),
      resolveUrl(' https://other.org/x ', page),
    ]).toEqual([
      'https://example.com/news/img/a.png',
      'https://example.com/img/a.png',
      'https://cdn.example.net/a.png',
      'https://other.org/x',
    ]);
  });

  it('gives nothing for empty or unparsable references', () => {
    expect([resolveUrl(undefined, page), resolveUrl('  ', page), resolveUrl('http://[bad', page)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('keeps only http(s) URLs', () => {
    expect([
      resolveHttpUrl('data:image/png;base64,AAAA', page),
      resolveHttpUrl('javascript:alert(1)', page),
      resolveHttpUrl('ftp://example.com/a', page),
      resolveHttpUrl('a.png', page),
      isHttpUrl('HTTP://EXAMPLE.COM'),
    ]).toEqual([undefined, undefined, undefined, 'https://example.com/news/a.png', true]);
  });

  it('honours <base href> only when it resolves to http(s)', () => {
    expect([
      documentBase(page, '/static/'),
      documentBase(page, 'https://cdn.example.net/'),
      documentBase(page, 'javascript:void(0)'),
      documentBase(page, undefined),
    ]).toEqual(['https://example.com/static/', 'https://cdn.example.net/', page, page]);
  });

  it('points at /favicon.ico of the origin', () => {
    expect([faviconUrl('https://example.com:8443/a/b?c'), faviconUrl('file:///tmp/x'), faviconUrl('nope')]).toEqual([
      'https://example.com:8443/favicon.ico',
      undefined,
      undefined,
    ]);
  });
});
