import http, { type IncomingHttpHeaders } from 'node:http';
import type { StartedService } from './processes.js';

/** One JSON log line of the service (pino). */
export interface LogLine {
  level: number;
  msg: string;
  pid: number;
  requestId?: string;
  [field: string]: unknown;
}

/** The JSON lines of a service's stdout (lines that are not JSON are skipped). */
export function logLines(stdout: string): LogLine[] {
  return stdout.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** Waits until the service has logged a line that `matches` (at most `timeoutMs`), and returns it. */
export async function waitForLine(
  service: StartedService,
  matches: (line: LogLine) => boolean,
  timeoutMs = 10_000,
): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = logLines(service.stdout()).find(matches);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** An answer read whole. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (so that the kernel may hand it to any worker of a cluster). */
export function freshRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
