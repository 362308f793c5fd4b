import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { Type as TransformType } from 'class-transformer';
import { AppModule } from '../src/app.module.js';
import { DomainError } from '../src/common/errors/domain-error.js';
import { startTestApp } from './support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

class ProbeQuery {
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  url!: string;

  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  size!: number;
}

/** Test-only routes that exercise the error model through the real global pipeline. */
@Controller('probe')
class ProbeController {
  @Get('validate')
  validate(@Query() query: ProbeQuery): ProbeQuery {
    return query;
  }

  @Get('crash')
  crash(): never {
    throw new Error('database password is hunter2');
  }

  @Get('overloaded')
  overloaded(): never {
    throw new DomainError('OVERLOADED', 'The parse queue is full', { headers: { 'retry-after': '1' } });
  }

  @Post('echo')
  echo(@Body() body: Record<string, unknown>): Record<string, unknown> {
    return body;
  }
}

@Module({ imports: [AppModule], controllers: [ProbeController] })
class ProbeModule {}

describe('service skeleton (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({ rootModule: ProbeModule });
  });

  afterAll(async () => {
    await app.close();
  });

  describe('GET /test', () => {
    it('answers Hello, World! as plain text with a generated request id', async () => {
      const res = await app.inject({ method: 'GET', url: '/test' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toBe('Hello, World!');
    });

    it('keeps a well-formed incoming X-Request-Id', async () => {
      const res = await app.inject({ method: 'GET', url: '/test', headers: { 'x-request-id': 'client-42.a:b' } });
      expect(res.headers['x-request-id']).toBe('client-42.a:b');
    });

    it.each([['has spaces in it'], ['x'.repeat(129)], ['<script>']])(
      'replaces a malformed X-Request-Id (%#) with a generated one',
      async (incoming) => {
        const res = await app.inject({ method: 'GET', url: '/test', headers: { 'x-request-id': incoming } });
        expect(res.headers['x-request-id']).toMatch(UUID);
      },
    );
  });

  describe('error model', () => {
    it('answers an unknown route with a NOT_FOUND problem whose requestId matches the header', async () => {
      const res = await app.inject({ method: 'GET', url: '/nope?x=1' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toEqual({
        type: 'urn:link-preview:problem:not-found',
        title: 'Not found',
        status: 404,
        detail: 'Cannot GET /nope?x=1',
        code: 'NOT_FOUND',
        instance: '/nope',
        requestId: res.headers['x-request-id'],
      });
      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    it('answers a DTO validation failure with VALIDATION_FAILED and every failing field', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/probe/validate?url=ftp://example.com&size=99&extra=1',
        headers: { 'x-request-id': 'req-validation' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toEqual({
        type: 'urn:link-preview:problem:validation-failed',
        title: 'Validation failed',
        status: 400,
        detail:
          'Request validation failed: extra: property extra should not exist; url: url must be a URL address; ' +
          'size: size must not be greater than 10',
        code: 'VALIDATION_FAILED',
        instance: '/probe/validate',
        requestId: 'req-validation',
        errors: [
          { field: 'extra', messages: ['property extra should not exist'] },
          { field: 'url', messages: ['url must be a URL address'] },
          { field: 'size', messages: ['size must not be greater than 10'] },
        ],
      });
    });

    it('passes a valid DTO through, transformed', async () => {
      const res = await app.inject({ method: 'GET', url: '/probe/validate?url=https://example.com/&size=3' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ url: 'https://example.com/', size: 3 });
    });

    it('answers an unexpected error with a 500 that reveals nothing internal', async () => {
      const res = await app.inject({ method: 'GET', url: '/probe/crash', headers: { 'x-request-id': 'req-crash' } });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toEqual({
        type: 'urn:link-preview:problem:internal-error',
        title: 'Internal server error',
        status: 500,
        detail: 'An unexpected error occurred. Quote the request id when reporting it.',
        code: 'INTERNAL_ERROR',
        instance: '/probe/crash',
        requestId: 'req-crash',
      });
      expect(res.body).not.toMatch(/hunter2|at .*\.ts|stack/);
    });

    it('sets the headers a domain error asks for', async () => {
      const res = await app.inject({ method: 'GET', url: '/probe/overloaded', headers: { 'x-request-id': 'req-503' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toEqual({
        type: 'urn:link-preview:problem:overloaded',
        title: 'Service overloaded',
        status: 503,
        detail: 'The parse queue is full',
        code: 'OVERLOADED',
        instance: '/probe/overloaded',
        requestId: 'req-503',
      });
    });

    it('answers a malformed JSON body with a 400 problem, not a 500', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/probe/echo',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-json' },
        payload: '{"urls": [',
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', requestId: 'req-json' });
      expect(res.json().detail).toMatch(/JSON/);
    });

    it('answers an unsupported body type with a 415 problem', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/probe/echo',
        headers: { 'content-type': 'application/x-thing', 'x-request-id': 'req-415' },
        payload: 'abc',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', requestId: 'req-415' });
    });

    it('answers a body over the size limit with a 413 problem', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/probe/echo',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-413' },
        payload: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', requestId: 'req-413' });
    });
  });

  describe('Swagger', () => {
    it('serves the OpenAPI 3 document with the title and version of package.json', async () => {
      const res = await app.inject({ method: 'GET', url: '/docs-json' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.info).toMatchObject({ title: 'link-preview-service', version: '1.0.0' });
      expect(doc.paths['/test'].get.responses['200'].content).toEqual({
        'text/plain': { schema: { type: 'string', example: 'Hello, World!' } },
      });
      expect(doc.paths['/test'].get.responses['500'].content['application/problem+json'].schema).toEqual({
        $ref: '#/components/schemas/ProblemDto',
      });
      expect(Object.keys(doc.components.schemas.ProblemDto.properties)).toEqual(
        expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId']),
      );
    });

    it('serves the Swagger UI page', async () => {
      const res = await app.inject({ method: 'GET', url: '/docs' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('swagger-ui');
    });

    it('sends a CSP without upgrade-insecure-requests, so the page renders over plain http under any host name', async () => {
      const res = await app.inject({ method: 'GET', url: '/docs', headers: { host: 'previews.internal:3000' } });
      expect(res.statusCode).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
      expect(res.headers['origin-agent-cluster']).toBeUndefined();
    });

    it('sends HSTS, COOP and Origin-Agent-Cluster only when the request came over TLS through a trusted proxy', async () => {
      const viaTls = await app.inject({ method: 'GET', url: '/test', headers: { 'x-forwarded-proto': 'https' } });
      expect(viaTls.headers).toMatchObject({
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'cross-origin-opener-policy': 'same-origin',
        'origin-agent-cluster': '?1',
      });
      const spoofed = await app.inject({
        method: 'GET',
        url: '/test',
        remoteAddress: '203.0.113.9',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(spoofed.headers['strict-transport-security']).toBeUndefined();
      expect(spoofed.headers['cross-origin-opener-policy']).toBeUndefined();
      expect(spoofed.headers['origin-agent-cluster']).toBeUndefined();
    });
  });
});

describe('service skeleton with DOCS_ENABLED=false (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({ env: { DOCS_ENABLED: 'false' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it.each(['/docs', '/docs-json'])('answers %s with NOT_FOUND', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', instance: url });
  });
});
