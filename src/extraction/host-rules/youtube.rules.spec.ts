import { extract } from '../extract.js';
import { scanPage } from '../page-scan.js';
import { PageContext } from '../rules/rule.js';
import { youtubeThumbnail, youtubeVideoId } from './youtube.rules.js';

const page = (html: string, url: string): PageContext => new PageContext(scanPage(html, url, () => true));

describe('YouTube rules (from the bundled rules pack)', () => {
  it('reads the video id from every address form', () => {
    expect(
      [
        'https://www.youtube.com/watch?v=abcdefghijk&t=1',
        'https://youtu.be/abcdefghijk?si=x',
        'https://m.youtube.com/shorts/abcdefghijk',
        'https://www.youtube-nocookie.com/embed/abcdefghijk',
        'https://www.youtube.com/watch?v=short',
        'https://www.youtube.com/@channel',
        'not a url',
      ].map((url) => youtubeVideoId(page('', url))),
    ).toEqual(['abcdefghijk', 'abcdefghijk', 'abcdefghijk', 'abcdefghijk', undefined, undefined, undefined]);
  });

  it('derives the thumbnail of the requested video, in the size the page declares or hqdefault', () => {
    const declared = '<meta property="og:image" content="https://i.ytimg.com/vi/zzzzzzzzzzz/maxresdefault.jpg">';
    expect([
      youtubeThumbnail.read(page(declared, 'https://www.youtube.com/watch?v=abcdefghijk')),
      youtubeThumbnail.read(page('<meta property="og:image" content="/logo.png">', 'https://youtu.be/abcdefghijk')),
      youtubeThumbnail.read(page(declared, 'https://www.youtube.com/@channel')),
    ]).toEqual([
      [{ url: 'https://img.youtube.com/vi/abcdefghijk/maxresdefault.jpg' }],
      [{ url: 'https://img.youtube.com/vi/abcdefghijk/hqdefault.jpg' }],
      undefined,
    ]);
  });

  it('gives the thumbnail on YouTube hosts only, through the engine', () => {
    const html = '<head><meta property="og:image" content="https://i.ytimg.com/vi/abcdefghijk/sddefault.jpg"></head>';
    expect([
      extract(html, 'https://www.youtube.com/watch?v=abcdefghijk').images,
      extract(html, 'https://music.youtube.com/watch?v=abcdefghijk').images,
      extract(html, 'https://example.com/watch?v=abcdefghijk').images,
      extract(html, 'https://www.youtube.com/watch?v=abcdefghijk', { rulesPack: [] }).images,
    ]).toEqual([
      [{ url: 'https://img.youtube.com/vi/abcdefghijk/sddefault.jpg' }],
      [{ url: 'https://img.youtube.com/vi/abcdefghijk/sddefault.jpg' }],
      [{ url: 'https://i.ytimg.com/vi/abcdefghijk/sddefault.jpg' }],
      [{ url: 'https://i.ytimg.com/vi/abcdefghijk/sddefault.jpg' }],
    ]);
  });
});
