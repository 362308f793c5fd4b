import 'reflect-metadata';
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
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
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  const hostInUrl = address.includes(':') ? `[${address}]` : address;
  const url = `http://${hostInUrl}:${port}`;
  new Logger('Bootstrap').log({ host: address, port }, `listening on ${url}`);
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
