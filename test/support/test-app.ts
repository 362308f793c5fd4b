import type { Provider, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configureApp, createAdapter, createApp } from '../../src/app.factory.js';
import { AppModule } from '../../src/app.module.js';

/** The real app with some providers replaced (e.g. an access policy), through Nest's testing module. */
async function createWithOverrides(overrides: Provider[]): Promise<NestFastifyApplication> {
  let builder = Test.createTestingModule({ imports: [AppModule] });
  for (const override of overrides) {
    const { provide, useClass } = override as { provide: Type; useClass: Type };
    builder = builder.overrideProvider(provide).useClass(useClass);
  }
  const moduleRef = await builder.compile();
  return configureApp(moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(), { bufferLogs: true }));
}

/**
 * Starts the real application (same adapter, pipes, filters and interceptors as production) without listening;
 * requests go through `app.inject`. `env` overrides process.env for the app's configuration only.
 */
export async function startTestApp(
  options: { env?: Record<string, string>; rootModule?: Type; overrides?: Provider[] } = {},
): Promise<NestFastifyApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, options.env);
  try {
    const app = options.overrides ? await createWithOverrides(options.overrides) : await createApp(options.rootModule);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  } finally {
    process.env = saved;
  }
}
