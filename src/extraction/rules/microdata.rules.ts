import type { PageType } from '../metadata.js';
import { schemaTypeToPageType } from '../normalize/page-type.js';
import { rule, type Rule } from './rule.js';

/** The first non-blank microdata value at a property path: `itemprop('headline')`, `itemprop('author.name')`. */
export function itemprop(path: string): Rule<string> {
  const lower = path.toLowerCase();
  return rule(`itemprop:${path}`, (page) =>
    page
      .itemProp(lower)
      .map((value) => value.trim())
      .find((value) => value !== ''),
  );
}

/** The preview type implied by the `itemtype` of a top-level microdata item. */
export const microdataType: Rule<PageType> = rule('itemtype', (page) => {
  for (const itemType of page.scan.itemTypes) {
    const mapped = schemaTypeToPageType(itemType.split('/').pop());
    if (mapped !== undefined) return mapped;
  }
  return undefined;
});
