import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { readOembedConfig } from '../config/oembed.config.js';
import { HostResolver } from '../fetcher/host-resolver.js';
import { SafeFetcher } from '../fetcher/safe-fetcher.js';
import { OembedService } from './oembed.service.js';
import { ProviderRegistry } from './provider-registry.js';

interface Reply {
  status?: number;
  type?: string;
  body: string;
}

const VIDEO = {
  type: 'video',
  version: '1.0',
  title: 'A talk',
  author_name: 'Ada',
  author_url: 'https://video.example/ada',
  provider_name: 'Video Example',
  provider_url: 'https://video.example/',
  html: '<iframe src="https://video.example/embed/1"></iframe>',
  width: 1280,
  height: 720,
  thumbnail_url: '/t/1.jpg',
  thumbnail_width: 320,
  thumbnail_height: 180,
};

const json = (value: unknown): Reply => ({ type: 'application/json', body: JSON.stringify(value) });
const xml = (body: string): Reply => ({ type: 'text/xml', body });

const ROUTES: Record<string, Reply> = {
  '/oembed/video': json(VIDEO),
  '/graph/oembed_post': json({ ...VIDEO, type: 'rich', provider_name: 'Facebook', html: '<div>post</div>' }),
  '/graph/instagram_oembed': json({ ...VIDEO, type: 'rich', provider_name: 'Instagram', html: '<div>ig</div>' }),
  '/oembed/broken': { status: 500, type: 'application/json', body: '{}' },
  '/discovered.json': json({ ...VIDEO, provider_name: 'Some Site' }),
  '/discovered.xml': xml(
    '<?xml version="1.0"?><oembed><type>photo</type><version>1.0</version><url>https://site.example/p.jpg</url>' +
      '<width>800</width><height>600</height><title>A &amp; B</title></oembed>',
  ),
  '/bomb.xml': xml(
    '<?xml version="1.0"?><!DOCTYPE oembed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
      '<oembed><type>link</type><version>1.0</version><title>&b;</title></oembed>',
  ),
  '/wrong-type.json': json({ ...VIDEO, type: 'movie' }),
  '/no-version.json': json({ ...VIDEO, version: undefined }),
  '/js-thumbnail.json': json({ ...VIDEO, thumbnail_url: 'javascript:alert(1)' }),
  '/not-json': { type: 'text/html', body: '<html><body>hello</body></html>' },
  '/no-content': { status: 204, body: '' },
  '/huge.json': json({ ...VIDEO, title: 'x'.repeat(300 * 1024) }),
};

