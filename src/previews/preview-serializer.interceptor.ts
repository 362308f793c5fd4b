import {
  type ClassSerializerContextOptions,
  ClassSerializerInterceptor,
  type ExecutionContext,
  Injectable,
  type PlainLiteralObject,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DebugAccess } from '../common/auth/debug-access.js';
import { stripEmpty } from '../common/serialization/strip-empty.js';
import { serializationGroups } from './dto/preview-fields.js';
import type { PreviewDto } from './dto/preview.dto.js';

interface Selection {
  fields?: string[];
  debug: boolean;
}

/** Reads `fields` and `debug` from the query (GET) or, for `fields`, the JSON body (batch). */
function selectionOf(request: FastifyRequest): Selection {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = (request.body ?? {}) as Record<string, unknown>;
  const fromQuery = typeof query.fields === 'string' ? query.fields.split(',').map((field) => field.trim()) : undefined;
  const fromBody = Array.isArray(body.fields) ? body.fields.filter((field) => typeof field === 'string') : undefined;
  return { fields: fromQuery ?? fromBody, debug: query.debug === 'true' };
}

/**
 * Serializes preview DTOs for one request: `fields=` and the debug permission become class-transformer groups,
 * then null and empty values are dropped. Only `getContextOptions()` and `serialize()` are overridden: `intercept()`
 * is where the base class loads class-transformer, and also maps every line of a streamed (NDJSON) body.
 */
@Injectable()
export class PreviewSerializerInterceptor extends ClassSerializerInterceptor {
  constructor(
    reflector: Reflector,
    private readonly debugAccess: DebugAccess,
  ) {
    super(reflector);
  }

  /** The class-transformer groups of one request: its `fields=` selection, and `debug` when the caller may see it. */
  groupsFor(request: FastifyRequest): string[] {
    const { fields, debug } = selectionOf(request);
    return serializationGroups(fields, debug && this.debugAccess.allows(request));
  }

  /** Serializes a preview with the groups of {@link groupsFor} to its JSON text, as `serialize()` would. */
  toJson(preview: PreviewDto, groups: string[]): string {
    return JSON.stringify(this.serialize(preview, { groups }));
  }

  protected override getContextOptions(context: ExecutionContext): ClassSerializerContextOptions | undefined {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return { ...super.getContextOptions(context), groups: this.groupsFor(request) };
  }

  override serialize(
    response: PlainLiteralObject | PlainLiteralObject[],
    options: ClassSerializerContextOptions,
  ): PlainLiteralObject | PlainLiteralObject[] {
    return stripEmpty(super.serialize(response, options));
  }
}
