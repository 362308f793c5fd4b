import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Answers one request; `path` is the request's pathname. */
export type CountingHandler = (req: IncomingMessage, res: ServerResponse, path: string) => void;

/**
 * A loopback upstream that counts what reaches it: connections open at once (a socket counts from its accept until
 * the client's FIN, since the server's own close of it may come a moment later), connections in all, requests per
 * path, and the whole second (epoch) in which each request arrived.
 */
export class CountingUpstream {
  private readonly server: Server;
  private open = 0;
  /** Most connections open at once since the last {@link reset}. */
  peakConnections = 0;
  /** Connections accepted since the last {@link reset}. */
  connections = 0;
  readonly hits = new Map<string, number>();
  /** The epoch second of every request's arrival, in order. */
  readonly arrivals: number[] = [];

  constructor(handler: CountingHandler) {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://upstream').pathname;
      this.hits.set(path, this.hitsOf(path) + 1);
      this.arrivals.push(Math.floor(Date.now() / 1000));
      handler(req, res, path);
    });
    this.server.on('connection', (socket: Socket) => this.track(socket));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `127.0.0.1:PORT`, for FETCH_ALLOW_PRIVATE. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.open;
  }

  url(path: string): string {
    return `http://${this.hostPort}${path}`;
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  /** Requests whose path starts with `prefix`. */
  hitsUnder(prefix: string): number {
    let total = 0;
    for (const [path, hits] of this.hits) if (path.startsWith(prefix)) total += hits;
    return total;
  }

  /** Most requests that arrived in any one whole second. */
  peakPerSecond(): number {
    const perSecond = new Map<number, number>();
    for (const second of this.arrivals) perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    return Math.max(0, ...perSecond.values());
  }

  /** Whole seconds between the first and the last arrival (0 for requests that all came in one second). */
  spanSeconds(): number {
    return this.arrivals.length === 0 ? 0 : Math.max(...this.arrivals) - Math.min(...this.arrivals);
  }

  reset(): void {
    this.peakConnections = this.open;
    this.connections = 0;
    this.hits.clear();
    this.arrivals.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.open += 1;
    this.connections += 1;
    this.peakConnections = Math.max(this.peakConnections, this.open);
    let counted = true;
    const gone = (): void => {
      if (!counted) return;
      counted = false;
      this.open -= 1;
    };
    socket.once('end', gone);
    socket.once('close', gone);
    socket.once('error', gone);
  }
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the clock is early in a whole second, so that a short burst stays inside one budget window. */
export async function earlyInASecond(): Promise<void> {
  await until(() => Date.now() % 1000 < 100, 2000, 'the start of a second');
}
