import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fixture answers for one request; `undefined` is a 404. */
export interface FixtureAnswer {
  body: Buffer | string;
  contentType?: string;
  /** Milliseconds to wait before answering (a slow upstream). */
  delayMs?: number;
}

/** Counters of a fixture since its last {@link FixtureUpstream.resetCounters}. */
export interface FixtureCounters {
  requests: number;
  /** Most requests that were being answered at the same moment. */
  peakConcurrency: number;
  bytesSent: number;
}

/**
 * A local upstream on 127.0.0.1 (port 0): the only thing the service under test fetches from. It answers from a
 * handler (so benches can vary pages by path and ignore the query that makes URLs unique) and records the peak of
 * concurrent requests, which is how the batch bench sees whether the service's fan-out is really 8 wide.
 */
export class FixtureUpstream {
  private readonly server = createServer((req, res) => this.handle(req, res));
  private inFlight = 0;
  private counters: FixtureCounters = { requests: 0, peakConcurrency: 0, bytesSent: 0 };

  constructor(private readonly answer: (url: URL) => FixtureAnswer | undefined) {
    // Benches keep connections alive and measure the service, not the fixture's connection limits.
    this.server.keepAliveTimeout = 60_000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `127.0.0.1:PORT`, the exact FETCH_ALLOW_PRIVATE entry the SSRF guard needs for this fixture. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  url(pathAndQuery: string): string {
    return `http://${this.hostPort}${pathAndQuery}`;
  }

  /**
   * The service environment that lets it fetch from this fixture and nothing else: loopback is allowed only for
   * this host:port, and only this port passes the URL gate, so links to real sites in corpus pages (oEmbed
   * discovery) are refused before any DNS lookup or connection.
   */
  serviceEnv(): Record<string, string> {
    return {
      FETCH_ALLOW_PRIVATE: this.hostPort,
      FETCH_ALLOWED_PORTS: String(this.port),
      // The fixture is one origin standing in for the many sites real traffic spreads over: the per-origin budget
      // (10 fetches a second by default) would turn every bench into a measurement of that budget.
      FETCH_PER_ORIGIN_PER_SECOND: '0',
    };
  }

  snapshot(): FixtureCounters {
    return { ...this.counters };
  }

  resetCounters(): void {
    this.counters = { requests: 0, peakConcurrency: this.inFlight, bytesSent: 0 };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.counters.requests += 1;
    this.inFlight += 1;
    this.counters.peakConcurrency = Math.max(this.counters.peakConcurrency, this.inFlight);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
    };
    res.once('close', finish);
    const answer = this.answer(new URL(req.url ?? '/', 'http://fixture'));
    const send = (): void => {
      if (res.destroyed) return;
      if (answer === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
      this.counters.bytesSent += body.length;
      res
        .writeHead(200, {
          'content-type': answer.contentType ?? 'text/html; charset=utf-8',
          'content-length': body.length,
        })
        .end(body);
    };
    if (answer?.delayMs === undefined || answer.delayMs <= 0) send();
    else setTimeout(send, answer.delayMs);
  }
}
