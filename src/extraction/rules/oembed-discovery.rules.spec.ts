import { scanPage } from '../page-scan.js';
import { oembedDiscovery } from './oembed-discovery.rules.js';
import { PageContext } from './rule.js';

describe('oEmbed discovery', () => {
  it('reads JSON and XML oEmbed links and ignores other alternates', () => {
    const head = `
      <link rel="alternate" type="application/json+oembed" href="/oembed?format=json">
      <link rel="alternate" type="text/xml+oembed" href="/oembed?format=xml">
      <link rel="alternate" type="application/rss+xml" href="/feed">
      <link rel="preload" type="application/json+oembed" href="/nope">`;
    const page = new PageContext(scanPage(head, 'https://example.com/', () => true));
    expect(oembedDiscovery.read(page)).toEqual([
      { url: '/oembed?format=json', format: 'json' },
      { url: '/oembed?format=xml', format: 'xml' },
    ]);
  });
});
