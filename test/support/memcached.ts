import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './processes.js';

/** The memcached binary (Debian's package); override with MEMCACHED_BIN. */
export const MEMCACHED_BIN = process.env.MEMCACHED_BIN ?? '/usr/bin/memcached';

/** A memcached process started for a test. */
export interface MemcachedProcess {
  /** The loopback address it listens on (127.0.0.1 unless asked for another). */
  host: string;
  port: number;
  /** `HOST:PORT`, as MEMCACHED_SERVERS lists it. */
  address: string;
  pid: number;
  /**
   * Stops the process by its PID and waits until it has exited. SIGKILL by default: memcached takes about a second
   * to exit on SIGTERM, and test data needs no graceful exit.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Fails (never skips) when the binary is missing: tests of the memcached store must run against a real memcached,
 * in CI and locally alike.
 */
function assertInstalled(): void {
  try {
    accessSync(MEMCACHED_BIN, constants.X_OK);
  } catch {
    throw new Error(`memcached is not installed at ${MEMCACHED_BIN} (apt-get install memcached, or set MEMCACHED_BIN)`);
  }
}

async function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<MemcachedProcess | undefined> {
  // -U 0: no UDP listener; -u root is required when the tests run as root and ignored otherwise.
  const child = spawn(MEMCACHED_BIN, ['-u', 'root', '-l', host, '-p', String(port), '-U', '0', '-m', '64'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = exitOf(child);
  const deadline = Date.now() + timeoutMs;
  while (child.exitCode === null && child.signalCode === null) {
    if (await acceptsConnections(host, port)) {
      const pid = child.pid ?? 0;
      return {
        host,
        port,
        address: `${host}:${port}`,
        pid,
        stop: async (signal = 'SIGKILL') => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
          await exited;
        },
      };
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`memcached on port ${port} did not accept connections within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Exited before accepting: most likely the port was taken between freePort() and bind; the caller retries.
  return undefined;
}

/** Starts memcached on a free loopback port and waits until it accepts connections. */
export async function startMemcached(timeoutMs = 5000): Promise<MemcachedProcess> {
  assertInstalled();
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await startOnce(await freePort(), timeoutMs);
    if (started) return started;
  }
  throw new Error('memcached exited at start three times (ports taken?)');
}

/**
 * Starts memcached on a given loopback address and port (to bring back one that was stopped, or to run several on
 * one port at 127.0.0.x, as the pods behind one DNS name).
 */
export async function startMemcachedAt(host: string, port: number, timeoutMs = 5000): Promise<MemcachedProcess> {
  assertInstalled();
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await startOnce(port, timeoutMs, host);
    if (started) return started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`memcached could not listen on ${host}:${port}`);
}

/** Starts memcached again on the port of one that was stopped: the same server coming back. */
export async function restartMemcached(stopped: MemcachedProcess, timeoutMs = 5000): Promise<MemcachedProcess> {
  return startMemcachedAt(stopped.host, stopped.port, timeoutMs);
}

/** Starts `count` memcached processes. */
export async function startMemcacheds(count: number): Promise<MemcachedProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startMemcached()));
}

/** Stops every process still running (for afterAll). */
export async function stopAll(processes: readonly MemcachedProcess[]): Promise<void> {
  await Promise.all(processes.map((server) => server.stop()));
}

/** The counters memcached reports for itself (`stats`: cmd_get, get_hits, cmd_set, incr_hits, curr_items, ...). */
export async function memcachedStats(address: string): Promise<Record<string, number>> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    let text = '';
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.endsWith('END\r\n')) return;
      socket.destroy();
      const stats: Record<string, number> = {};
      for (const line of text.split('\r\n')) {
        const match = /^STAT (\S+) (\d+(?:\.\d+)?)$/.exec(line);
        if (match !== null) stats[match[1]] = Number(match[2]);
      }
      resolve(stats);
    });
    socket.write('stats\r\n');
  });
}
