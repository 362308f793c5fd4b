import http, { type IncomingHttpHeaders } from 'node:http';
import { freePort, startService, type StartedService } from './processes.js';

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

/** A built service on a free loopback port. */
export interface LoopbackService {
  service: StartedService;
  port: number;
  /** `http://127.0.0.1:PORT` */
  base: string;
}

/**
 * Starts the built service on a free port of 127.0.0.1, logging at info, with one parse thread and no drain delay
 * (`env` adds or overrides), and waits for its `listening on` line (the primary's `worker listening` lines with
 * WEB_CONCURRENCY>1).
 */
export async function startOnLoopback(env: Record<string, string> = {}): Promise<LoopbackService> {
  const port = await freePort();
  const service = startService({
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SHUTDOWN_DELAY_MS: '0',
    PARSE_WORKERS: '1',
    ...env,
  });
  const workers = Number(env.WEB_CONCURRENCY ?? '1');
  const started = (): boolean => {
    const lines = logLines(service.stdout());
    if (workers === 1) return lines.some((line) => line.msg.startsWith('listening on'));
    return lines.filter((line) => line.role === 'primary' && line.msg === 'worker listening').length === workers;
  };
  try {
    await waitForLine(service, started, 15_000);
  } catch (error) {
    service.child.kill('SIGKILL');
    throw error;
  }
  return { service, port, base: `http://127.0.0.1:${port}` };
}
