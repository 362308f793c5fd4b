import { extract } from '../extraction/extract.js';
import { InlinePageParser } from './page-parser.js';

describe('InlinePageParser (PARSE_WORKERS=0)', () => {
  const url = 'https://example.com/inline';

  it('decodes and extracts on the calling thread, as the pool does in a worker', async () => {
    const html = '<html><head><meta charset="iso-8859-1"><title>Fa\u00e7ade</title></head></html>';
    const ticket = new InlinePageParser().admit();
    ticket.reserve(1024 * 1024 * 1024);
    await expect(ticket.parse({ bytes: Buffer.from(html, 'latin1'), truncated: false }, url)).resolves.toEqual(
      extract(html, url),
    );
    ticket.release();
  });

  it("refuses to start once the caller's signal has aborted", async () => {
    const reason = new Error('the client went away');
    const ticket = new InlinePageParser().admit();
    await expect(
      ticket.parse({ bytes: Buffer.from('<title>x</title>'), truncated: false }, url, {
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason);
  });
});
