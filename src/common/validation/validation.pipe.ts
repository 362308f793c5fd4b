import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';

export interface FieldError {
  field: string;
  messages: string[];
}

/** Flattens class-validator's tree into `{ field: 'a.b[0]', messages }` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent === '' ? error.property : `${parent}.${error.property}`;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * The global validation pipe: DTOs are transformed and checked, unknown properties are refused, and a failure
 * becomes the `VALIDATION_FAILED` domain error with every failing field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      const summary = fieldErrors.map(({ field, messages }) => `${field}: ${messages.join(', ')}`).join('; ');
      return new DomainError('VALIDATION_FAILED', `Request validation failed: ${summary}`, {
        details: { errors: fieldErrors },
      });
    },
  });
}
