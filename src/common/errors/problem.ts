import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from './error-codes.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The `type` URI of a problem: one stable URN per catalogue code. */
export function problemType(code: ErrorCode): string {
  return `urn:link-preview:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

/** An RFC 9457 problem details body, as every error of the service is answered. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:link-preview:problem:not-found', description: 'Stable URI naming the problem type' })
  type!: string;

  @ApiProperty({ example: 'Not found' })
  title!: string;

  @ApiProperty({ example: 404 })
  status!: number;

  @ApiProperty({ example: 'Cannot GET /nope' })
  detail!: string;

  @ApiProperty({ enum: ERROR_CODES, example: 'NOT_FOUND', description: 'Stable machine-readable code' })
  code!: ErrorCode;

  @ApiProperty({ example: '/nope', description: 'The request path' })
  instance!: string;

  @ApiProperty({ example: '5b7f8d0e-6a43-4d1a-9a34-6a0f3c1e2b7d', description: 'Echoes the X-Request-Id header' })
  requestId!: string;

  @ApiPropertyOptional({
    description: 'Failing fields (VALIDATION_FAILED only)',
    example: [{ field: 'url', messages: ['url must be an http or https URL'] }],
    type: 'array',
    items: {
      type: 'object',
      properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
      required: ['field', 'messages'],
    },
  })
  errors?: { field: string; messages: string[] }[];

  @ApiPropertyOptional({
    description: 'Upstream HTTP status (UPSTREAM_ERROR caused by the target answering 3xx/4xx/5xx; UPSTREAM_BLOCKED)',
  })
  upstreamStatus?: number;

  @ApiPropertyOptional({
    description:
      'What went wrong upstream (refused, reset, tls, dns, decode, status, ...); for OVERLOADED what was full ' +
      '(origin_queue, origin_budget, parse_queue, parse_budget)',
  })
  cause?: string;

  @ApiPropertyOptional({
    description:
      'false when no request for the URL left the service (it was shed before): the answer says nothing about the ' +
      'target',
    example: false,
  })
  reachedUpstream?: boolean;

  @ApiPropertyOptional({
    description:
      'Why: for UPSTREAM_BLOCKED what the target answered instead of the page (bot-challenge, consent, login-wall, ' +
      'forbidden); for INVALID_URL and BLOCKED_DESTINATION which check refused the URL',
    example: 'bot-challenge',
  })
  reason?: string;
}

export type Problem = ProblemDto & Record<string, unknown>;

const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId']);

/** Builds the body for `code`; `extras` are the error's caller-safe details, listed after the standard members. */
export function buildProblem(
  code: ErrorCode,
  detail: string,
  context: { instance: string; requestId: string },
  extras: Record<string, unknown> = {},
): Problem {
  const { status, title } = ERROR_CATALOGUE[code];
  const own = Object.fromEntries(Object.entries(extras).filter(([key]) => !STANDARD_MEMBERS.has(key)));
  return { type: problemType(code), title, status, detail, code, ...context, ...own };
}
