import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { DomainError } from './common/errors/domain-error.js';
import { answerClientError } from './common/http/client-errors.js';
import { useJsonBodyParser } from './common/http/json-body.js';
import { REQUEST_ID_HEADER, requestIdOf } from './common/http/request-id.js';
import { DrainState } from './common/lifecycle/drain-state.js';
import { readAccessConfig, type AccessConfig } from './config/access.config.js';
import { readAppConfig, type AppConfig } from './config/app.config.js';
import { packageInfo } from './config/package-info.js';

/** Largest accepted request body: batch requests of URLs are small. */
const BODY_LIMIT_BYTES = 256 * 1024;
/** Longest request target (path and query): a 2048-character URL percent-encoded fits with room to spare. */
export const MAX_REQUEST_TARGET_BYTES = 8192;
/** How often Node checks its request and headers timeouts (its default, 30 s, would let them overrun by as much). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

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

/** Request headers a browser page may send across origins, and answer headers it may read. */
const CORS_ALLOWED_HEADERS = ['Content-Type', 'Accept', 'X-API-Key', 'Authorization', 'If-None-Match', 'X-Request-Id'];
const CORS_EXPOSED_HEADERS = [
  'ETag',
  'X-Cache',
  'X-Request-Id',
  'Server-Timing',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
];

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
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A key from API_KEYS' }, 'apiKey')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'The same key as a bearer token' },
      'bearer',
    )
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}

/**
 * The Fastify adapter with the options production runs with: proxy trust, body limit, request ids, server
 * timeouts, and problem+json answers to errors of Node's HTTP parser.
 */
export function createAdapter(config: AppConfig = readAppConfig()): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    // The drain answers 503 itself, as problem+json (see configureApp).
    return503OnClosing: false,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    clientErrorHandler: answerClientError,
  });
}

/**
 * Transport concerns that precede routing, as Fastify `onRequest` hooks (none of them answers a route): the
 * request-id header, the TLS-only security headers, the request-target length limit and the 503 of a closing listener.
 */
function addTransportHooks(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const drain = app.get(DrainState);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    // These only mean something on a TLS connection (HSTS: RFC 6797 §7.2): over plain http they are ignored.
    if (request.protocol === 'https') void reply.headers(TLS_ONLY_HEADERS);
    if (drain.closing) {
      throw new DomainError('SHUTTING_DOWN', 'The service is shutting down; retry on another instance', {
        headers: { connection: 'close', 'retry-after': '1' },
      });
    }
    if (request.url.length > MAX_REQUEST_TARGET_BYTES) {
      throw new DomainError('URI_TOO_LONG', `The request target is over ${MAX_REQUEST_TARGET_BYTES} bytes`);
    }
  });
}

/**
 * Everything applied to a created app: logger, transport hooks, JSON body parser, helmet, CORS, Swagger.
 * `createApp()` and the e2e tests that build their app from a testing module (to override a provider) both call
 * it, so both run production's setup.
 */
export async function configureApp(
  app: NestFastifyApplication,
  config: AppConfig = readAppConfig(),
  access: AccessConfig = readAccessConfig(),
): Promise<NestFastifyApplication> {
  app.useLogger(app.get(Logger));
  addTransportHooks(app);
  useJsonBodyParser(app, BODY_LIMIT_BYTES);
  await app.register(helmet, SECURITY_HEADERS);
  if (access.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: access.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
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
