import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { DomainError } from '../errors/domain-error.js';

export interface FieldError {
  field: string;
  messages: string[];
}

/** Longest array a request body may hold before it is transformed (the largest `BATCH_MAX_URLS` allowed). */
export const MAX_BODY_ARRAY_LENGTH = 1000;
/** Most values (array items, object members) a request body may hold before it is transformed. */
export const MAX_BODY_VALUES = 10_000;

/** Flattens class-validator's tree into `{ field: 'a.b[0]', messages }` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent === '' ? error.property : `${parent}.${error.property}`;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

function validationFailed(fieldErrors: FieldError[]): DomainError {
  const summary = fieldErrors.map(({ field, messages }) => `${field}: ${messages.join(', ')}`).join('; ');
  return new DomainError('VALIDATION_FAILED', `Request validation failed: ${summary}`, {
    details: { errors: fieldErrors },
  });
}

/**
 * Refuses, before class-transformer and class-validator see it, a value they would spend long on: a body with an
 * array over {@link MAX_BODY_ARRAY_LENGTH} items or more than {@link MAX_BODY_VALUES} values in all. (The JSON parser
 * has already refused nesting deeper than 32 levels and the server bodies over 256 KiB.)
 */
function checkBodyShape(body: unknown): void {
  let values = 0;
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    const items: unknown[] = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
    if (Array.isArray(value) && items.length > MAX_BODY_ARRAY_LENGTH) {
      throw validationFailed([
        { field: 'body', messages: [`arrays in the body may hold at most ${MAX_BODY_ARRAY_LENGTH} items`] },
      ]);
    }
    values += items.length;
    if (values > MAX_BODY_VALUES) {
      throw validationFailed([{ field: 'body', messages: [`the body may hold at most ${MAX_BODY_VALUES} values`] }]);
    }
    pending.push(...items);
  }
}

/** A query parameter given more than once (`?fields=a&fields=b`) arrives as an array: our queries take one value each. */
function checkQueryParametersOnce(query: unknown): void {
  if (query === null || typeof query !== 'object') return;
  const repeated = Object.entries(query).filter(([, value]) => Array.isArray(value));
  if (repeated.length === 0) return;
  throw validationFailed(
    repeated.map(([field]) => ({
      field,
      messages: [`${field} must be given once (a list is one comma-separated value)`],
    })),
  );
}

/**
 * The global validation pipe: cheap shape checks first, then DTOs are transformed and checked, unknown properties
 * are refused, and a failure becomes the `VALIDATION_FAILED` domain error with every failing field.
 */
class ShapeCheckingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') checkBodyShape(value);
    if (metadata.type === 'query') checkQueryParametersOnce(value);
    return super.transform(value, metadata);
  }

  /**
   * Every constraint of the service's DTOs is synchronous, so validation runs synchronously: class-validator's
   * async `validate()` makes a promise per constraint, and with the request context kept in AsyncLocalStorage each
   * promise costs a cache hit more than the check itself. (An async constraint added later would be skipped by
   * `validateSync`: keep constraints synchronous.)
   */
  protected override validate(object: object, validatorOptions?: ValidatorOptions): ValidationError[] {
    return validateSync(object, validatorOptions);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ShapeCheckingValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