describe('OembedService', () => {
  let server: Server;
  let base: string;
  let requests: string[];
  let registry: ProviderRegistry;
  let logs: string[];
  let fetcher: SafeFetcher;

  /** Every target in this spec is an IP literal: a name lookup would be a bug. */
  class NoDns extends HostResolver {
    resolve(hostname: string): Promise<string[]> {
      return Promise.reject(new Error(`unexpected lookup of ${hostname}`));
    }
  }

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      requests.push(req.url ?? '');
      const reply = ROUTES[new URL(req.url ?? '/', 'http://x').pathname] ?? { status: 404, body: 'not found' };
      res.writeHead(reply.status ?? 200, { 'content-type': reply.type ?? 'text/plain' }).end(reply.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    fetcher = new SafeFetcher(
      {
        timeoutMs: 5000,
        connectTimeoutMs: 1000,
        maxBytes: 5 * 1024 * 1024,
        maxRedirects: 3,
        userAgent: 'oembed-spec',
        allowPrivate: [`127.0.0.1:${port}`],
        allowedPorts: [port],
        perHostConcurrency: 4,
      },
      new NoDns(),
    );
    registry = new ProviderRegistry([
      {
        provider_name: 'Video Example',
        provider_url: 'https://video.example/',
        endpoints: [{ schemes: ['https://video.example/watch/*'], url: `${base}/oembed/video` }],
      },
      {
        provider_name: 'Facebook',
        provider_url: 'https://www.facebook.com/',
        endpoints: [{ schemes: ['https://www.facebook.com/*/posts/*'], url: `${base}/graph/oembed_post` }],
      },
      {
        provider_name: 'Instagram',
        provider_url: 'https://instagram.com',
        endpoints: [{ schemes: ['https://www.instagram.com/p/*'], url: `${base}/graph/instagram_oembed` }],
      },
      {
        provider_name: 'Broken',
        provider_url: 'https://broken.example/',
        endpoints: [{ schemes: ['https://broken.example/*'], url: `${base}/oembed/broken` }],
      },
    ]);
  });

  afterAll(async () => {
    await fetcher.onModuleDestroy();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  beforeEach(() => {
    requests = [];
    logs = [];
    for (const level of ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logs.push(args.map(String).join(' '));
      });
    }
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function service(tokens = 'facebook:111|fbsecret,instagram:222|igsecret'): OembedService {
    return new OembedService(fetcher, readOembedConfig({ OEMBED_PROVIDER_TOKENS: tokens }), registry);
  }

  const link = (path: string, format: 'json' | 'xml' = 'json') => ({ url: `${base}${path}`, format });
  const page = 'https://video.example/watch/1';

  describe('forPage', () => {
    it('asks the registry provider with url, format and sizes, and keeps its html', async () => {
      const result = await service().forPage(page, [link('/discovered.json')], { maxwidth: 640, maxheight: 480 });
      expect(result?.oembed).toEqual({
        type: 'video',
        title: 'A talk',
        authorName: 'Ada',
        authorUrl: 'https://video.example/ada',
        providerName: 'Video Example',
        providerUrl: 'https://video.example/',
        html: '<iframe src="https://video.example/embed/1"></iframe>',
        width: 1280,
        height: 720,
        thumbnailUrl: `${base}/t/1.jpg`,
      });
      expect(requests).toEqual([
        `/oembed/video?url=${encodeURIComponent(page)}&format=json&maxwidth=640&maxheight=480`,
      ]);
    });

    it('uses a discovered JSON endpoint when no registry provider serves the page, without its html', async () => {
      const result = await service().forPage('https://site.example/post', [link('/discovered.json')]);
      expect(result?.oembed).toEqual({
        type: 'video',
        title: 'A talk',
        authorName: 'Ada',
        authorUrl: 'https://video.example/ada',
        providerName: 'Some Site',
        providerUrl: 'https://video.example/',
        width: 1280,
        height: 720,
        thumbnailUrl: `${base}/t/1.jpg`,
      });
      expect(requests).toEqual(['/discovered.json']);
    });

    it('falls back to the discovered endpoint when the registry provider fails', async () => {
      const result = await service().forPage('https://broken.example/x', [link('/discovered.xml', 'xml')]);
      expect(result?.oembed).toEqual({ type: 'photo', title: 'A & B', width: 800, height: 600 });
      expect(requests).toEqual(['/oembed/broken?url=https%3A%2F%2Fbroken.example%2Fx&format=json', '/discovered.xml']);
      expect(logs).toEqual([`oEmbed answer from ${base}/oembed/broken dropped: UPSTREAM_ERROR`]);
    });

    it('prefers a JSON discovery link over an XML one', async () => {
      await service().forPage('https://site.example/post', [link('/discovered.xml', 'xml'), link('/discovered.json')]);
      expect(requests).toEqual(['/discovered.json']);
    });

    it('passes maxwidth and maxheight to a discovered endpoint', async () => {
      await service().forPage('https://site.example/post', [link('/discovered.json?url=u&format=json')], {
        maxwidth: 300,
      });
      expect(requests).toEqual(['/discovered.json?url=u&format=json&maxwidth=300']);
    });

    it('refuses an XML answer with an entity bomb without expanding it', async () => {
      const result = await service().forPage('https://site.example/post', [link('/bomb.xml', 'xml')]);
      expect(result).toBeUndefined();
      expect(logs).toEqual([`oEmbed answer from ${base}/bomb.xml dropped: not an oEmbed xml document`]);
    });

    it.each([
      ['/wrong-type.json', 'invalid answer: type'],
      ['/no-version.json', 'invalid answer: version'],
      ['/js-thumbnail.json', 'invalid answer: thumbnail_url'],
      ['/not-json', 'not an oEmbed json document'],
      ['/huge.json', 'UPSTREAM_TOO_LARGE'],
      ['/missing.json', 'UPSTREAM_ERROR'],
      ['/no-content', 'status 204'],
    ])('drops the answer of %s and logs why at debug level', async (path, reason) => {
      const result = await service().forPage('https://site.example/post', [link(path)]);
      expect(result).toBeUndefined();
      expect(logs).toEqual([`oEmbed answer from ${base}${path} dropped: ${reason}`]);
      expect(Logger.prototype.debug).toHaveBeenCalledTimes(1);
    });

    it('refuses, through the SSRF guard, a discovered endpoint on a private address', async () => {
      const port = new URL(base).port;
      const result = await service().forPage('https://site.example/post', [
        { url: `http://127.0.0.2:${port}/oembed?url=x`, format: 'json' },
        { url: `http://127.0.0.1:1/oembed?url=x`, format: 'json' },
      ]);
      expect(result).toBeUndefined();
      expect(logs).toEqual([
        `oEmbed answer from http://127.0.0.2:${port}/oembed dropped: BLOCKED_DESTINATION`,
        'oEmbed answer from http://127.0.0.1:1/oembed dropped: INVALID_URL',
      ]);
      expect(requests).toEqual([]);
    });

    it('tries at most two discovered endpoints', async () => {
      const links = [link('/missing.json'), link('/not-json'), link('/discovered.json')];
      expect(await service().forPage('https://site.example/post', links)).toBeUndefined();
      expect(requests).toEqual(['/missing.json', '/not-json']);
    });

    it('ignores discovered links that are not http(s) URLs', async () => {
      const links = [
        { url: 'file:///etc/passwd', format: 'json' as const },
        { url: 'not a url', format: 'json' as const },
      ];
      expect(await service().forPage('https://site.example/post', links)).toBeUndefined();
      expect(requests).toEqual([]);
    });

    it('returns nothing for a page without registry provider or discovery links', async () => {
      expect(await service().forPage('https://site.example/post', [])).toBeUndefined();
      expect(requests).toEqual([]);
    });

    it('lets the caller abort the request', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(service().forPage(page, [], { signal: controller.signal })).rejects.toThrow('aborted');
    });
  });

  describe('provider credentials', () => {
    it('sends the Facebook token as access_token and never logs it', async () => {
      const result = await service().forPage('https://www.facebook.com/ada/posts/1', []);
      expect(result?.oembed).toEqual({
        type: 'rich',
        title: 'A talk',
        authorName: 'Ada',
        authorUrl: 'https://video.example/ada',
        providerName: 'Facebook',
        providerUrl: 'https://video.example/',
        html: '<div>post</div>',
        width: 1280,
        height: 720,
        thumbnailUrl: `${base}/t/1.jpg`,
      });
      expect(requests).toEqual([
        '/graph/oembed_post?url=https%3A%2F%2Fwww.facebook.com%2Fada%2Fposts%2F1&format=json&access_token=111%7Cfbsecret',
      ]);
    });

    it('sends the Instagram token as access_token', async () => {
      await service().forPage('https://www.instagram.com/p/abc', []);
      expect(requests).toEqual([
        '/graph/instagram_oembed?url=https%3A%2F%2Fwww.instagram.com%2Fp%2Fabc&format=json&access_token=222%7Cigsecret',
      ]);
    });

    it('sends no token to other providers', async () => {
      await service().forPage(page, []);
      expect(requests).toEqual([`/oembed/video?url=${encodeURIComponent(page)}&format=json`]);
    });

    it('skips a provider that needs a token when none is configured', async () => {
      expect(
        await service('instagram:222|igsecret').forPage('https://www.facebook.com/ada/posts/1', []),
      ).toBeUndefined();
      expect(requests).toEqual([]);
      expect(logs).toEqual(['oEmbed provider Facebook skipped: OEMBED_PROVIDER_TOKENS has no token for it']);
    });

    it('logs a failing credentialed endpoint without its query', async () => {
      const broken = new ProviderRegistry([
        {
          provider_name: 'Instagram',
          provider_url: 'https://instagram.com',
          endpoints: [{ schemes: ['https://www.instagram.com/p/*'], url: `${base}/oembed/broken` }],
        },
      ]);
      const oembed = new OembedService(
        fetcher,
        readOembedConfig({ OEMBED_PROVIDER_TOKENS: 'instagram:222|igsecret' }),
        broken,
      );
      expect(await oembed.forPage('https://www.instagram.com/p/abc', [])).toBeUndefined();
      expect(logs).toEqual([`oEmbed answer from ${base}/oembed/broken dropped: UPSTREAM_ERROR`]);
    });
  });

  describe('answers passed on by GET /v1/oembed', () => {
    it('keeps the registry provider answer, unsized, beside the preview field', async () => {
      const result = await service().forPage(page, []);
      expect(result?.providerAnswer).toEqual({ ...VIDEO, thumbnail_url: `${base}/t/1.jpg` });
      expect(requests).toEqual([`/oembed/video?url=${encodeURIComponent(page)}&format=json`]);
    });

    it('keeps no provider answer from a discovered endpoint', async () => {
      const result = await service().forPage('https://site.example/post', [link('/discovered.json')]);
      expect(result).toEqual({ oembed: expect.objectContaining({ providerName: 'Some Site' }) });
    });

    it('asks the provider for the sizes and clamps the ones it ignored', async () => {
      expect(await service().sizedProviderAnswer(page, 'v1', { maxwidth: 640, maxheight: 640 })).toEqual({
        ...VIDEO,
        width: 640,
        height: 360,
        thumbnail_url: `${base}/t/1.jpg`,
      });
      expect(requests).toEqual([
        `/oembed/video?url=${encodeURIComponent(page)}&format=json&maxwidth=640&maxheight=640`,
      ]);
    });

    it('has no sized answer for a page no registry provider serves, or when the provider fails', async () => {
      expect(await service().sizedProviderAnswer('https://site.example/post', 'v1', { maxwidth: 10 })).toBeUndefined();
      expect(await service().sizedProviderAnswer('https://broken.example/x', 'v1', { maxwidth: 10 })).toBeUndefined();
      expect(requests).toEqual(['/oembed/broken?url=https%3A%2F%2Fbroken.example%2Fx&format=json&maxwidth=10']);
    });

    it('says which pages a registry provider serves', () => {
      expect(service().servesWithRegistry(page)).toBe(true);
      expect(service().servesWithRegistry('https://site.example/post')).toBe(false);
    });
  });
});
