import { decodersFor } from './body-reader.js';
import { bodyKindFor, parseContentType } from './content-kind.js';

describe('parseContentType', () => {
  it.each([
    [undefined, {}],
    ['text/html', { mimeType: 'text/html', charset: undefined }],
    ['Text/HTML; Charset="Shift_JIS"', { mimeType: 'text/html', charset: 'Shift_JIS' }],
    ['application/json;charset=utf-8;q=1', { mimeType: 'application/json', charset: 'utf-8' }],
    ['nonsense; charset=utf-8', { charset: 'utf-8' }],
    ['', { charset: undefined }],
  ])('reads %p', (header, expected) => {
    expect(parseContentType(header)).toEqual(expected);
  });
});

describe('bodyKindFor', () => {
  it.each([
    ['text/html', 'html', 'text'],
    ['application/xhtml+xml', 'html', 'text'],
    [undefined, 'html', 'text'],
    ['application/json', 'html', 'none'],
    ['application/pdf', 'html', 'none'],
    ['video/mp4', 'html', 'none'],
    ['audio/mpeg', 'json', 'none'],
    ['image/png', 'html', 'image-head'],
    ['image/svg+xml', 'json', 'image-head'],
    ['image/jpeg', 'image', 'image-head'],
    ['text/html', 'image', 'none'],
    ['application/json', 'json', 'text'],
    ['application/json+oembed', 'json', 'text'],
    ['text/xml', 'xml', 'text'],
    ['application/xml', 'xml', 'text'],
    ['text/javascript', 'json', 'text'],
    ['text/html', 'json', 'text'],
    ['application/octet-stream', 'json', 'none'],
  ] as const)('reads %p in %s mode as %s', (mimeType, mode, kind) => {
    expect(bodyKindFor(mimeType, mode)).toBe(kind);
  });
});

describe('decodersFor', () => {
  it('undoes codings in the reverse of the order they were applied', () => {
    expect(decodersFor('gzip, br').map((stream) => stream.constructor.name)).toEqual(['BrotliDecompress', 'Gunzip']);
    expect(decodersFor(' identity , X-GZIP, deflate').map((stream) => stream.constructor.name)).toEqual([
      'Inflate',
      'Gunzip',
    ]);
    expect(decodersFor(undefined)).toEqual([]);
  });

  it.each(['zstd', 'compress', 'gzip, gzip, gzip, gzip'])('refuses %p as a decode error', (header) => {
    expect(() => decodersFor(header)).toThrow(
      expect.objectContaining({ code: 'UPSTREAM_ERROR', details: { cause: 'decode' } }),
    );
  });
});
