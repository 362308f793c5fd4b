import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fixture answers one path. */
export interface FixtureRoute {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
  /** Answer only once this promise has settled (then after `delayMs`, if set): the test decides when. */
  until?: Promise<unknown>;
}

/**
 * A local upstream for e2e tests: serves fixed routes on 127.0.0.1, counts requests per path, records the peak of
 * concurrent requests and which requests the client aborted before the answer was complete.
 */
export class FixtureUpstream {
  private readonly server: Server;
  private readonly routes = new Map<string, FixtureRoute>();
  private readonly hitsByPath = new Map<string, number>();
  private readonly completedByPath = new Map<string, number>();
  private readonly abortedPaths: string[] = [];
  private inFlight = 0;
  peakConcurrency = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `host:port` for FETCH_ALLOW_PRIVATE. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `http://${this.hostPort}${path}`;
  }

  route(path: string, route: FixtureRoute): this {
    this.routes.set(path, route);
    return this;
  }

  html(path: string, html: string, extra: Omit<FixtureRoute, 'body'> = {}): this {
    return this.route(path, {
      ...extra,
      headers: { 'content-type': 'text/html; charset=utf-8', ...extra.headers },
      body: html,
    });
  }

  hits(path: string): number {
    return this.hitsByPath.get(path) ?? 0;
  }

  completed(path: string): number {
    return this.completedByPath.get(path) ?? 0;
  }

  aborted(): string[] {
    return [...this.abortedPaths];
  }

  resetCounters(): void {
    this.hitsByPath.clear();
    this.completedByPath.clear();
    this.abortedPaths.length = 0;
    this.peakConcurrency = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://fixture').pathname;
    this.hitsByPath.set(path, this.hits(path) + 1);
    this.inFlight += 1;
    this.peakConcurrency = Math.max(this.peakConcurrency, this.inFlight);
    let finished = false;
    const timer = { id: undefined as NodeJS.Timeout | undefined };
    res.on('close', () => {
      this.inFlight -= 1;
      if (!finished) {
        clearTimeout(timer.id);
        this.abortedPaths.push(path);
      }
    });
    const route = this.routes.get(path) ?? { status: 404, body: 'not found' };
    const answer = (): void => {
      finished = true;
      this.completedByPath.set(path, this.completed(path) + 1);
      res.writeHead(route.status ?? 200, route.headers ?? {});
      res.end(route.body ?? '');
    };
    const schedule = (): void => {
      if (res.destroyed) return;
      if (route.delayMs === undefined) answer();
      else timer.id = setTimeout(answer, route.delayMs);
    };
    if (route.until === undefined) schedule();
    else void route.until.then(schedule, schedule);
  }
}

/** A small HTML page with the usual metadata, for previews that must come out complete. */
export function articlePage(title: string, extra = ''): string {
  return `<!doctype html><html lang="en-GB"><head>
<meta charset="utf-8"><title>${title} | Example</title>
<meta property="og:title" content="${title}">
<meta property="og:description" content="All about ${title}.">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Example News">
<meta property="og:image" content="/images/${encodeURIComponent(title)}.jpg">
<meta property="og:image:width" content="1200"><meta property="og:image:height" content="630">
<meta name="author" content="Ada Lovelace">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="/articles/${encodeURIComponent(title)}">
<link rel="icon" href="/favicon.png" type="image/png">
${extra}</head><body><h1>${title}</h1><p>Body text.</p></body></html>`;
}
