import helmet from '@fastify/helmet';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { REQUEST_ID_HEADER, requestIdOf } from './common/http/request-id.js';
import { readAppConfig, type AppConfig } from './config/app.config.js';
import { packageInfo } from './config/package-info.js';

/** Largest accepted request body: batch requests of URLs are small. */
const BODY_LIMIT_BYTES = 256 * 1024;

/** Headers that only mean something on answers that came over TLS (directly or through a trusted proxy). */
const TLS_ONLY_HEADERS = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
} as const;

/**
 * helmet's defaults, except those that break or bother real browsers on plain http: `upgrade-insecure-requests`
 * makes a browser fetch every asset of a page (Swagger UI) over https, so the page is blank unless served from
 * loopback or behind TLS; HSTS, Cross-Origin-Opener-Policy and Origin-Agent-Cluster are sent per request, only when
 * the request came over TLS (over plain http under a non-loopback name a browser ignores the last two and logs a
 * console error or warning for every page).
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  strictTransportSecurity: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
} as const;

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
    .addTag('previews', 'Link previews of one or many URLs')
    .addTag('oembed', 'The service as an oEmbed 1.0 endpoint')
    .addServer('/', 'This server')
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}

/** The Fastify adapter with the options production runs with (proxy trust, body limit, request ids). */
export function createAdapter(config: AppConfig = readAppConfig()): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    return503OnClosing: true,
  });
}

/**
 * Everything applied to a created app: logger, request-id header, helmet, Swagger. `createApp()` and the e2e tests
 * that build their app from a testing module (to override a provider) both call it, so both run production's setup.
 */
export async function configureApp(
  app: NestFastifyApplication,
  config: AppConfig = readAppConfig(),
): Promise<NestFastifyApplication> {
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  await app.register(helmet, SECURITY_HEADERS);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // These only mean something on a TLS connection (HSTS: RFC 6797 §7.2): over plain http they are ignored.
    if (request.protocol === 'https') void reply.headers(TLS_ONLY_HEADERS);
  });
  if (config.docsEnabled) {
    SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  }
  return app;
}

/**
 * Creates the application exactly as production runs it; `main.ts` and the e2e tests call this, then `listen()` or
 * `init()`. Tests may pass a root module that imports `AppModule` and adds test-only routes.
 */
export async function createApp(rootModule: Type = AppModule): Promise<NestFastifyApplication> {
  const config = readAppConfig();
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, createAdapter(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  return configureApp(app, config);
}
