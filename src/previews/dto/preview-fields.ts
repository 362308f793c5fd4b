/** The fields a caller can ask for with `fields=`; `url` is always returned. */
export const PREVIEW_FIELDS = [
  'finalUrl',
  'canonicalUrl',
  'status',
  'contentType',
  'type',
  'title',
  'description',
  'siteName',
  'lang',
  'author',
  'publishedAt',
  'modifiedAt',
  'themeColor',
  'images',
  'videos',
  'icons',
  'oembed',
  'fetchedAt',
] as const;

export type PreviewField = (typeof PREVIEW_FIELDS)[number];

/** Serialization group of every selectable field when no `fields=` is given. */
export const ALL_FIELDS_GROUP = 'all';
/** Serialization group of the debug-only fields. */
export const DEBUG_GROUP = 'debug';

/** The serialization group that exposes one field. */
export function fieldGroup(field: PreviewField): string {
  return `field:${field}`;
}

/** Groups for a `fields=` selection (undefined or empty: every field) and the debug permission. */
export function serializationGroups(fields: readonly string[] | undefined, debug: boolean): string[] {
  const selected =
    fields === undefined || fields.length === 0
      ? [ALL_FIELDS_GROUP]
      : PREVIEW_FIELDS.filter((field) => fields.includes(field)).map(fieldGroup);
  return debug ? [...selected, DEBUG_GROUP] : selected;
}
