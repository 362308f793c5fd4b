import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../../test/support/processes.js';

/** The built entry point: benches measure what production runs, not the TypeScript sources. */
const DIST_MAIN = new URL('../../dist/main.js', import.meta.url).pathname;

/** A running `node dist/main.js` started by a bench. */
export interface ServiceProcess {
  label: string;
  pid: number;
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** SIGTERM by PID, SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** What the service wrote to stderr (warnings and errors at LOG_LEVEL=warn). */
  stderr(): string;
}

/** Settings every bench needs: loopback only, quiet logs, no shutdown delay. */
const BENCH_DEFAULTS: Record<string, string> = {
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  SHUTDOWN_DELAY_MS: '0',
  DOCS_ENABLED: 'false',
};

/**
 * Every service started and not yet exited, whoever holds it (a `finally`, a deferred cleanup, or a start still
 * waiting for `/test`): {@link withCleanup} stops what is left of them, so an interrupted bench leaves none behind.
 */
const running = new Set<ServiceProcess>();

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitUntilServing(origin: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (child.exitCode === null && child.signalCode === null) {
    try {
      const response = await fetch(`${origin}/test`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet: poll again until the deadline.
    }
    if (Date.now() > deadline) throw new Error(`service did not answer ${origin}/test within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`service exited during start (code ${child.exitCode}, signal ${child.signalCode})`);
}

/**
 * Waits for dist/main.js: the checkout is shared, and a teammate's `npm run build` (rm -rf dist, then tsc) leaves
 * it missing for a few seconds.
 */
async function waitForBuild(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(DIST_MAIN)) {
    if (Date.now() > deadline) throw new Error(`${DIST_MAIN} is missing: run npm run build`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Options of {@link startService}. */
export interface StartOptions {
  /** Longest wait for `GET /test` to answer. @default 20000 */
  timeoutMs?: number;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/**
 * Starts the built service on a free loopback port with `env` over the bench defaults and waits until `GET /test`
 * answers. The environment is minimal (PATH only) so that nothing from the caller's shell changes the measurement.
 */
export async function startService(
  label: string,
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<ServiceProcess> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  await waitForBuild();
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), DIST_MAIN], {
    env: { PATH: process.env.PATH ?? '', ...BENCH_DEFAULTS, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Keep the tail only: a misbehaving service must not grow the bench's memory without bound.
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const exited = exitOf(child);
  const pid = child.pid ?? 0;
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };
  const origin = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = { label, pid, port, origin, stop, stderr: () => stderr };
  running.add(service);
  void exited.then(() => running.delete(service));
  try {
    await waitUntilServing(origin, child, timeoutMs);
  } catch (error) {
    await stop(1000);
    throw new Error(`${label}: ${String(error)}\n${stderr}`, { cause: error });
  }
  return service;
}

/**
 * Runs `body`, then stops every process in `cleanups` (last started first) and every service still running, also
 * when `body` throws or the bench is interrupted with Ctrl-C, so no service, memcached or fixture outlives the bench.
 */
export async function withCleanup<T>(body: (defer: (cleanup: () => Promise<void>) => void) => Promise<T>): Promise<T> {
  const cleanups: (() => Promise<void>)[] = [];
  const runCleanups = async (): Promise<void> => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop();
      await cleanup?.().catch((error: unknown) => process.stderr.write(`cleanup failed: ${String(error)}\n`));
    }
    await Promise.all([...running].map((service) => service.stop()));
  };
  const onSignal = (): void => {
    void runCleanups().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body((cleanup) => cleanups.push(cleanup));
  } finally {
    await runCleanups();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
