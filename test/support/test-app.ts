import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory.js';
import { AppModule } from '../../src/app.module.js';

/**
 * Starts the real application (same adapter, pipes, filters and interceptors as production) without listening;
 * requests go through `app.inject`. `env` overrides process.env for the app's configuration only.
 */
export async function startTestApp(
  options: { env?: Record<string, string>; rootModule?: Type } = {},
): Promise<NestFastifyApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, options.env);
  try {
    const app = await createApp(options.rootModule ?? AppModule);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  } finally {
    process.env = saved;
  }
}
