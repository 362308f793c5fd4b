import { manifestIcons } from './manifest.js';

describe('manifestIcons', () => {
  it('reads the icons of a web-app manifest against its own address, without monochrome-only masks', () => {
    const manifest = {
      name: 'App',
      icons: [
        { src: 'icons/192.png', sizes: '192x192', type: 'image/PNG' },
        { src: '/512.png', sizes: '512x512', purpose: 'any maskable' },
        { src: 'mono.svg', purpose: 'monochrome' },
        { src: 'javascript:alert(1)' },
        { src: 'icons/192.png', sizes: '192x192' },
        { sizes: '48x48' },
        'not an icon',
      ],
    };
    expect(manifestIcons(manifest, 'https://example.com/app/site.webmanifest')).toEqual([
      { url: 'https://example.com/app/icons/192.png', rel: 'manifest', sizes: '192x192', type: 'image/png' },
      { url: 'https://example.com/512.png', rel: 'manifest', sizes: '512x512' },
    ]);
  });

  it('gives nothing for what is not a manifest, and at most 8 icons for a long one', () => {
    const many = { icons: Array.from({ length: 100 }, (_, i) => ({ src: `/i${i}.png` })) };
    expect([
      manifestIcons(null, 'https://e.com/m.json'),
      manifestIcons([], 'https://e.com/m.json'),
      manifestIcons({ icons: 'x' }, 'https://e.com/m.json'),
      manifestIcons(many, 'https://e.com/m.json').length,
    ]).toEqual([[], [], [], 8]);
  });
});
