import helmet from '@fastify/helmet';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { REQUEST_ID_HEADER, requestIdOf } from './common/http/request-id.js';
import { readAppConfig } from './config/app.config.js';
import { packageInfo } from './config/package-info.js';

/** Largest accepted request body: batch requests of URLs are small. */
const BODY_LIMIT_BYTES = 256 * 1024;

/** Builds the OpenAPI 3 document of every route. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const { name, version, description } = packageInfo();
  const config = new DocumentBuilder()
    .setTitle(name)
    .setVersion(version)
    .setDescription(description)
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .setContact(
      'Link Preview Service maintainers',
      'https://github.com/link-preview-service',
      'maintainers@link-preview.example',
    )
    .addTag('service', 'Service information and the sample route')
    .addServer('/', 'This server')
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}

/**
 * Creates the application exactly as production runs it (adapter options, request ids, helmet, Swagger, error
 * handling); `main.ts` and every e2e test call this, then `listen()` or `init()`. Tests may pass a root module
 * that imports `AppModule` and adds test-only routes.
 */
export async function createApp(rootModule: Type = AppModule): Promise<NestFastifyApplication> {
  const config = readAppConfig();
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  await app.register(helmet);

  if (config.docsEnabled) {
    SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  }
  return app;
}
