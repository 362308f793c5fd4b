import { extract } from '../extraction/extract.js';
import parseTask, { parsePage } from './parse.worker.js';

describe('parse worker entry', () => {
  const url = 'https://example.com/page';

  it('decodes bytes by the declared charset before extracting, as the fetcher decodes text', () => {
    const html = '<html><head><title>Na\u00efve caf\u00e9</title></head></html>';
    const bytes = Buffer.from(html, 'latin1');
    expect(parsePage({ bytes, declaredCharset: 'iso-8859-1', truncated: false, url })).toEqual(extract(html, url));
  });

  it('reads a <meta charset> in the bytes when the server declared none', () => {
    const html =
      '<html><head><meta charset="windows-1251"><title>\u041f\u0440\u0438\u0432\u0435\u0442</title></head></html>';
    // windows-1251 bytes for "Привет".
    const title = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
    const [before, after] = html.split('\u041f\u0440\u0438\u0432\u0435\u0442');
    const page = Buffer.concat([Buffer.from(before), title, Buffer.from(after)]);
    expect(parseTask({ bytes: page, truncated: false, url })).toEqual(extract(html, url));
  });

  it('reads a page cut at the byte cap inside a UTF-8 character as UTF-8, not as windows-1252', () => {
    const full = Buffer.from('<title>\u00e9t\u00e9 \u00e0 Paris</title><p>\u00e9');
    const cut = full.subarray(0, full.length - 1);
    expect(parsePage({ bytes: cut, truncated: true, url })).toMatchObject({ title: '\u00e9t\u00e9 \u00e0 Paris' });
  });
});
