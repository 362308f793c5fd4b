import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { installGracefulShutdown } from './common/lifecycle/graceful-shutdown.js';
import { readAppConfig } from './config/app.config.js';
import { validateEnvironment } from './config/configuration.js';

async function bootstrap(): Promise<void> {
  const problems = validateEnvironment();
  if (problems.length > 0) {
    for (const problem of problems) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: problem.message, variable: problem.variable })}\n`);
    }
    process.exit(1);
  }
  const app = await createApp();
  const config = readAppConfig();
  installGracefulShutdown(app, { delayMs: config.shutdownDelayMs, timeoutMs: config.shutdownTimeoutMs });
  await app.listen({ port: config.port, host: config.host });
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'failed to start', err: String(error) })}\n`);
  process.exit(1);
});
