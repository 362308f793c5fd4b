import { cleanText, collapseWhitespace, decodeEntities, toDimension } from './text.js';

describe('text normalizers', () => {
  it('decodes entities once and double-escaped entities too', () => {
    expect([
      decodeEntities('Tom &amp; Jerry'),
      decodeEntities('Tom &amp;amp; Jerry'),
      decodeEntities('It&amp;#39;s'),
      decodeEntities('caf&eacute; &#x263A;'),
      decodeEntities('AT&T stays'),
    ]).toEqual(['Tom & Jerry', 'Tom & Jerry', "It's", 'café ☺', 'AT&T stays']);
  });

  it('collapses every kind of whitespace into single spaces', () => {
    expect(collapseWhitespace('  a\n\t b\u00a0\u00a0c\u200bd  ')).toBe('a b c d');
  });

  it('cleans text and drops what is blank or not text', () => {
    expect([cleanText(' a &amp; b '), cleanText(' \n '), cleanText(12), cleanText(null), cleanText({})]).toEqual([
      'a & b',
      undefined,
      '12',
      undefined,
      undefined,
    ]);
  });

  it('reads positive integer dimensions', () => {
    expect([
      toDimension('1200'),
      toDimension(' 630px '),
      toDimension('99.5'),
      toDimension(640),
      toDimension('0'),
      toDimension('auto'),
      toDimension(1.5),
      toDimension(undefined),
    ]).toEqual([1200, 630, 99, 640, undefined, undefined, undefined, undefined]);
  });
});
