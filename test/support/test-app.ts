import type { AddressInfo } from 'node:net';
import type { Provider, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configureApp, createAdapter, createApp } from '../../src/app.factory.js';
import { AppModule } from '../../src/app.module.js';

/** The real app with some providers replaced (e.g. an access policy), through Nest's testing module. */
async function createWithOverrides(overrides: Provider[]): Promise<NestFastifyApplication> {
  let builder = Test.createTestingModule({ imports: [AppModule] });
  for (const override of overrides) {
    const { provide, useClass, useValue } = override as { provide: Type; useClass?: Type; useValue?: unknown };
    const overriding = builder.overrideProvider(provide);
    builder = useClass === undefined ? overriding.useValue(useValue) : overriding.useClass(useClass);
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

/** A started app that listens on a loopback port, for clients that need a real socket (browsers, streams). */
export interface ListeningApp {
  app: NestFastifyApplication;
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
}

/** {@link startTestApp}, then listening on a free port of 127.0.0.1. */
export async function startListeningApp(options: Parameters<typeof startTestApp>[0] = {}): Promise<ListeningApp> {
  const app = await startTestApp(options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, port, origin: `http://127.0.0.1:${port}` };
}
