import { capText, cleanText, collapseWhitespace, decodeEntities, toDimension } from './text.js';

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

  it('leaves text within the cap alone', () => {
    expect([capText('Short enough', 12), capText('', 5)]).toEqual(['Short enough', '']);
  });

  it('cuts at the last word boundary with an ellipsis, never past the cap', () => {
    const cut = capText('The quick brown fox jumps over the lazy dog', 20);
    expect([cut, cut.length <= 20]).toEqual(['The quick brown fox…', true]);
    expect(capText('Headline: a, b, c, d and more words here', 17)).toBe('Headline: a, b…');
  });

  it('cuts at a grapheme boundary when no word boundary keeps most of the text', () => {
    expect([
      capText('supercalifragilisticexpialidocious', 10),
      capText('東京都港区六本木一丁目', 6),
      capText('ab👩‍👩‍👧‍👦cd', 5),
      capText('cafés', 5 - 1 + 1),
      capText('éééé', 4),
    ]).toEqual(['supercali…', '東京都港区…', 'ab…', 'cafés', 'é…']);
  });

  it('marks a value cut before cleaning even when what is left fits', () => {
    expect(capText('A title', 300, true)).toBe('A titl…');
  });
});
