import { MAX_KEY_BYTES, previewKey, safeKey, stableJson } from './cache-key.js';

describe('previewKey', () => {
  const url = 'https://example.com/articles/1?utm=x';

  it('is the prefix, the schema version and a base64url sha256, never the URL', () => {
    const key = previewKey('lps:', url, { fields: ['title'] });
    expect(key).toMatch(/^lps:v1:[\w-]{43}$/);
    expect(key).not.toContain('example.com');
  });

  it('is the same for the same URL and options in any key order', () => {
    expect(previewKey('lps:', url, { a: 1, b: { c: 2, d: 3 } })).toBe(
      previewKey('lps:', url, { b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(previewKey('lps:', url, { a: undefined })).toBe(previewKey('lps:', url));
  });

  it('differs when the URL or an option differs', () => {
    const keys = new Set([
      previewKey('lps:', url),
      previewKey('lps:', `${url}&x`),
      previewKey('lps:', url, { fields: ['title'] }),
      previewKey('lps:', url, { fields: ['title', 'image'] }),
      previewKey('other:', url),
    ]);
    expect(keys.size).toBe(5);
  });

  it('stays a valid memcached key for a long URL and the longest prefix', () => {
    const key = previewKey('p'.repeat(32), `https://example.com/${'x'.repeat(10_000)}`);
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(key).toMatch(/^[\x21-\x7e]+$/);
  });
});

describe('safeKey', () => {
  it('keeps a valid key as it is', () => {
    expect(safeKey('lps:', 'oembed:https://a.example/')).toBe('lps:oembed:https://a.example/');
  });

  it.each(['with space', 'tab\t', 'é', 'x'.repeat(250)])('hashes %p', (name) => {
    expect(safeKey('lps:', name)).toMatch(/^lps:sha256:[\w-]{43}$/);
  });
});

describe('stableJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(stableJson({ b: [{ y: 1, x: 2 }], a: null })).toBe('{"a":null,"b":[{"x":2,"y":1}]}');
  });
});
