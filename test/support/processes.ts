import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const DIST_MAIN = new URL('../../dist/main.js', import.meta.url).pathname;

/** A free TCP port on loopback (the OS picks it, then it is released for the caller to bind). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A started service: the child process, what it has written so far, and its exit. */
export interface StartedService {
  child: ChildProcess;
  /** Everything written to stdout until now (the JSON log lines). */
  stdout(): string;
  exited: Promise<Exited>;
}

/**
 * Runs `node [nodeArgs] dist/main.js` (the built service) with `env` added to a minimal environment.
 * @param nodeArgs flags for node itself, as a deployment may give them (e.g. `--max-old-space-size=256`)
 */
export function startService(env: Record<string, string>, nodeArgs: readonly string[] = []): StartedService {
  const child = spawn(process.execPath, [...nodeArgs, DIST_MAIN], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exited>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, stdout: () => stdout, exited };
}

/** Polls `url` until it answers (any status) or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
