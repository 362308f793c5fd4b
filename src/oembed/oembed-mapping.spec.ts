import { clampSize, toLinkAnswer, toPreviewOembed, toProviderAnswer } from './oembed-mapping.js';
import { OembedResponse } from './oembed-response.js';

function response(plain: Partial<OembedResponse>): OembedResponse {
  return Object.assign(new OembedResponse(), plain);
}

const video = response({
  type: 'video',
  version: '1.0',
  title: 'A talk',
  author_name: 'Ada',
  author_url: 'https://video.example/ada',
  provider_name: 'Video Example',
  provider_url: 'https://video.example/',
  cache_age: 600,
  html: '<iframe src="https://video.example/embed/1"></iframe>',
  width: 1280,
  height: 720,
  thumbnail_url: 'https://video.example/t/1.jpg',
  thumbnail_width: 480,
  thumbnail_height: 270,
});

describe('toPreviewOembed', () => {
  it('maps a registry provider answer to camelCase, keeping its html', () => {
    expect(toPreviewOembed(video, true)).toEqual({
      type: 'video',
      title: 'A talk',
      authorName: 'Ada',
      authorUrl: 'https://video.example/ada',
      providerName: 'Video Example',
      providerUrl: 'https://video.example/',
      html: '<iframe src="https://video.example/embed/1"></iframe>',
      width: 1280,
      height: 720,
      thumbnailUrl: 'https://video.example/t/1.jpg',
    });
  });

  it('drops the html of an answer that is not from a registry provider', () => {
    expect(toPreviewOembed(video, false)).toStrictEqual({
      type: 'video',
      title: 'A talk',
      authorName: 'Ada',
      authorUrl: 'https://video.example/ada',
      providerName: 'Video Example',
      providerUrl: 'https://video.example/',
      width: 1280,
      height: 720,
      thumbnailUrl: 'https://video.example/t/1.jpg',
    });
  });

  it('leaves out null fields and rounds sizes', () => {
    const rich = response({ type: 'rich', version: '1.0', html: '<b>x</b>', width: 550.4, height: null, title: null });
    expect(toPreviewOembed(rich, true)).toStrictEqual({ type: 'rich', html: '<b>x</b>', width: 550 });
  });
});

describe('clampSize', () => {
  it.each([
    [1280, 720, {}, { width: 1280, height: 720 }],
    [1280, 720, { maxwidth: 640 }, { width: 640, height: 360 }],
    [1280, 720, { maxheight: 180 }, { width: 320, height: 180 }],
    [1280, 720, { maxwidth: 640, maxheight: 100 }, { width: 177, height: 100 }],
    [320, 180, { maxwidth: 640, maxheight: 480 }, { width: 320, height: 180 }],
    [550, undefined, { maxwidth: 300, maxheight: 100 }, { width: 300, height: undefined }],
    [undefined, 900, { maxheight: 500 }, { width: undefined, height: 500 }],
  ])('fits %p × %p into %p keeping the aspect ratio', (width, height, bounds, expected) => {
    expect(clampSize(width, height, bounds)).toEqual(expected);
  });
});

describe('toProviderAnswer', () => {
  it('is the provider answer in oEmbed 1.0 form when no sizes are asked for', () => {
    expect(toProviderAnswer(video, {})).toStrictEqual({
      type: 'video',
      version: '1.0',
      title: 'A talk',
      author_name: 'Ada',
      author_url: 'https://video.example/ada',
      provider_name: 'Video Example',
      provider_url: 'https://video.example/',
      cache_age: 600,
      html: '<iframe src="https://video.example/embed/1"></iframe>',
      width: 1280,
      height: 720,
      thumbnail_url: 'https://video.example/t/1.jpg',
      thumbnail_width: 480,
      thumbnail_height: 270,
    });
  });

  it('clamps sizes a provider ignored and drops a thumbnail larger than the bounds', () => {
    const answer = toProviderAnswer(video, { maxwidth: 400, maxheight: 400 });
    expect(answer).toEqual({
      type: 'video',
      version: '1.0',
      title: 'A talk',
      author_name: 'Ada',
      author_url: 'https://video.example/ada',
      provider_name: 'Video Example',
      provider_url: 'https://video.example/',
      cache_age: 600,
      html: '<iframe src="https://video.example/embed/1"></iframe>',
      width: 400,
      height: 225,
    });
  });
});

describe('toLinkAnswer', () => {
  const preview = {
    url: 'http://example.com/post',
    finalUrl: 'https://www.example.com/post',
    title: 'How link previews work',
    author: 'Ada Lovelace',
    siteName: 'Example Blog',
    images: [
      { url: 'https://www.example.com/cover.jpg', width: 1200, height: 630 },
      { url: 'https://www.example.com/small.jpg', width: 100, height: 100 },
    ],
  };

  it('builds a link answer from the preview with the first image as thumbnail', () => {
    expect(toLinkAnswer(preview, {})).toStrictEqual({
      type: 'link',
      version: '1.0',
      title: 'How link previews work',
      author_name: 'Ada Lovelace',
      provider_name: 'Example Blog',
      provider_url: 'https://www.example.com',
      thumbnail_url: 'https://www.example.com/cover.jpg',
      thumbnail_width: 1200,
      thumbnail_height: 630,
    });
  });

  it('keeps a thumbnail that fits the bounds', () => {
    expect(toLinkAnswer(preview, { maxwidth: 1200, maxheight: 630 })).toStrictEqual({
      type: 'link',
      version: '1.0',
      title: 'How link previews work',
      author_name: 'Ada Lovelace',
      provider_name: 'Example Blog',
      provider_url: 'https://www.example.com',
      thumbnail_url: 'https://www.example.com/cover.jpg',
      thumbnail_width: 1200,
      thumbnail_height: 630,
    });
  });

  it('leaves out a thumbnail larger than the bounds, as the spec requires', () => {
    expect(toLinkAnswer(preview, { maxwidth: 600 })).toStrictEqual({
      type: 'link',
      version: '1.0',
      title: 'How link previews work',
      author_name: 'Ada Lovelace',
      provider_name: 'Example Blog',
      provider_url: 'https://www.example.com',
    });
  });

  it('leaves out a thumbnail of unknown size, since thumbnail_url needs both sizes', () => {
    expect(
      toLinkAnswer({ url: 'https://a.example/x', images: [{ url: 'https://a.example/i.png' }] }, {}),
    ).toStrictEqual({
      type: 'link',
      version: '1.0',
      provider_url: 'https://a.example',
    });
  });
});
