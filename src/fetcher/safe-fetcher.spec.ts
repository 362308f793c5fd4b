/**
 * The safe fetcher against real servers on loopback. Run only inside a network namespace with nothing but loopback
 * (`unshare -n`, see the README): these tests name private and metadata addresses. Servers that must never be reached
 * (the canaries) listen on 127.0.0.2 and ::1 at the fixture's port and must count zero connections at the end.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { constants as zlibConstants, createBrotliCompress, createGzip, gzipSync } from 'node:zlib';
import { buildConnector } from 'undici';
import { DomainError } from '../common/errors/domain-error.js';
import { HostResolver } from './host-resolver.js';
import { fetchManifest, MANIFEST_MAX_BYTES } from './manifest-fetch.js';
import { SafeFetcher, type FetchResult, type SafeFetcherOptions } from './safe-fetcher.js';

const TIMEOUT_MS = 1200;
/** The deadline is a correctness bound: an answer must come before it plus this much scheduling slack. */
const SLACK_MS = 600;
const MAX_BYTES = 1024 * 1024;
const BOMB_BYTES = 256 * 1024 * 1024;
const USER_AGENT = 'LinkPreviewService/1.0 (+https://github.com/link-preview-service/link-preview-service)';

/** Addresses the test resolver hands out as "public"; the test dialler sends them to the fixture instead. */
const PUBLIC_A = '93.184.215.14';
const PUBLIC_B = '2606:4700::6810:84e5';

class MapResolver extends HostResolver {
  readonly calls: string[] = [];
  private readonly answers: Map<string, string[][]>;
  constructor(answers: Record<string, string[][]>) {
    super();
    this.answers = new Map(Object.entries(answers));
  }
  resolve(hostname: string): Promise<string[]> {
    const previous = this.calls.filter((name) => name === hostname).length;
    this.calls.push(hostname);
    const answers = this.answers.get(hostname);
    if (answers === undefined) {
      return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    }
    return Promise.resolve(answers[Math.min(previous, answers.length - 1)]);
  }
}

