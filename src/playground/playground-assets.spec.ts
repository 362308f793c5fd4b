import { loadAsset, matchesEtag } from './playground-assets.js';

describe('loadAsset', () => {
  it('reads a file beside the module with its content type and a strong ETag of the body', () => {
    const asset = loadAsset('icon.svg');
    expect(asset.contentType).toBe('image/svg+xml');
    expect(asset.body.toString('utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(asset.etag).toMatch(/^"[\w-]{27}"$/);
  });

  it('renders text through the given function, and the ETag follows the rendered body', () => {
    const plain = loadAsset('index.html');
    const rendered = loadAsset('index.html', (html) => html.replaceAll('{{version}}', '9.9.9'));
    expect(plain.contentType).toBe('text/html; charset=utf-8');
    expect(plain.body.toString('utf8')).toContain('{{version}}');
    expect(rendered.body.toString('utf8')).not.toContain('{{version}}');
    expect(rendered.body.toString('utf8')).toContain('9.9.9');
    expect(rendered.etag).not.toBe(plain.etag);
  });
});

describe('matchesEtag', () => {
  const etag = '"abc"';

  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abd"', false],
    [undefined, false],
  ])('If-None-Match %p matches: %p', (ifNoneMatch, expected) => {
    expect(matchesEtag(ifNoneMatch, etag)).toBe(expected);
  });
});
