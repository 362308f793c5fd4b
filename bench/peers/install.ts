import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The benchmark package of the peer extractors (its own package.json and lockfile). */
export const PEERS_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * Installs the peer extractors from their lockfile the first time a benchmark needs them (`npm ci --prefix
 * bench/peers`): the service's own `npm ci` never does, so it compiles no native code for them.
 */
export function ensurePeersInstalled(): void {
  if (existsSync(fileURLToPath(new URL('./node_modules/metascraper/package.json', import.meta.url)))) return;
  process.stderr.write(`installing the peer extractors into ${PEERS_DIR} (npm ci, once)…\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ci --prefix ${PEERS_DIR} failed (exit ${result.status ?? 'signal'})`);
}
