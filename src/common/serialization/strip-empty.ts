/**
 * Removes null, undefined, empty strings, empty arrays and empty objects, deeply: class-transformer has no
 * option to omit nulls (`exposeUnsetFields: false` only drops undefined).
 */
export function stripEmpty<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((item: unknown) => stripEmpty(item)).filter((item) => !isEmpty(item)) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, stripEmpty(item)] as const)
      .filter(([, item]) => !isEmpty(item));
    return Object.fromEntries(entries) as T;
  }
  return value;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return (
    typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).length === 0
  );
}
