import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/error-codes.js';
import { buildProblem, PROBLEM_CONTENT_TYPE, ProblemDto } from '../errors/problem.js';

/**
 * Documents the problem+json answers a route can give, one response per status with an example per code.
 * `INTERNAL_ERROR` is always added: any route can fail unexpectedly.
 */
export function ApiProblemResponses(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, 'INTERNAL_ERROR'])) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus].map(([status, statusCodes]) =>
    ApiResponse({
      status,
      description: statusCodes.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].title}`).join('; '),
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: getSchemaPath(ProblemDto) },
          examples: Object.fromEntries(
            statusCodes.map((code) => [
              code,
              {
                value: buildProblem(code, ERROR_CATALOGUE[code].title, {
                  instance: '/v1/previews',
                  requestId: '5b7f8d0e-6a43-4d1a-9a34-6a0f3c1e2b7d',
                }),
              },
            ]),
          ),
        },
      },
    }),
  );
  return applyDecorators(ApiExtraModels(ProblemDto), ...responses);
}
