import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from './processes.js';

/** The nginx binary (Debian's package); override with NGINX_BIN. */
export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

/** The proxy's config template, as docker-compose.yml mounts it. */
export const NGINX_TEMPLATE = new URL('../../deploy/nginx/nginx.conf.template', import.meta.url).pathname;

const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)\}/g;

/** The `${NAME}` placeholders of a template (nginx's own `$variables` have no braces). */
export function placeholdersOf(template: string): Set<string> {
  return new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]));
}

/** Fills every `${NAME}` of `template` from `values`, as envsubst does; a placeholder without a value is an error. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replaceAll(PLACEHOLDER, (_whole, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`no value for the placeholder \${${name}}`);
    return values[name];
  });
}

/** Fails (never skips) when the binary is missing: the proxy is tested against a real nginx. */
function assertInstalled(): void {
  try {
    accessSync(NGINX_BIN, constants.X_OK);
  } catch {
    throw new Error(`nginx is not installed at ${NGINX_BIN} (apt-get install nginx, or set NGINX_BIN)`);
  }
}

/** The template's values other than the state directory, which each prefix brings. */
export type NginxValues = Record<'NGINX_LISTEN' | 'APP_UPSTREAM' | 'NGINX_METRICS_ALLOW', string>;

/** A temporary nginx prefix holding the rendered config; `remove()` deletes it. */
export interface NginxPrefix {
  dir: string;
  config: string;
  /** The access log file (JSON lines). */
  accessLog: string;
  remove(): Promise<void>;
}

/** Renders the template into a fresh temporary prefix (its state directory inside it). */
export async function renderIntoPrefix(values: NginxValues): Promise<NginxPrefix> {
  const dir = await mkdtemp(join(tmpdir(), 'lps-nginx-'));
  // nginx's workers drop root privileges when the tests run as root: they must be able to enter the prefix.
  await chmod(dir, 0o755);
  const state = join(dir, 'state');
  await mkdir(state, { mode: 0o755 });
  const config = join(dir, 'nginx.conf');
  const template = await readFile(NGINX_TEMPLATE, 'utf8');
  const accessLog = join(dir, 'access.log');
  await writeFile(config, renderTemplate(template, { ...values, NGINX_STATE_DIR: state, NGINX_ACCESS_LOG: accessLog }));
  return { dir, config, accessLog, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `nginx -t` on a rendered prefix: the exit status and what nginx said. */
export function testConfig(prefix: NginxPrefix): { status: number | null; output: string } {
  assertInstalled();
  const result = spawnSync(NGINX_BIN, ['-t', '-e', 'stderr', '-p', prefix.dir, '-c', prefix.config], {
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A running nginx started for a test. */
export interface NginxProcess {
  /** Where it listens, `http://127.0.0.1:PORT`. */
  origin: string;
  /** Its access log so far, one JSON object a line. */
  accessLog(): string;
  /** What it wrote to stderr (its error log) so far. */
  errors(): string;
  stop(): Promise<void>;
}

/**
 * Starts `nginx -p PREFIX -c PREFIX/nginx.conf -g 'daemon off;'` listening on a free loopback port in front of
 * `upstream`, and waits until it answers.
 */
export async function startNginx(upstream: string, metricsAllow: string): Promise<NginxProcess> {
  assertInstalled();
  const port = await freePort();
  const prefix = await renderIntoPrefix({
    NGINX_LISTEN: `127.0.0.1:${port}`,
    APP_UPSTREAM: upstream,
    NGINX_METRICS_ALLOW: metricsAllow,
  });
  const child = spawn(NGINX_BIN, ['-e', 'stderr', '-p', prefix.dir, '-c', prefix.config, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForHttp(`${origin}/nginx-health`),
      exited.then(() => Promise.reject(new Error(`nginx exited at start: ${output}`))),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    await prefix.remove();
    throw error;
  }
  return {
    origin,
    accessLog: () => readFileSync(prefix.accessLog, 'utf8'),
    errors: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
      }
      await exited;
      await prefix.remove();
    },
  };
}
