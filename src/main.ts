import 'reflect-metadata';
import cluster from 'node:cluster';
import { createApp } from './app.factory.js';
import { installGracefulShutdown } from './common/lifecycle/graceful-shutdown.js';
import { readAppConfig } from './config/app.config.js';
import { validateEnvironment } from './config/configuration.js';
import { readConcurrencyConfig } from './config/concurrency.config.js';
import { runPrimary } from './cluster.js';

/** Exits with a message per bad variable when the environment is invalid (in the primary, before any fork). */
function validateOrExit(): void {
  const problems = validateEnvironment();
  if (problems.length === 0) return;
  for (const problem of problems) {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: problem.message, variable: problem.variable })}\n`);
  }
  process.exit(1);
}

async function serve(): Promise<void> {
  const app = await createApp();
  const config = readAppConfig();
  installGracefulShutdown(app, { delayMs: config.shutdownDelayMs, timeoutMs: config.shutdownTimeoutMs });
  await app.listen({ port: config.port, host: config.host });
}

validateOrExit();
const { webConcurrency } = readConcurrencyConfig();
const { shutdownDelayMs, shutdownTimeoutMs, logLevel } = readAppConfig();
if (webConcurrency > 1 && cluster.isPrimary) {
  runPrimary({ workers: webConcurrency, shutdownTimeoutMs: shutdownTimeoutMs + shutdownDelayMs, logLevel });
} else {
  serve().catch((error: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'failed to start', err: String(error) })}\n`);
    process.exit(1);
  });
}
