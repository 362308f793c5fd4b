import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Longest target URL accepted, as most browsers and CDNs do. */
export const MAX_URL_LENGTH = 2048;

/** What a target URL must be, as validation messages say it. */
export const HTTP_URL_RULE = `an absolute http or https URL of at most ${MAX_URL_LENGTH} characters`;

/** Whether `value` is an absolute http(s) URL with a host, of any length. */
export function isAbsoluteHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Whether `value` is an absolute http(s) URL of at most {@link MAX_URL_LENGTH} characters with a host. */
export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_URL_LENGTH && isAbsoluteHttpUrl(value);
}

/** Validates a target URL: absolute, http or https, at most 2048 characters. */
export function IsHttpUrl(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isHttpUrl',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be ${HTTP_URL_RULE}`,
        ...options,
      },
      validator: { validate: isHttpUrl },
    });
  };
}
