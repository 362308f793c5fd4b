import { jsonLdTypes, jsonLdValue, type JsonLdNode } from '../json-ld.js';
import type { ImageInfo, PageType, VideoInfo } from '../metadata.js';
import { toDimension } from '../normalize/text.js';
import { schemaTypeToPageType } from '../normalize/page-type.js';
import { rule, type Rule } from './rule.js';

/**
 * The first JSON-LD value at `path` (`headline`, `publisher.name`) read as text: a string as is,
 * a number as digits, an object by its `name` or `@value`.
 */
export function jsonLd(path: string): Rule<string> {
  return rule(`jsonld:${path}`, (page) => asText(jsonLdValue(page.jsonLd(), path)));
}

/** Author names from JSON-LD `author` (a string, a Person/Organization, or an array of them): `A, B and C`. */
export const jsonLdAuthor: Rule<string> = rule('jsonld:author', (page) => {
  for (const node of page.jsonLd()) {
    const names = namesOf(node.author);
    if (names.length > 0) return joinList(names);
  }
  return undefined;
});

/** Images from JSON-LD `image` / `thumbnailUrl`: URLs, ImageObjects or arrays of either. */
export const jsonLdImages: Rule<ImageInfo[]> = rule('jsonld:image', (page) => {
  for (const node of page.jsonLd()) {
    const images = mediaOf(node.image ?? node.thumbnailUrl);
    if (images.length > 0) return images;
  }
  return undefined;
});

/** VideoObject `contentUrl` (or `embedUrl`) with its size. */
export const jsonLdVideos: Rule<VideoInfo[]> = rule('jsonld:video', (page) => {
  const videos = page
    .jsonLd()
    .flatMap((node) => [node, ...(isNode(node.video) ? [node.video] : [])])
    .filter((node) => jsonLdTypes(node).includes('VideoObject'))
    .map((node) => ({ node, url: asText(node.contentUrl) ?? asText(node.embedUrl) }))
    .filter((entry): entry is { node: JsonLdNode; url: string } => entry.url !== undefined)
    .map(({ node, url }) => withSize({ url }, node));
  return videos.length > 0 ? videos : undefined;
});

/** Name of the person or organisation a JSON-LD `ProfilePage` is about (its `mainEntity`). */
export const jsonLdProfileName: Rule<string> = rule('jsonld:ProfilePage.mainEntity.name', (page) =>
  asText(profileEntity(page.jsonLd())?.name),
);

/** Description of the person or organisation a JSON-LD `ProfilePage` is about. */
export const jsonLdProfileDescription: Rule<string> = rule('jsonld:ProfilePage.mainEntity.description', (page) =>
  asText(profileEntity(page.jsonLd())?.description),
);

/** Picture of the person or organisation a JSON-LD `ProfilePage` is about. */
export const jsonLdProfileImages: Rule<ImageInfo[]> = rule('jsonld:ProfilePage.mainEntity.image', (page) => {
  const entity = profileEntity(page.jsonLd());
  const images = entity === undefined ? [] : mediaOf(entity.image);
  return images.length > 0 ? images : undefined;
});

/** The preview type implied by the first JSON-LD node with a known `@type`. */
export const jsonLdType: Rule<PageType> = rule('jsonld:@type', (page) => {
  for (const node of page.jsonLd()) {
    for (const type of jsonLdTypes(node)) {
      const mapped = schemaTypeToPageType(type);
      if (mapped !== undefined) return mapped;
    }
  }
  return undefined;
});

function profileEntity(nodes: readonly JsonLdNode[]): JsonLdNode | undefined {
  const profile = nodes.find((node) => jsonLdTypes(node).includes('ProfilePage'));
  const entity: unknown = Array.isArray(profile?.mainEntity) ? profile.mainEntity[0] : profile?.mainEntity;
  return isNode(entity) ? entity : undefined;
}

function joinList(names: string[]): string {
  const unique = [...new Set(names.map((n) => n.trim()))];
  return unique.length <= 1 ? unique.join('') : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

function namesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((item) => namesOf(item));
  if (!isNode(value)) return [];
  const name = asText(value.name) ?? joinNames(value.givenName, value.familyName);
  return name === undefined ? [] : [name];
}

function joinNames(given: unknown, family: unknown): string | undefined {
  const parts = [given, family].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function mediaOf(value: unknown): ImageInfo[] {
  if (typeof value === 'string') return [{ url: value }];
  if (Array.isArray(value)) return value.flatMap((item) => mediaOf(item));
  if (!isNode(value)) return [];
  const url = asText(value.url) ?? asText(value.contentUrl);
  if (url === undefined) return [];
  const image: ImageInfo = withSize({ url }, value);
  const alt = asText(value.caption) ?? asText(value.name);
  return [alt === undefined ? image : { ...image, alt }];
}

function withSize<T extends { url: string; width?: number; height?: number }>(media: T, node: JsonLdNode): T {
  const width = toDimension(asText(node.width));
  const height = toDimension(asText(node.height));
  return { ...media, ...(width === undefined ? {} : { width }), ...(height === undefined ? {} : { height }) };
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = asText(item);
      if (text !== undefined) return text;
    }
    return undefined;
  }
  if (isNode(value)) return asText(value.name) ?? asText(value['@value']) ?? asText(value.value);
  return undefined;
}

function isNode(value: unknown): value is JsonLdNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
