import { ProviderRegistry } from './provider-registry.js';

const youtube = {
  providerName: 'YouTube',
  providerUrl: 'https://www.youtube.com/',
  endpoint: 'https://www.youtube.com/oembed',
  format: 'json',
};

describe('ProviderRegistry.bundled', () => {
  const registry = ProviderRegistry.bundled();

  it('is loaded once per process', () => {
    expect(ProviderRegistry.bundled()).toBe(registry);
  });

  it.each([
    'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    'http://www.youtube.com/watch?v=dQw4w9WgXcQ',
    'https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=10',
    'https://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ',
    'https://youtu.be/dQw4w9WgXcQ',
    'https://youtube.com/shorts/abc',
  ])('finds YouTube for %s (http and https alike, host case-insensitive)', (url) => {
    expect(registry.find(url)).toEqual(youtube);
  });

  it('fills {format} with json in the endpoint URL (Vimeo)', () => {
    expect(registry.find('https://vimeo.com/channels/staffpicks/123456')).toEqual({
      providerName: 'Vimeo',
      providerUrl: 'https://vimeo.com/',
      endpoint: 'https://vimeo.com/api/oembed.json',
      format: 'json',
    });
  });

  it('matches literal query strings in schemes (Facebook photo.php?fbid=*)', () => {
    expect(registry.find('https://www.facebook.com/photo.php?fbid=42')).toEqual({
      providerName: 'Facebook',
      providerUrl: 'https://www.facebook.com/',
      endpoint: 'https://graph.facebook.com/v16.0/oembed_post',
      format: 'json',
    });
  });

  it('matches schemes with a fragment against the fragment of the page', () => {
    expect([
      registry.find('https://dashboard.pandavideo.com.br/#/videos/abc-123')?.providerName,
      registry.find('https://dashboard.pandavideo.com.br/#/settings'),
      registry.find('https://dashboard.pandavideo.com.br/videos/abc-123'),
    ]).toEqual(['Panda Video', undefined, undefined]);
  });

  it('lets *.*. span the labels its scheme names (Flickr, WordPress.com)', () => {
    expect([
      registry.find('https://www.flickr.com/photos/someone/123')?.providerName,
      registry.find('https://flickr.com/photos/someone/123')?.providerName,
      registry.find('https://en.blog.wordpress.com/2024/01/01/post/')?.providerName,
    ]).toEqual(['Flickr', 'Flickr', 'WordPress.com']);
  });

  it.each([
    'https://www.youtube.com.evil.example/watch?v=1',
    'https://evil.example/?.youtube.com/watch',
    'https://www.youtube.com:8443/watch?v=1',
    'https://example.com/',
    'ftp://www.youtube.com/watch?v=1',
    'not a url',
  ])('finds no provider for %s', (url) => {
    expect(registry.find(url)).toBeUndefined();
  });
});

describe('ProviderRegistry scheme compilation', () => {
  const registry = new ProviderRegistry([
    {
      provider_name: 'Dots',
      provider_url: 'https://dots.example/',
      endpoints: [
        { schemes: ['https://a.example/p.php?id=*'], url: 'https://a.example/oembed' },
        { schemes: ['https://*.b.example/(x)+[y]/*'], url: 'https://b.example/oembed.{format}' },
        { schemes: ['spotify:*'], url: 'https://spotify.example/oembed' },
        { url: 'https://noschemes.example/oembed' },
        { schemes: ['http://xml.example/*'], url: 'https://xml.example/oembed', formats: ['xml'] },
        { schemes: ['https://embed-*.c.example/v/*'], url: 'https://c.example/oembed' },
        { schemes: ['https://hash.example/#/item/*'], url: 'https://hash.example/oembed' },
      ],
    },
  ]);
  const at = (endpoint: string, format = 'json') => ({
    providerName: 'Dots',
    providerUrl: 'https://dots.example/',
    endpoint,
    format,
  });

  it('treats dots and question marks as literal characters', () => {
    expect(registry.find('https://a.example/p.php?id=7')).toEqual(at('https://a.example/oembed'));
    expect(registry.find('https://aXexample/p.php?id=7')).toBeUndefined();
    expect(registry.find('https://a.example/pXphp?id=7')).toBeUndefined();
    expect(registry.find('https://a.example/p.ph?id=7')).toBeUndefined();
  });

  it('treats brackets, parentheses and plus as literal characters', () => {
    expect(registry.find('https://cdn.b.example/(x)+[y]/1')).toEqual(at('https://b.example/oembed.json'));
    expect(registry.find('https://cdn.b.example/xx[y]/1')).toBeUndefined();
  });

  it('lets a leading *. stand for one label or none, never two', () => {
    expect(registry.find('https://b.example/(x)+[y]/1')).toEqual(at('https://b.example/oembed.json'));
    expect(registry.find('https://a.cdn.b.example/(x)+[y]/1')).toBeUndefined();
    expect(registry.find('https://evilb.example/(x)+[y]/1')).toBeUndefined();
  });

  it('keeps a * inside a label within that label', () => {
    expect(registry.find('https://embed-1.c.example/v/1')).toEqual(at('https://c.example/oembed'));
    expect(registry.find('https://embed-1.x.c.example/v/1')).toBeUndefined();
    expect(registry.find('https://embed-.c.example/v/1')).toBeUndefined();
  });

  it('matches the fragment only for schemes that name one', () => {
    expect(registry.find('https://hash.example/#/item/1')).toEqual(at('https://hash.example/oembed'));
    expect(registry.find('https://hash.example/#/other/1')).toBeUndefined();
    expect(registry.find('https://a.example/p.php?id=7#comments')).toEqual(at('https://a.example/oembed'));
  });

  it('matches the https variant of an http scheme and asks XML-only endpoints for xml', () => {
    expect(registry.find('https://xml.example/item/1')).toEqual(at('https://xml.example/oembed', 'xml'));
  });

  it('ignores non-http schemes and endpoints without schemes', () => {
    expect(registry.find('https://noschemes.example/')).toBeUndefined();
    expect(registry.find('https://spotify.example/track/1')).toBeUndefined();
  });
});
