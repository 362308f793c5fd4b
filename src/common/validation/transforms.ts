import { Transform } from 'class-transformer';

/**
 * Parses `true`/`false` strictly; any other value is left as it is so that `@IsBoolean()` refuses it with a clear
 * message (class-transformer's implicit conversion would turn `"no"` into `true`).
 */
export function ToBooleanStrict(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (value === 'true' || value === true) return true;
    if (value === 'false' || value === false) return false;
    return value;
  });
}

/** Splits a comma-separated query value (`fields=title,images`) into trimmed, non-empty items. */
export function ToList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  });
}
