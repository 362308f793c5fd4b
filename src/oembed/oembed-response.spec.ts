import { OembedResponse, parseOembedJson, readOembedResponse } from './oembed-response.js';
import { parseOembedXml } from './oembed-xml.js';

const BASE = 'https://provider.example/oembed?url=x';

const video = {
  type: 'video',
  version: '1.0',
  title: 'A talk',
  author_name: 'Ada',
  author_url: 'https://video.example/ada',
  provider_name: 'Video Example',
  provider_url: 'https://video.example/',
  html: '<iframe src="https://video.example/embed/1"></iframe>',
  width: 640,
  height: 360,
  thumbnail_url: 'https://video.example/t/1.jpg',
  thumbnail_width: 480,
  thumbnail_height: 270,
  cache_age: 3600,
};

function instance(plain: Record<string, unknown>): OembedResponse {
  return Object.assign(new OembedResponse(), plain);
}

describe('readOembedResponse (JSON)', () => {
  it('loads a valid answer into an OembedResponse', async () => {
    const result = await readOembedResponse(JSON.stringify(video), 'json', BASE);
    expect(result).toEqual({ ok: true, response: instance(video) });
    expect(result.ok && result.response).toBeInstanceOf(OembedResponse);
  });

  it('drops unknown fields, reads quoted numbers and the number 1.0 as version, resolves relative URLs', async () => {
    const body = JSON.stringify({
      type: 'photo',
      version: 1.0,
      url: '/photos/1.jpg',
      width: '800',
      height: '600',
      thumbnail_url: '//cdn.example/t.jpg',
      title: '',
      extra: 'ignored',
    });
    expect(await readOembedResponse(body, 'json', BASE)).toEqual({
      ok: true,
      response: instance({
        type: 'photo',
        version: '1.0',
        url: 'https://provider.example/photos/1.jpg',
        width: 800,
        height: 600,
        thumbnail_url: 'https://cdn.example/t.jpg',
      }),
    });
  });

  it.each([
    ['a wrong type', { ...video, type: 'movie' }, 'invalid answer: type'],
    ['a missing version', { ...video, version: undefined }, 'invalid answer: version'],
    ['version 2.0', { ...video, version: '2.0' }, 'invalid answer: version'],
    [
      'a javascript: thumbnail URL',
      { ...video, thumbnail_url: 'javascript:alert(1)' },
      'invalid answer: thumbnail_url',
    ],
    ['a data: author URL', { ...video, author_url: 'data:text/html,x' }, 'invalid answer: author_url'],
    ['an absurd width', { ...video, width: 1_000_000 }, 'invalid answer: width'],
    ['a negative height', { ...video, height: -1 }, 'invalid answer: height'],
    ['a size given as text', { ...video, thumbnail_width: '100%' }, 'invalid answer: thumbnail_width'],
    ['a title that is not text', { ...video, title: { text: 'x' } }, 'invalid answer: title'],
    ['a photo without url', { type: 'photo', version: '1.0', width: 1, height: 1 }, 'invalid answer: url'],
  ])('refuses an answer with %s', async (_name, plain, reason) => {
    expect(await readOembedResponse(JSON.stringify(plain), 'json', BASE)).toEqual({ ok: false, reason });
  });

  it.each(['<html>not json</html>', '[1,2]', '"text"', 'null', ''])('refuses the non-object body %p', async (body) => {
    expect(await readOembedResponse(body, 'json', BASE)).toEqual({ ok: false, reason: 'not an oEmbed json document' });
  });

  it('removes prototype-poisoning keys', () => {
    const parsed = parseOembedJson('{"type":"link","__proto__":{"polluted":true},"constructor":{"prototype":{}}}');
    expect(parsed).toEqual({ type: 'link' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('readOembedResponse (XML)', () => {
  it('reads an XML answer, decoding the predefined entities', async () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
      <oembed>
        <type>video</type><version>1.0</version><title>Tom &amp; Jerry &#8211; &lt;live&gt;</title>
        <html><![CDATA[<iframe src="https://v.example/e/1"></iframe>]]></html>
        <width>640</width><height>360</height><unknown>x</unknown>
      </oembed>`;
    expect(await readOembedResponse(body, 'xml', BASE)).toEqual({
      ok: true,
      response: instance({
        type: 'video',
        version: '1.0',
        title: 'Tom & Jerry – <live>',
        html: '<iframe src="https://v.example/e/1"></iframe>',
        width: 640,
        height: 360,
      }),
    });
  });

  it('refuses a document with an entity-expansion bomb without expanding it', async () => {
    const entity = (i: number) => `<!ENTITY lol${i + 1} "${'&lol'.concat(String(i), ';').repeat(10)}">`;
    const lol = Array.from({ length: 10 }, (_, i) => entity(i)).join('');
    const body = `<?xml version="1.0"?><!DOCTYPE oembed [<!ENTITY lol0 "lol">${lol}]>
      <oembed><type>link</type><version>1.0</version><title>&lol10;</title></oembed>`;
    expect(await readOembedResponse(body, 'xml', BASE)).toEqual({ ok: false, reason: 'not an oEmbed xml document' });
  });

  it('refuses a document declaring an external entity', () => {
    const body = '<!DOCTYPE oembed SYSTEM "file:///etc/passwd"><oembed><type>link</type><title>&xxe;</title></oembed>';
    expect(parseOembedXml(body)).toBeUndefined();
  });

  it('leaves undeclared entities as text instead of expanding them', () => {
    expect(parseOembedXml('<oembed><title>&lol; &nbsp;</title><type>link</type><type>photo</type></oembed>')).toEqual({
      title: '&lol; &nbsp;',
      type: 'link',
    });
  });

  it('refuses a document whose root is not <oembed>', () => {
    expect(parseOembedXml('<html><title>x</title></html>')).toBeUndefined();
  });

  it('keeps a __proto__ element as a plain field without touching the prototype', () => {
    const parsed = parseOembedXml('<oembed><__proto__>x</__proto__><type>link</type></oembed>');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed ?? {})).toEqual(['__proto__', 'type']);
  });
});