async function compressToBuffer(stream: NodeJS.ReadWriteStream, total: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => stream.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < total; written += zeros.length) {
    if (!stream.write(zeros)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
  await done;
  return Buffer.concat(chunks);
}

async function listen(server: Server | NetServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: Server | NetServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Runs `work`, returning what it threw (or its result) and how long it took. */
async function timed<T>(work: Promise<T>): Promise<{ error?: DomainError; result?: T; ms: number }> {
  const started = performance.now();
  try {
    const result = await work;
    return { result, ms: performance.now() - started };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { error, ms: performance.now() - started };
  }
}

function failure(code: string, details: Record<string, unknown>): unknown {
  return expect.objectContaining({ code, details: expect.objectContaining(details) });
}

/** A refusal by the address gate: the caller sees the host and the range, the logs (the cause) the address. */
function blockedAt(address: string, details: Record<string, unknown>): unknown {
  return expect.objectContaining({
    code: 'BLOCKED_DESTINATION',
    details: expect.objectContaining(details),
    cause: expect.objectContaining({ message: expect.stringContaining(` -> ${address} (`) }),
  });
}

const ANY_TIMINGS = {
  dns: expect.any(Number),
  connect: expect.any(Number),
  ttfb: expect.any(Number),
  download: expect.any(Number),
};

const PAGE = '<!doctype html><html><head><title>Fixture</title></head><body>ok</body></html>';
const CP1251_PRIVET = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет"
const SJIS_NIHON = Buffer.from([0x93, 0xfa, 0x96, 0x7b]); // "日本"
const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d4948445200000280000001e0', 'hex'); // 640 x 480

describe('SafeFetcher', () => {
  let fixture: Server;
  let secondOrigin: Server;
  let raw: NetServer;
  let canary: NetServer;
  let canary6: NetServer | undefined;
  let port: number;
  let secondPort: number;
  let rawPort: number;
  let base: string;
  let rawBase: string;
  let canaryHits = 0;
  let fixtureConnections = 0;
  let received: { url: string; headers: IncomingMessage['headers']; port: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const openSockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const fetchers: SafeFetcher[] = [];
  let gzipBomb: Buffer;
  let brotliBomb: Buffer;

  function every(ms: number, tick: () => void): NodeJS.Timeout {
    const timer = setInterval(tick, ms);
    timers.add(timer);
    return timer;
  }

  function makeFetcher(
    overrides: Partial<SafeFetcherOptions> = {},
    resolver: HostResolver = new MapResolver({}),
  ): SafeFetcher {
    const fetcher = new SafeFetcher(
      {
        timeoutMs: TIMEOUT_MS,
        connectTimeoutMs: 500,
        maxBytes: MAX_BYTES,
        maxRedirects: 3,
        userAgent: USER_AGENT,
        allowPrivate: [`127.0.0.1:${port}`, `127.0.0.1:${secondPort}`, `127.0.0.1:${rawPort}`],
        allowedPorts: [80, 443, 8080, 8443],
        perHostConcurrency: 4,
        imageHeadBytes: 4096,
        ...overrides,
      },
      resolver,
    );
    fetchers.push(fetcher);
    return fetcher;
  }

  function reply(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}, body?: string | Buffer): void {
    res.writeHead(status, headers).end(body);
  }

  /** Answers that carry no page: redirects without a Location, challenges, late charsets, manifests. */
  const edgeRoutes: Partial<Record<string, (res: ServerResponse, query: URLSearchParams) => void>> = {
    '/no-location': (res, query) =>
      reply(res, Number(query.get('code')), { 'content-type': 'text/html' }, '<html>moved, somewhere</html>'),
    '/challenge': (res) =>
      reply(
        res,
        403,
        { 'content-type': 'text/html', 'cf-mitigated': 'challenge' },
        `<title>Just a moment...</title>${'x'.repeat(100_000)}`,
      ),
    '/late-meta': (res) =>
      reply(
        res,
        200,
        { 'content-type': 'text/html' },
        Buffer.concat([
          Buffer.from(`<html><head><!--${'-'.repeat(2000)}--><meta charset="windows-1251"><p>`),
          CP1251_PRIVET,
        ]),
      ),
    '/site.webmanifest': (res) =>
      reply(
        res,
        200,
        { 'content-type': 'application/manifest+json' },
        '{"icons":[{"src":"/i.png","sizes":"192x192"}],"__proto__":{"x":1}}',
      ),
    '/big.webmanifest': (res) =>
      reply(res, 200, { 'content-type': 'application/manifest+json' }, `{"name":"${'n'.repeat(MANIFEST_MAX_BYTES)}"}`),
    '/bad.webmanifest': (res) => reply(res, 200, { 'content-type': 'application/manifest+json' }, '{"icons": ['),
  };

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const query = url.searchParams;
    received.push({ url: url.pathname + url.search, headers: req.headers, port: req.socket.localPort ?? 0 });
    const html = (body: string | Buffer, type = 'text/html; charset=utf-8'): void =>
      reply(res, 200, { 'content-type': type }, body);
    const edge = edgeRoutes[url.pathname];
    if (edge !== undefined) return edge(res, query);
    switch (url.pathname) {
      case '/page':
        return html(PAGE);
      case '/headers':
        return reply(res, 200, { 'content-type': 'application/json' }, JSON.stringify(req.headers));
      case '/redirect':
        return reply(res, Number(query.get('status') ?? 302), { location: query.get('to') ?? '/page' }, 'moved');
      case '/two-locations':
        res.setHeader('location', ['/page', '/elsewhere']);
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        return reply(res, 302);
      case '/loop-a':
        return reply(res, 302, { location: '/loop-b' });
      case '/loop-b':
        return reply(res, 301, { location: `${base}/loop-a#again` });
      case '/chain': {
        const n = Number(query.get('n'));
        return reply(res, 302, { location: n > 0 ? `/chain?n=${n - 1}` : '/page' });
      }
      case '/status':
        return reply(res, Number(query.get('code')), { 'content-type': 'text/html' }, '<h1>nope</h1>');
      case '/slow': {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const timer = setTimeout(() => {
          inFlight -= 1;
          html(PAGE);
        }, 150);
        timers.add(timer);
        return;
      }
      case '/trickle': {
        res.writeHead(200, { 'content-type': 'text/html' });
        every(300, () => res.write('a'));
        return;
      }
      case '/endless': {
        res.writeHead(200, { 'content-type': query.get('type') ?? 'text/html' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        pump();
        return;
      }
      case '/gzip-bomb':
        return reply(
          res,
          200,
          { 'content-type': query.get('type') ?? 'text/html', 'content-encoding': 'gzip' },
          gzipBomb,
        );
      case '/br-bomb':
        return reply(res, 200, { 'content-type': 'text/html', 'content-encoding': 'br' }, brotliBomb);
      case '/gzip-gzip':
        return reply(
          res,
          200,
          { 'content-type': 'text/html', 'content-encoding': 'gzip, gzip' },
          gzipSync(gzipSync(PAGE)),
        );
      case '/corrupt-gzip':
        return reply(
          res,
          200,
          { 'content-type': 'text/html', 'content-encoding': 'gzip' },
          Buffer.concat([gzipSync(PAGE).subarray(0, 10), Buffer.from('this is not deflate data at all')]),
        );
      case '/zstd':
        return reply(res, 200, { 'content-type': 'text/html', 'content-encoding': 'zstd' }, '(zstd)');
      case '/cp1251-header':
        return html(Buffer.concat([Buffer.from('<p>'), CP1251_PRIVET]), 'text/html; charset=windows-1251');
      case '/sjis-meta':
        return html(Buffer.concat([Buffer.from('<meta charset="Shift_JIS"><p>'), SJIS_NIHON]), 'text/html');
      case '/bom-vs-header':
        return html(Buffer.from('\ufeff<p>Привет'), 'text/html; charset=windows-1251');
      case '/utf7':
        return html(Buffer.from('<p>Hi +ADw-script+AD4-'), 'text/html; charset=utf-7');
      case '/iso-2022-kr-meta':
        return html(Buffer.from('<meta charset="iso-2022-kr"><p>caf\xe9 au lait', 'latin1'), 'text/html');
      case '/undeclared-latin1':
        return html(Buffer.from('<p>caf\xe9 au lait', 'latin1'), 'text/html');
      case '/image.png':
        return reply(res, 200, { 'content-type': 'image/png' }, Buffer.concat([PNG_HEAD, Buffer.alloc(200_000)]));
      case '/video.mp4': {
        res.writeHead(200, { 'content-type': 'video/mp4' });
        every(10, () => res.write(Buffer.alloc(64 * 1024)));
        return;
      }
      case '/data.json':
        return reply(res, 200, { 'content-type': 'application/json' }, '{"title":"Ünïcode"}');
      case '/as-text.json':
        return reply(res, 200, { 'content-type': 'text/html' }, '{"type":"video"}');
      case '/doc.pdf':
        return reply(res, 200, { 'content-type': 'application/pdf' }, '%PDF-1.7');
      default:
        return reply(res, 404);
    }
  }

  function rawRoute(socket: Socket, path: string): void {
    switch (path) {
      case '/headers-never-end':
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n');
        every(100, () => socket.write('X-Trickle: a\r\n'));
        return;
      case '/info-flood':
        every(20, () => socket.write('HTTP/1.1 102 Processing\r\n\r\n'));
        return;
      case '/reset-mid-body':
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>');
        setTimeout(() => socket.resetAndDestroy(), 50);
        return;
      case '/ten-gigabytes':
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{"a":');
        every(50, () => socket.write('"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",'));
        return;
      default:
        socket.end('NOT HTTP AT ALL\r\n\r\n');
    }
  }

  beforeAll(async () => {
    gzipBomb = await compressToBuffer(createGzip({ level: 9 }), BOMB_BYTES);
    brotliBomb = await compressToBuffer(
      createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } }),
      BOMB_BYTES,
    );
    fixture = createHttpServer(route);
    fixture.on('connection', () => (fixtureConnections += 1));
    port = await listen(fixture, 0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    secondOrigin = createHttpServer(route);
    secondPort = await listen(secondOrigin, 0, '127.0.0.1');
    raw = createNetServer((socket) => {
      openSockets.add(socket);
      socket.on('close', () => openSockets.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', (data) => rawRoute(socket, data.toString('latin1').split(' ')[1] ?? '/'));
    });
    rawPort = await listen(raw, 0, '127.0.0.1');
    rawBase = `http://127.0.0.1:${rawPort}`;
    canary = createNetServer((socket) => {
      canaryHits += 1;
      socket.destroy();
    });
    await listen(canary, port, '127.0.0.2');
    const v6 = createNetServer((socket) => {
      canaryHits += 1;
      socket.destroy();
    });
    // ::1 exists when the namespace has IPv6; without it no IPv6 loopback traffic is possible at all.
    canary6 = await listen(v6, port, '::1').then(
      () => v6,
      () => undefined,
    );
  });

  afterAll(async () => {
    await Promise.all(fetchers.map((fetcher) => fetcher.onModuleDestroy()));
    for (const timer of timers) clearInterval(timer);
    for (const socket of openSockets) socket.destroy();
    await Promise.all([fixture, secondOrigin, raw, canary, ...(canary6 ? [canary6] : [])].map(close));
  });

  beforeEach(() => {
    received = [];
  });

  describe('answers', () => {
    it('reads a page with honest request headers and reports the whole answer', async () => {
      const result = await makeFetcher().fetch(`${base}/page`);
      expect(result).toEqual<FetchResult>({
        finalUrl: `${base}/page`,
        status: 200,
        headers: expect.objectContaining({ 'content-type': 'text/html; charset=utf-8' }),
        contentType: 'text/html',
        declaredCharset: 'utf-8',
        charset: 'utf-8',
        body: PAGE,
        bytes: PAGE.length,
        truncated: false,
        redirects: [],
        timings: ANY_TIMINGS,
      });
      expect(received).toEqual([
        {
          url: '/page',
          port,
          headers: expect.objectContaining({
            'user-agent': USER_AGENT,
            accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
            'accept-language': 'en-US,en;q=0.9,*;q=0.5',
            'accept-encoding': 'gzip, deflate, br',
          }),
        },
      ]);
    });

    it('reads JSON in json mode with the accept override and caller headers, which cannot replace its own', async () => {
      const result = await makeFetcher().fetch(`${base}/headers`, {
        mode: 'json',
        accept: 'application/json+oembed',
        headers: { Authorization: 'Bearer provider-token', 'User-Agent': 'spoofed' },
      });
      expect(JSON.parse(result.body)).toEqual(
        expect.objectContaining({
          authorization: 'Bearer provider-token',
          'user-agent': USER_AGENT,
          accept: 'application/json+oembed',
        }),
      );
      expect(result).toEqual(
        expect.objectContaining({ status: 200, contentType: 'application/json', charset: 'utf-8', truncated: false }),
      );
    });

    it('reads oEmbed JSON served as text/html in json mode', async () => {
      const result = await makeFetcher().fetch(`${base}/as-text.json`, { mode: 'json' });
      expect(result).toEqual(expect.objectContaining({ body: '{"type":"video"}', contentType: 'text/html' }));
    });

    it('reads only the first bytes of an image, enough for its dimensions', async () => {
      const result = await makeFetcher().fetch(`${base}/image.png`);
      expect(result).toEqual<FetchResult>({
        finalUrl: `${base}/image.png`,
        status: 200,
        headers: expect.objectContaining({ 'content-type': 'image/png' }),
        contentType: 'image/png',
        body: '',
        head: expect.any(Buffer),
        bytes: 4096,
        truncated: true,
        redirects: [],
        timings: ANY_TIMINGS,
      });
      expect(result.head?.subarray(0, PNG_HEAD.length)).toEqual(PNG_HEAD);
      expect(result.head).toHaveLength(4096);
    });

    it.each([
      ['an endless video', '/video.mp4', 'video/mp4'],
      ['a PDF', '/doc.pdf', 'application/pdf'],
      ['JSON asked for as a page', '/data.json', 'application/json'],
    ])('does not download %s: headers only', async (_name, path, contentType) => {
      const { result, ms } = await timed(makeFetcher().fetch(`${base}${path}`));
      expect(result).toEqual<FetchResult>({
        finalUrl: `${base}${path}`,
        status: 200,
        headers: expect.objectContaining({ 'content-type': contentType }),
        contentType,
        body: '',
        bytes: 0,
        truncated: false,
        redirects: [],
        timings: ANY_TIMINGS,
      });
      expect(ms).toBeLessThan(TIMEOUT_MS);
    });

    it.each([404, 500, 503])('turns an upstream %i into UPSTREAM_ERROR carrying the status', async (code) => {
      await expect(makeFetcher().fetch(`${base}/status?code=${code}`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'status', upstreamStatus: code }),
      );
    });

    it.each([301, 302, 303, 304, 307, 308, 300])(
      'turns a %i without a Location to follow into UPSTREAM_ERROR with the status, not a preview of its body',
      async (code) => {
        await expect(makeFetcher().fetch(`${base}/no-location?code=${code}`)).rejects.toEqual(
          expect.objectContaining({
            code: 'UPSTREAM_ERROR',
            message: `127.0.0.1:${port} answered ${code} without a redirect to follow`,
            details: { cause: 'status', upstreamStatus: code },
          }),
        );
      },
    );

    it('returns the start of a 4xx/5xx answer when the caller asks to judge it, cut at errorBodyBytes', async () => {
      const result = await makeFetcher().fetch(`${base}/challenge`, { errorBodyBytes: 1024 });
      expect(result).toEqual({
        finalUrl: `${base}/challenge`,
        status: 403,
        headers: expect.objectContaining({ 'cf-mitigated': 'challenge' }),
        contentType: 'text/html',
        charset: 'utf-8',
        body: `<title>Just a moment...</title>${'x'.repeat(1024 - 31)}`,
        bytes: 1024,
        truncated: true,
        redirects: [],
        timings: ANY_TIMINGS,
      });
      await expect(makeFetcher().fetch(`${base}/challenge`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'status', upstreamStatus: 403 }),
      );
    });

    it('bounds the open requests to one origin by the per-host concurrency', async () => {
      maxInFlight = 0;
      const fetcher = makeFetcher({ perHostConcurrency: 2 });
      const results = await Promise.all(Array.from({ length: 6 }, () => fetcher.fetch(`${base}/slow`)));
      expect(results.map((result) => result.body)).toEqual(Array.from({ length: 6 }, () => PAGE));
      expect(maxInFlight).toBe(2);
    });
  });

  describe('URL gate', () => {
    it.each([
      ['ftp://127.0.0.1/file', 'scheme'],
      ['javascript:alert(1)', 'scheme'],
      ['file:///etc/passwd', 'scheme'],
      ['http://user:pass@example.com/', 'userinfo'],
      ['http://example.com:22/', 'port'],
      ['https://example.com:6379/', 'port'],
      ['not a url', 'unparsable'],
      [`http://example.com/${'a'.repeat(2048)}`, 'too_long'],
    ])('refuses %p as INVALID_URL (%s) without any connection', async (url, reason) => {
      const resolver = new MapResolver({});
      await expect(makeFetcher({}, resolver).fetch(url)).rejects.toEqual(failure('INVALID_URL', { reason }));
      expect(resolver.calls).toEqual([]);
    });
  });

  describe('address gate', () => {
    function strictFetcher(resolver = new MapResolver({})): SafeFetcher {
      // The fixture's port is allowed as a port but nothing is allow-listed: only the address gate can refuse.
      return makeFetcher({ allowPrivate: [], allowedPorts: [80, 443, port] }, resolver);
    }

    it.each([
      '2130706433',
      '0177.0.0.1',
      '0x7f.1',
      '127.1',
      '127.0.0.1',
      '127.0.0.2',
      '0.0.0.0',
      '0',
      '[::1]',
      '[::]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '[::127.0.0.1]',
      '[64:ff9b::7f00:1]',
      '[2002:7f00:1::]',
      '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
      '169.254.169.254',
      '[fd00:ec2::254]',
      '[fe80::1]',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '198.18.0.1',
      '240.0.0.1',
      '224.0.0.1',
      '255.255.255.255',
    ])('refuses http://%s before connecting', async (host) => {
      const before = fixtureConnections;
      const { error, ms } = await timed(strictFetcher().fetch(`http://${host}:${port}/page`));
      expect(error).toEqual(failure('BLOCKED_DESTINATION', {}));
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      expect(fixtureConnections).toBe(before);
    });

    it('refuses the metadata service on its usual port 80', async () => {
      await expect(strictFetcher().fetch('http://169.254.169.254/latest/meta-data/')).rejects.toEqual(
        blockedAt('169.254.169.254', { range: 'linkLocal' }),
      );
    });

    it('refuses a name that resolves to loopback', async () => {
      const resolver = new MapResolver({ 'loopback.test': [['127.0.0.2']] });
      await expect(strictFetcher(resolver).fetch(`http://loopback.test:${port}/`)).rejects.toEqual(
        blockedAt('127.0.0.2', { host: 'loopback.test', range: 'loopback' }),
      );
      expect(resolver.calls).toEqual(['loopback.test']);
    });

    it('refuses a name when any of its addresses is private, whatever the order', async () => {
      const resolver = new MapResolver({
        'mixed.test': [[PUBLIC_A, '10.1.2.3']],
        'mixed6.test': [['::ffff:192.168.0.1', PUBLIC_B]],
      });
      const fetcher = strictFetcher(resolver);
      await expect(fetcher.fetch(`http://mixed.test:${port}/`)).rejects.toEqual(
        blockedAt('10.1.2.3', { range: 'private' }),
      );
      await expect(fetcher.fetch(`http://mixed6.test:${port}/`)).rejects.toEqual(
        blockedAt('192.168.0.1', { range: 'private' }),
      );
    });

    it('does not allow a name that resolves to an allow-listed address: the list names hosts as written', async () => {
      const resolver = new MapResolver({ 'alias.test': [['127.0.0.1']] });
      const fetcher = makeFetcher({ allowedPorts: [80, 443, port] }, resolver);
      await expect(fetcher.fetch(`http://alias.test:${port}/page`)).rejects.toEqual(
        blockedAt('127.0.0.1', { range: 'loopback' }),
      );
    });

    it('turns a resolver that never answers into UPSTREAM_TIMEOUT (dns) after the connect timeout', async () => {
      const hanging = new (class extends HostResolver {
        resolve(): Promise<string[]> {
          return new Promise(() => undefined);
        }
      })();
      const { error, ms } = await timed(makeFetcher({ connectTimeoutMs: 300 }, hanging).fetch('http://slow-dns.test/'));
      expect(error).toEqual(failure('UPSTREAM_TIMEOUT', { cause: 'dns' }));
      expect(ms).toBeLessThan(300 + SLACK_MS);
    });

    it('turns a name without addresses into UPSTREAM_ERROR (dns)', async () => {
      const resolver = new MapResolver({ 'empty.test': [[]] });
      await expect(strictFetcher(resolver).fetch('http://empty.test/')).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'dns' }),
      );
    });

    it('turns a name that does not resolve into UPSTREAM_ERROR (dns)', async () => {
      await expect(strictFetcher().fetch('http://nowhere.test/')).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'dns' }),
      );
    });

    describe('with public answers dialled to the fixture', () => {
      let dialled: string[];

      /** Stands in for the internet: dials the public test addresses at the fixture and records every address. */
      function publicFetcher(resolver: MapResolver): SafeFetcher {
        const real = buildConnector({ timeout: 500 });
        dialled = [];
        return makeFetcher(
          {
            allowPrivate: [],
            allowedPorts: [80, 443, port],
            dial: (options, callback) => {
              dialled.push(options.hostname);
              const stand = [PUBLIC_A, PUBLIC_B].includes(options.hostname) ? '127.0.0.1' : options.hostname;
              real({ ...options, hostname: stand }, callback);
            },
          },
          resolver,
        );
      }

      it('connects to the vetted address without a second lookup (DNS rebinding)', async () => {
        const resolver = new MapResolver({ 'rebind.test': [[PUBLIC_A], ['127.0.0.2']] });
        const result = await publicFetcher(resolver).fetch(`http://rebind.test:${port}/page`);
        expect(result).toEqual(expect.objectContaining({ status: 200, body: PAGE }));
        expect(resolver.calls).toEqual(['rebind.test']);
        expect(dialled).toEqual([PUBLIC_A]);
        expect(received.map((request) => request.headers.host)).toEqual([`rebind.test:${port}`]);
      });

      it('vets every hop once: a redirect to a name that rebinds to a private address is refused', async () => {
        const resolver = new MapResolver({
          'a.test': [[PUBLIC_A]],
          'b.test': [['127.0.0.2'], [PUBLIC_B]],
        });
        const to = encodeURIComponent(`http://b.test:${port}/page`);
        await expect(publicFetcher(resolver).fetch(`http://a.test:${port}/redirect?to=${to}`)).rejects.toEqual(
          blockedAt('127.0.0.2', { host: 'b.test', range: 'loopback' }),
        );
        expect(resolver.calls).toEqual(['a.test', 'b.test']);
        expect(dialled).toEqual([PUBLIC_A]);
      });

      it('follows a redirect between public hosts, resolving each once', async () => {
        const resolver = new MapResolver({ 'a.test': [[PUBLIC_A]], 'b.test': [[PUBLIC_B]] });
        const to = encodeURIComponent(`http://b.test:${port}/page`);
        const result = await publicFetcher(resolver).fetch(`http://a.test:${port}/redirect?status=301&to=${to}`);
        expect(result).toEqual(
          expect.objectContaining({
            finalUrl: `http://b.test:${port}/page`,
            body: PAGE,
            redirects: [{ url: `http://a.test:${port}/redirect?status=301&to=${to}`, status: 301 }],
          }),
        );
        expect(resolver.calls).toEqual(['a.test', 'b.test']);
        expect(dialled).toEqual([PUBLIC_A, PUBLIC_B]);
      });

      it('tries the next vetted address when the first cannot be reached', async () => {
        const resolver = new MapResolver({ 'dual.test': [['2606:4700::1', PUBLIC_A]] });
        const result = await publicFetcher(resolver).fetch(`http://dual.test:${port}/page`);
        expect(result.body).toBe(PAGE);
        expect(dialled).toEqual(['2606:4700::1', PUBLIC_A]);
      });
    });
  });

  describe('redirects', () => {
    /** The fixture's port is allowed everywhere, so only the address gate can refuse these. */
    const blockedTargets = () => [
      `http://127.0.0.2:${port}/`,
      `http://0x7f.0.0.2:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.2]:${port}/`,
      `http://169.254.169.254/latest/meta-data/`,
      `//127.0.0.2:${port}/`,
      `\\\\127.0.0.2:${port}/`,
      `/\\127.0.0.2:${port}/`,
    ];

    it.each([301, 302, 303, 307, 308])('refuses a %i redirect to loopback, metadata and odd forms', async (status) => {
      const fetcher = makeFetcher({ allowedPorts: [80, 443, port] });
      for (const target of blockedTargets()) {
        const url = `${base}/redirect?status=${status}&to=${encodeURIComponent(target)}`;
        const { error, ms } = await timed(fetcher.fetch(url));
        expect(error).toEqual(failure('BLOCKED_DESTINATION', { range: expect.any(String) }));
        expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      }
    });

    it.each([
      ['file:///etc/passwd', 'scheme'],
      ['gopher://127.0.0.1:70/_GET', 'scheme'],
      ['http://user:pw@example.com/', 'userinfo'],
      ['http://example.com:25/', 'port'],
    ])('refuses a redirect to %p (%s)', async (target, reason) => {
      await expect(makeFetcher().fetch(`${base}/redirect?to=${encodeURIComponent(target)}`)).rejects.toEqual(
        failure('BLOCKED_DESTINATION', { reason, redirect: 1 }),
      );
    });

    it('refuses a redirect Location that is not a URL', async () => {
      await expect(makeFetcher().fetch(`${base}/redirect?to=${encodeURIComponent('http://[nope/')}`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'protocol' }),
      );
    });

    it('follows a chain within the limit and records every hop', async () => {
      const result = await makeFetcher().fetch(`${base}/chain?n=2`);
      expect(result).toEqual(
        expect.objectContaining({
          finalUrl: `${base}/page`,
          status: 200,
          body: PAGE,
          redirects: [
            { url: `${base}/chain?n=2`, status: 302 },
            { url: `${base}/chain?n=1`, status: 302 },
            { url: `${base}/chain?n=0`, status: 302 },
          ],
        }),
      );
    });

    it('follows the first of repeated Location headers', async () => {
      const result = await makeFetcher().fetch(`${base}/two-locations`);
      expect(result).toEqual(
        expect.objectContaining({
          finalUrl: `${base}/page`,
          body: PAGE,
          redirects: [{ url: `${base}/two-locations`, status: 302 }],
        }),
      );
    });

    it('ends a chain longer than the limit with UPSTREAM_ERROR (too_many_redirects)', async () => {
      await expect(makeFetcher().fetch(`${base}/chain?n=3`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'too_many_redirects', maxRedirects: 3 }),
      );
    });

    it('ends a redirect loop with UPSTREAM_ERROR (redirect_loop)', async () => {
      await expect(makeFetcher().fetch(`${base}/loop-a`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'redirect_loop' }),
      );
    });

    it('does not send caller headers to another origin after a redirect', async () => {
      const to = encodeURIComponent(`http://127.0.0.1:${secondPort}/headers`);
      const result = await makeFetcher().fetch(`${base}/redirect?to=${to}`, {
        mode: 'json',
        headers: { authorization: 'Bearer provider-token' },
      });
      expect(received.map((request) => [request.port, request.headers.authorization])).toEqual([
        [port, 'Bearer provider-token'],
        [secondPort, undefined],
      ]);
      expect(JSON.parse(result.body)).not.toHaveProperty('authorization');
    });
  });

  describe('hostile servers', () => {
    it.each([
      ['headers that never finish', `/headers-never-end`, 'raw'],
      ['a flood of 1xx responses', `/info-flood`, 'raw'],
      ['a body trickling one byte every 300 ms', `/trickle`, 'http'],
    ])('ends %s at the deadline with UPSTREAM_TIMEOUT', async (_name, path, server) => {
      const { error, ms } = await timed(makeFetcher().fetch(`${server === 'raw' ? rawBase : base}${path}`));
      expect(error).toEqual(failure('UPSTREAM_TIMEOUT', { cause: 'deadline', timeoutMs: TIMEOUT_MS }));
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    });

    it('cuts an endless page at the byte cap and returns what was read', async () => {
      const { result, ms } = await timed(makeFetcher().fetch(`${base}/endless`));
      expect(result).toEqual(
        expect.objectContaining({ status: 200, bytes: MAX_BYTES, truncated: true, charset: 'utf-8' }),
      );
      expect(result?.body).toBe('a'.repeat(MAX_BYTES));
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    });

    it('refuses an endless JSON document with UPSTREAM_TOO_LARGE', async () => {
      const { error, ms } = await timed(
        makeFetcher().fetch(`${base}/endless?type=application/json`, { mode: 'json', maxBytes: 256 * 1024 }),
      );
      expect(error).toEqual(failure('UPSTREAM_TOO_LARGE', { maxBytes: 256 * 1024 }));
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    });

    it.each([
      ['gzip', '/gzip-bomb'],
      ['brotli', '/br-bomb'],
    ])('stops a %s bomb at the decoded byte cap without ballooning memory', async (_name, path) => {
      const memoryBefore = process.memoryUsage().rss;
      const { result, ms } = await timed(makeFetcher().fetch(`${base}${path}`));
      expect(result).toEqual(expect.objectContaining({ status: 200, bytes: MAX_BYTES, truncated: true }));
      expect(result?.body).toBe('\0'.repeat(MAX_BYTES));
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      expect(process.memoryUsage().rss - memoryBefore).toBeLessThan(50 * 1024 * 1024);
    });

    it('refuses a gzip bomb in json mode with UPSTREAM_TOO_LARGE', async () => {
      const memoryBefore = process.memoryUsage().rss;
      const url = `${base}/gzip-bomb?type=application/json`;
      await expect(makeFetcher().fetch(url, { mode: 'json' })).rejects.toEqual(
        failure('UPSTREAM_TOO_LARGE', { maxBytes: MAX_BYTES }),
      );
      expect(process.memoryUsage().rss - memoryBefore).toBeLessThan(50 * 1024 * 1024);
    });

    it('undoes layered gzip, gzip', async () => {
      const result = await makeFetcher().fetch(`${base}/gzip-gzip`);
      expect(result).toEqual(expect.objectContaining({ body: PAGE, bytes: PAGE.length, truncated: false }));
    });

    it.each([
      ['corrupt gzip', '/corrupt-gzip'],
      ['an unsupported encoding', '/zstd'],
    ])('turns %s into UPSTREAM_ERROR (decode)', async (_name, path) => {
      await expect(makeFetcher().fetch(`${base}${path}`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'decode' }),
      );
    });

    it('refuses a declared 10 GB JSON answer without reading it', async () => {
      const { error, ms } = await timed(makeFetcher().fetch(`${rawBase}/ten-gigabytes`, { mode: 'json' }));
      expect(error).toEqual(failure('UPSTREAM_TOO_LARGE', { contentLength: 10_737_418_240, maxBytes: MAX_BYTES }));
      expect(ms).toBeLessThan(TIMEOUT_MS);
    });

    it('turns a reset in the middle of the body into UPSTREAM_ERROR (reset)', async () => {
      const { error, ms } = await timed(makeFetcher().fetch(`${rawBase}/reset-mid-body`));
      expect(error).toEqual(failure('UPSTREAM_ERROR', { cause: 'reset' }));
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    });

    it('turns an answer that is not HTTP into UPSTREAM_ERROR (protocol)', async () => {
      await expect(makeFetcher().fetch(`${rawBase}/garbage`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'protocol' }),
      );
    });

    it('turns a refused connection into UPSTREAM_ERROR (refused)', async () => {
      const closed = createNetServer();
      const closedPort = await listen(closed, 0, '127.0.0.1');
      await close(closed);
      const fetcher = makeFetcher({ allowPrivate: [`127.0.0.1:${closedPort}`] });
      await expect(fetcher.fetch(`http://127.0.0.1:${closedPort}/`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'refused' }),
      );
    });

    it('turns a TLS handshake with a plain HTTP server into UPSTREAM_ERROR (tls)', async () => {
      await expect(makeFetcher().fetch(`https://127.0.0.1:${port}/page`)).rejects.toEqual(
        failure('UPSTREAM_ERROR', { cause: 'tls' }),
      );
    });

    it("rejects with the caller's reason as soon as the caller aborts", async () => {
      const reason = new Error('client went away');
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), 100);
      const started = performance.now();
      await expect(makeFetcher().fetch(`${base}/trickle`, { signal: controller.signal })).rejects.toBe(reason);
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    });
    it("rejects at once with the caller's reason when its signal was already aborted", async () => {
      const reason = new Error('batch cancelled');
      await expect(makeFetcher().fetch(`${base}/page`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(received).toEqual([]);
    });
  });

  describe('charsets', () => {
    it.each([
      ['windows-1251 declared only in the header', '/cp1251-header', 'windows-1251', '<p>Привет'],
      ['Shift_JIS declared only in <meta>', '/sjis-meta', 'shift_jis', '<meta charset="Shift_JIS"><p>日本'],
      ['a UTF-8 BOM against a windows-1251 header', '/bom-vs-header', 'utf-8', '<p>Привет'],
      ['a utf-7 label, which is never obeyed', '/utf7', 'utf-8', '<p>Hi +ADw-script+AD4-'],
      ['an iso-2022-kr <meta>, which cannot be decoded', '/iso-2022-kr-meta', 'windows-1252', 'caf\u00e9'],
      ['undeclared bytes that are not UTF-8', '/undeclared-latin1', 'windows-1252', '<p>caf\u00e9'],
      ['a <meta charset> beyond the first 1024 bytes', '/late-meta', 'windows-1251', '<p>Привет'],
    ])('decodes %s', async (_name, path, charset, text) => {
      const result = await makeFetcher().fetch(`${base}${path}`);
      expect(result.charset).toBe(charset);
      expect(result.body).toContain(text);
    });

    it('reads JSON as UTF-8', async () => {
      const result = await makeFetcher().fetch(`${base}/data.json`, { mode: 'json' });
      expect(result).toEqual(expect.objectContaining({ body: '{"title":"Ünïcode"}', charset: 'utf-8' }));
    });
  });

  describe('web-app manifests', () => {
    it('fetches and parses a manifest, dropping prototype keys', async () => {
      await expect(fetchManifest(makeFetcher(), `${base}/site.webmanifest`)).resolves.toEqual({
        icons: [{ src: '/i.png', sizes: '192x192' }],
      });
      expect(received.at(-1)?.headers.accept).toBe('application/manifest+json,application/json;q=0.9,*/*;q=0.1');
    });

    it.each([
      ['missing', '/missing.webmanifest'],
      ['over the byte cap', '/big.webmanifest'],
      ['not JSON', '/bad.webmanifest'],
      ['at a refused address', 'http://127.0.0.2/site.webmanifest'],
    ])('gives nothing for a manifest %s', async (_name, path) => {
      const url = path.startsWith('http') ? path : `${base}${path}`;
      await expect(fetchManifest(makeFetcher(), url)).resolves.toBeUndefined();
    });

    it("rejects with the caller's reason when the caller aborts", async () => {
      const controller = new AbortController();
      controller.abort(new Error('client gone'));
      await expect(fetchManifest(makeFetcher(), `${base}/site.webmanifest`, controller.signal)).rejects.toThrow(
        'client gone',
      );
    });
  });

  it('never connected to a canary', () => {
    expect(canaryHits).toBe(0);
  });
});
