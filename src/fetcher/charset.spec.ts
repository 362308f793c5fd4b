import { decodeText } from './charset.js';

const CP1251_PRIVET = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);

describe('decodeText', () => {
  it.each([
    [
      'a charset in Content-Type',
      Buffer.concat([Buffer.from('<p>'), CP1251_PRIVET]),
      'windows-1251',
      'html',
      {
        text: '<p>Привет',
        charset: 'windows-1251',
      },
    ],
    ['a quoted, upper-case label', CP1251_PRIVET, 'CP1251', 'html', { text: 'Привет', charset: 'windows-1251' }],
    [
      'a BOM over Content-Type',
      Buffer.from('\ufeffПривет'),
      'windows-1251',
      'html',
      { text: 'Привет', charset: 'utf-8' },
    ],
    ['a UTF-16LE BOM', Buffer.from('\ufeffhi', 'utf16le'), undefined, 'json', { text: 'hi', charset: 'utf-16le' }],
    [
      '<meta charset>',
      Buffer.from('<meta charset="windows-1251">\xcf', 'latin1'),
      undefined,
      'html',
      {
        text: '<meta charset="windows-1251">П',
        charset: 'windows-1251',
      },
    ],
    [
      'an XML declaration',
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>', 'latin1'),
      undefined,
      'xml',
      {
        text: '<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>',
        charset: 'windows-1252',
      },
    ],
    ['a utf-7 label (skipped)', Buffer.from('+ADw-'), 'utf-7', 'html', { text: '+ADw-', charset: 'utf-8' }],
    [
      'a garbage label (skipped)',
      Buffer.from('caf\xe9 au lait', 'latin1'),
      'no-such-thing',
      'html',
      {
        text: 'café au lait',
        charset: 'windows-1252',
      },
    ],
    [
      'an iso-2022-kr label (never decoded as such)',
      Buffer.from('caf\xe9 au lait', 'latin1'),
      'iso-2022-kr',
      'html',
      {
        text: 'café au lait',
        charset: 'windows-1252',
      },
    ],
    [
      'x-user-defined, which Node cannot decode',
      Buffer.from('plain'),
      'x-user-defined',
      'json',
      {
        text: 'plain',
        charset: 'utf-8',
      },
    ],
    [
      'JSON ignoring a <meta> inside a string',
      Buffer.from('{"a":"<meta charset=\\"shift_jis\\">é"}'),
      undefined,
      'json',
      {
        text: '{"a":"<meta charset=\\"shift_jis\\">é"}',
        charset: 'utf-8',
      },
    ],
  ] as const)('follows %s', (_name, buffer, declared, mode, expected) => {
    expect(decodeText(buffer, declared, mode)).toEqual(expected);
  });

  it('honours a <meta charset> beyond the first 1024 bytes, as a browser re-decodes when its parser meets it', () => {
    const head = `<html><head><style>${'p{color:red}'.repeat(200)}</style>`;
    const late = Buffer.concat([Buffer.from(`${head}<meta charset="windows-1251"></head><p>`), CP1251_PRIVET]);
    const pragma = Buffer.concat([
      Buffer.from(`${head}<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head><p>`),
      Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]),
    ]);
    expect([decodeText(late, undefined, 'html'), decodeText(pragma, undefined, 'html').charset]).toEqual([
      { text: `${head}<meta charset="windows-1251"></head><p>Привет`, charset: 'windows-1251' },
      'koi8-r',
    ]);
  });

  it('lets Content-Type and an early <meta> win over a late one, and reads no late <meta> in JSON', () => {
    const tail = `${' '.repeat(2000)}<meta charset="windows-1251">`;
    expect([
      decodeText(Buffer.from(`<p>Привет${tail}`), 'utf-8', 'html').charset,
      decodeText(Buffer.from(`<meta charset="utf-8"><p>Привет${tail}`), undefined, 'html').charset,
      decodeText(Buffer.from(`{"a":"${tail.replaceAll('"', '\\"')}"}`), undefined, 'json').charset,
    ]).toEqual(['utf-8', 'utf-8', 'utf-8']);
  });

  it('keeps UTF-8 for a page cut in the middle of a character', () => {
    const cut = Buffer.from('<p>Привет').subarray(0, 8);
    expect(decodeText(cut, undefined, 'html', true)).toEqual({ text: '<p>Пр\ufffd', charset: 'utf-8' });
  });
});
