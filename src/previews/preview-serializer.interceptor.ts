import {
  type CallHandler,
  type ClassSerializerContextOptions,
  ClassSerializerInterceptor,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  type PlainLiteralObject,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { instanceToPlain } from 'class-transformer';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hash } from 'node:crypto';
import { map, type Observable } from 'rxjs';
import { stripEmpty } from '../common/serialization/strip-empty.js';
import { accessConfig } from '../config/access.config.js';
import { cacheConfig } from '../config/cache.config.js';
import { serializationGroups, type PreviewField } from './dto/preview-fields.js';
import { PreviewDto } from './dto/preview.dto.js';
import type { PreviewResult } from './previews.service.js';
import { RenderedBodies, type RenderedBody } from './rendered-bodies.js';

/** Which fields an answer shows: the validated `fields=` and whether the debug group is asked for (and allowed). */
export interface Selection {
  fields?: readonly PreviewField[];
  debug: boolean;
}

/** What `GET /v1/previews` hands to the serializer: the preview with its cache state, and the selection. */
export class PreviewAnswer {
  constructor(
    readonly result: PreviewResult,
    readonly selection: Selection,
  ) {}
}

/** A value to serialize with the groups of a selection (batch answers, and each line of an NDJSON stream). */
export class Selected<T extends object> {
  constructor(
    readonly value: T,
    readonly selection: Selection,
  ) {}
}

/** Request headers that make answers differ per caller: a shared cache must key on them (RFC 9110 §12.5.5). */
const CREDENTIAL_HEADERS = 'Authorization, X-API-Key';

/** Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(header: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}

/** A weak ETag: a hash of what determines the body (entry version, selection, the URL as asked). */
function etagOf(identity: string): string {
  return `W/"${hash('sha256', identity, 'base64url').slice(0, 27)}"`;
}

/** Adds `values` to a reply's `Vary` header, keeping what is there (CORS adds `Origin`). */
function addVary(reply: FastifyReply, values: string): void {
  const current = reply.getHeader('vary');
  void reply.header('vary', current === undefined ? values : `${String(current)}, ${values}`);
}

/** Adds one entry to `Server-Timing` (the timing hook appends `total` when the answer is sent). */
export function addServerTiming(reply: FastifyReply, entry: string): void {
  const current = reply.getHeader('server-timing');
  void reply.header('server-timing', current === undefined ? entry : `${String(current)}, ${entry}`);
}

/**
 * class-transformer serialization with the groups of a {@link Selected} value, null and empty values dropped: the
 * batch answers, whole or line by line. Only `serialize()` is overridden: `intercept()` is where the base class
 * loads class-transformer and maps every line of a streamed (NDJSON) body.
 */
class SelectionSerializer extends ClassSerializerInterceptor {
  override serialize(
    response: PlainLiteralObject | PlainLiteralObject[],
    options: ClassSerializerContextOptions,
  ): PlainLiteralObject | PlainLiteralObject[] {
    const selected = response instanceof Selected ? (response as Selected<PlainLiteralObject>) : undefined;
    const serialized =
      selected === undefined
        ? super.serialize(response, options)
        : super.serialize(selected.value, {
            ...options,
            groups: serializationGroups(selected.selection.fields, selected.selection.debug),
          });
    return stripEmpty(serialized);
  }
}

/**
 * The one serializer of the previews routes, and the one place that writes their cache headers.
 *
 * - A {@link PreviewAnswer} (`GET /v1/previews`) becomes its JSON text: its fields as class-transformer groups, null
 *   and empty values dropped, kept in {@link RenderedBodies} per entry version and selection so that a cache hit
 *   writes a kept string. Headers: `Cache-Control` (`public, max-age=<freshness left>`, or `private, no-store` for
 *   debug answers), `Vary` on the credential headers when authentication is on or the answer has debug data,
 *   `ETag` (and `304` on a matching `If-None-Match`), `X-Cache`, and `Server-Timing` entries naming the store tier
 *   that answered and whether the body was kept.
 * - A {@link Selected} value (a batch, or each NDJSON line) is serialized with its selection's groups.
 *
 * A batch goes through {@link SelectionSerializer}; a single preview is rendered here, synchronously: a cache hit
 * writes a kept string without a promise or a class-transformer call on its way.
 */
@Injectable()
export class PreviewSerializerInterceptor implements NestInterceptor {
  private readonly bodies: RenderedBodies;
  private readonly authenticated: boolean;
  private readonly selections: SelectionSerializer;

  constructor(
    reflector: Reflector,
    @Inject(cacheConfig.KEY) cache: ConfigType<typeof cacheConfig>,
    @Inject(accessConfig.KEY) access: ConfigType<typeof accessConfig>,
  ) {
    this.selections = new SelectionSerializer(reflector);
    this.bodies = new RenderedBodies({ maxItems: cache.bodiesMaxItems, maxBytes: cache.bodiesMaxMb * 1024 * 1024 });
    this.authenticated = access.apiKeys.length > 0;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (request.method === 'POST') return this.selections.intercept(context, next);
    // GET and DELETE answer a PreviewAnswer or nothing.
    const reply = http.getResponse<FastifyReply>();
    return next
      .handle()
      .pipe(map((value: unknown) => (value instanceof PreviewAnswer ? this.respond(value, request, reply) : value)));
  }

  /** Writes the headers of a preview answer and returns its body (`undefined` for a 304). */
  private respond(answer: PreviewAnswer, request: FastifyRequest, reply: FastifyReply): string | undefined {
    const { result, selection } = answer;
    const groups = serializationGroups(selection.fields, selection.debug);
    const identity = `${result.version}\n${groups.join(',')}\n${result.url}`;
    let rendered = false;
    const { body, etag } = this.bodies.getOrRender(identity, (): RenderedBody => {
      rendered = true;
      const dto = Object.assign(new PreviewDto(), result.preview, { url: result.url });
      return { body: JSON.stringify(stripEmpty(instanceToPlain(dto, { groups }))), etag: etagOf(identity) };
    });
    void reply
      .header('cache-control', selection.debug ? 'private, no-store' : `public, max-age=${result.maxAgeSeconds}`)
      .header('etag', etag)
      .header('x-cache', result.state);
    if (selection.debug || this.authenticated) addVary(reply, CREDENTIAL_HEADERS);
    addServerTiming(reply, `cache;desc="${result.tier ?? 'origin'}", body;desc="${rendered ? 'rendered' : 'memo'}"`);
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.type('application/json; charset=utf-8');
    return body;
  }
}
